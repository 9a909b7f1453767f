import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type postgres from 'postgres';

type Params = postgres.ParameterOrJSON<never>[];
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * Why not kysely-postgres-js: it reserves a connection for every query, so at most
 * `max` queries are in flight and postgres.js cannot pipeline them (measured: a
 * third of the completion throughput). Here a single query goes through the pool,
 * which pipelines; only a transaction reserves a connection, from BEGIN to its end.
 */
class PooledConnection implements DatabaseConnection {
  #reserved: postgres.ReservedSql | undefined;

  constructor(private readonly sql: postgres.Sql) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await (this.#reserved ?? this.sql).unsafe(compiled.sql, compiled.parameters as Params, { prepare: true });
    return { rows: Array.from(result) as R[], ...(WRITES.has(result.command) ? { numAffectedRows: BigInt(result.count) } : {}) };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const cursor = (this.#reserved ?? this.sql).unsafe(compiled.sql, compiled.parameters as Params, { prepare: true }).cursor(chunkSize);
    for await (const rows of cursor) yield { rows: rows as R[] };
  }

  async begin(settings: TransactionSettings): Promise<void> {
    this.#reserved = await this.sql.reserve();
    const options = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ');
    await this.#reserved.unsafe(`start transaction ${options}`);
  }

  async end(statement: 'commit' | 'rollback'): Promise<void> {
    try {
      await this.#reserved!.unsafe(statement);
    } finally {
      this.release();
    }
  }

  release(): void {
    this.#reserved?.release();
    this.#reserved = undefined;
  }
}

class PooledDriver implements Driver {
  constructor(private readonly sql: postgres.Sql) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PooledConnection(this.sql);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PooledConnection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PooledConnection).end('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PooledConnection).end('rollback');
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PooledConnection).release();
  }
  async destroy(): Promise<void> {
    await this.sql.end();
  }
}

/** Kysely on a postgres.js client, pipelining queries outside transactions. */
export class PostgresJsDialect implements Dialect {
  constructor(private readonly sql: postgres.Sql) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PooledDriver(this.sql);
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
