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
import { AppError } from '../errors/app-error.ts';

type Params = postgres.ParameterOrJSON<never>[];
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * Errors that say the connection (or the server) is gone, not that the statement was
 * wrong: postgres.js's own codes, the socket's, SQLSTATE class 08 (connection
 * exception) and 57P01–57P03 (the server is shutting down, crashed or starting up).
 */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03',
]);
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'));
}

/**
 * The database cannot be reached (or was lost mid-statement): a 503 in the user's
 * language ("try again later"), with the driver's error as the cause for the log.
 */
export class DatabaseUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super({ code: 'database_unavailable', status: 503, messageKey: 'error.server' });
    this.name = 'DatabaseUnavailableError';
    if (cause !== undefined) this.cause = cause;
  }
}

function unavailable(error: unknown): unknown {
  return isConnectionError(error) ? new DatabaseUnavailableError(error) : error;
}

/** One postgres.js client. It is replaced as a whole when one of its connections is lost. */
interface Generation {
  readonly sql: postgres.Sql;
  readonly born: number;
  /** A connection was lost: nothing new goes to this client, and its reservations are not trusted. */
  broken: boolean;
  /** Replaced: new work goes to another client. */
  retired: boolean;
  /** Transactions holding one of its connections. */
  reservations: number;
  /** Ends the client once it is retired and its last reservation is back. */
  ending?: Promise<void>;
  /** Rejecters of the statements and reservations waiting on this client. */
  waiting: Set<(error: unknown) => void>;
  /** Rejecters of the reservations not granted yet: nothing has run on them, so they fail as soon as the client breaks. */
  reserving: Set<(error: unknown) => void>;
}

/**
 * Waits for a statement or a reservation of `generation`, unless the client is ended
 * first: postgres.js's end() can resolve while a query or reserve() still waits in its
 * queue, never to be answered; such a wait is rejected when the client's grace is over.
 */
function guarded<T>(generation: Generation, work: PromiseLike<T>, waiting = generation.waiting): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    waiting.add(reject);
    work.then(
      (value) => {
        waiting.delete(reject);
        resolve(value);
      },
      (error: unknown) => {
        waiting.delete(reject);
        reject(error);
      },
    );
  });
}

export interface PoolOptions {
  /** Opens a postgres.js client whose `onclose` is the given function (and without its own idle_timeout/max_lifetime). */
  open(onclose: () => void): postgres.Sql;
  /** How long work on a client with a lost connection may finish before its connections are destroyed. */
  brokenGraceSeconds?: number;
  /** A client is replaced (gracefully) after this long, as postgres.js's max_lifetime would. */
  maxLifetimeSeconds?: number;
  /** How long `end()` waits for running statements before it destroys the connections. */
  endTimeoutSeconds?: number;
}

/**
 * postgres.js 3.4.9 does not recover a connection that closes abnormally: the Connection
 * object keeps its state across the reconnect. Seen here (test/db-recovery.test.ts, and
 * with postgres.js alone) after pg_terminate_backend or a restart under load:
 * - bytes written in the tick the socket closed stay buffered with a cancelled flush
 *   (`chunk`/`nextWriteTimer` are not reset in `closed()`), so the startup message of the
 *   next connect is never sent and the query waits for CONNECT_TIMEOUT;
 * - the 57P01 ErrorResponse of the terminated statement is kept (`errorResponse`) and
 *   fails the first query on the new connection, whenever it comes;
 * - queries pipelined onto a socket between its 'error' and 'close' events are never
 *   answered nor rejected (closed(true) does not reject them): they hang forever;
 * - `reserve().release()` of a connection that died puts it into the open queue with
 *   no socket (and a query on it throws from a setImmediate).
 * No released version fixes these (3.4.9 is the newest). So a client one of whose
 * connections closed unexpectedly is never used again: new work goes to a fresh client,
 * and the old one is ended, its stuck statements rejected after a short grace. The
 * driver's own idle_timeout/max_lifetime stay off (every close is then unexpected);
 * the lifetime is kept here by replacing the client once its transactions are done.
 */
export class PostgresJsPool {
  #current: Generation;
  #retiring = new Set<Generation>();
  #ending: Promise<void> | undefined;
  readonly #options: Required<PoolOptions>;
  /** How many clients were replaced after a lost connection (for tests and logs). */
  replacements = 0;

  constructor(options: PoolOptions) {
    this.#options = { brokenGraceSeconds: 5, maxLifetimeSeconds: 30 * 60, endTimeoutSeconds: 3, ...options };
    this.#current = this.#open();
  }

  #open(): Generation {
    const generation = { born: Date.now(), broken: false, retired: false, reservations: 0, waiting: new Set(), reserving: new Set() } as Generation;
    (generation as { sql: postgres.Sql }).sql = this.#options.open(() => this.#lost(generation));
    return generation;
  }

  /** Called synchronously by postgres.js when any connection of the client closes. */
  #lost(generation: Generation) {
    if (generation.broken || generation.ending || this.#ending) return;
    generation.broken = true;
    this.replacements++;
    for (const reject of generation.reserving) reject(new DatabaseUnavailableError());
    generation.reserving.clear();
    this.#retire(generation);
  }

  #retire(generation: Generation) {
    generation.retired = true;
    if (this.#current === generation) this.#current = this.#open();
    this.#retiring.add(generation);
    if (generation.broken || generation.reservations === 0) this.#endClient(generation, generation.broken ? this.#options.brokenGraceSeconds : 30);
  }

  #endClient(generation: Generation, timeout: number): Promise<void> {
    if (!generation.ending) {
      setTimeout(() => {
        for (const reject of generation.waiting) reject(new DatabaseUnavailableError());
        generation.waiting.clear();
      }, timeout * 1000 + 100).unref();
      generation.ending = generation.sql
        .end({ timeout })
        .catch(() => {})
        .finally(() => this.#retiring.delete(generation));
    }
    return generation.ending;
  }

  /** The client for new work. */
  current(): Generation {
    const generation = this.#current;
    if (!this.#ending && Date.now() - generation.born > this.#options.maxLifetimeSeconds * 1000) this.#retire(generation);
    return this.#current;
  }

  reserved(generation: Generation) {
    generation.reservations++;
  }

  released(generation: Generation) {
    generation.reservations--;
    if (generation.retired && generation.reservations === 0 && !this.#ending) this.#endClient(generation, 30);
  }

  /**
   * Ends every client; statements still running after `endTimeoutSeconds` are cut off.
   * A client that lost a connection is not waited for: it is being ended already, and
   * its remaining work is failing (its grace timer is the bound).
   */
  end(): Promise<void> {
    this.#ending ??= (async () => {
      const timeout = this.#options.endTimeoutSeconds;
      const clients = [this.#current, ...this.#retiring].filter((generation) => !generation.broken);
      const ended = Promise.all(clients.map((generation) => this.#endClient(generation, timeout)));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, timeout * 1000 + 200)))]);
      clearTimeout(timer);
    })();
    return this.#ending;
  }
}

/**
 * Why not kysely-postgres-js: it reserves a connection for every query, so at most
 * `max` queries are in flight and postgres.js cannot pipeline them (measured: a
 * third of the completion throughput). Here a single query goes through the pool,
 * which pipelines; only a transaction reserves a connection, from BEGIN to its end.
 */
class PooledConnection implements DatabaseConnection {
  #reserved: postgres.ReservedSql | undefined;
  #generation: Generation | undefined;

  constructor(private readonly pool: PostgresJsPool) {}

  /** The reservation, unless its client lost a connection: then nothing more is sent on it. */
  #target(): [postgres.Sql, Generation] {
    if (!this.#reserved) {
      const generation = this.pool.current();
      return [generation.sql, generation];
    }
    if (this.#generation!.broken) throw new DatabaseUnavailableError();
    return [this.#reserved, this.#generation!];
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const [target, generation] = this.#target();
      const result = await guarded(generation, target.unsafe(compiled.sql, compiled.parameters as Params, { prepare: true }));
      return { rows: Array.from(result) as R[], ...(WRITES.has(result.command) ? { numAffectedRows: BigInt(result.count) } : {}) };
    } catch (error) {
      throw unavailable(error);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      const cursor = this.#target()[0].unsafe(compiled.sql, compiled.parameters as Params, { prepare: true }).cursor(chunkSize);
      for await (const rows of cursor) yield { rows: rows as R[] };
    } catch (error) {
      throw unavailable(error);
    }
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const generation = this.pool.current();
    try {
      const reserved = await guarded(generation, generation.sql.reserve(), generation.reserving);
      this.#generation = generation;
      this.#reserved = reserved;
      this.pool.reserved(generation);
      const options = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ');
      const [target] = this.#target();
      await guarded(generation, target.unsafe(`start transaction ${options}`));
    } catch (error) {
      this.release();
      throw unavailable(error);
    }
  }

  async end(statement: 'commit' | 'rollback'): Promise<void> {
    try {
      // A rollback on a lost connection has happened already, on the server.
      if (statement === 'rollback' && this.#generation?.broken) return;
      const [target, generation] = this.#target();
      await guarded(generation, target.unsafe(statement));
    } catch (error) {
      throw unavailable(error);
    } finally {
      this.release();
    }
  }

  release(): void {
    // A reservation of a client that lost a connection is not given back: the connection
    // may be the dead one, and postgres.js would put it in its open queue. The client
    // is being ended; ending it closes this connection too.
    if (this.#reserved && !this.#generation!.broken) this.#reserved.release();
    if (this.#reserved) this.pool.released(this.#generation!);
    this.#reserved = undefined;
    this.#generation = undefined;
  }
}

class PooledDriver implements Driver {
  constructor(private readonly pool: PostgresJsPool) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PooledConnection(this.pool);
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
    await this.pool.end();
  }
}

/** Kysely on postgres.js clients, pipelining queries outside transactions. */
export class PostgresJsDialect implements Dialect {
  constructor(private readonly pool: PostgresJsPool) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PooledDriver(this.pool);
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
