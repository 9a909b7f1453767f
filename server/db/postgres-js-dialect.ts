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
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
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
  /** One of its connections got as far as the server's parameters: a close is then a lost connection, not a failed connect. */
  established: boolean;
  /** A connection was lost: nothing new goes to this client, and its reservations are not trusted. */
  broken: boolean;
  /** Replaced: new work goes to another client. */
  retired: boolean;
  /** Transactions holding one of its connections: a client replaced for its age is ended when they are done. */
  reservations: number;
  /** Ends the client once it is retired and its last reservation is back. */
  ending?: Promise<void>;
  /** Rejecters of the statements and reservations waiting on this client. */
  waiting: Set<(error: unknown) => void>;
}

/**
 * Waits for a statement or a reservation of `generation`, unless the client is ended
 * first: postgres.js's end() can resolve while a query or reserve() still waits in its
 * queue, never to be answered; such a wait is rejected when the client's grace is over.
 */
function guarded<T>(generation: Generation, work: PromiseLike<T>): Promise<T> {
  const waiting = generation.waiting;
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
  /**
   * Opens a postgres.js client with these as its `onclose` and `onparameter` (and
   * without its own idle_timeout/max_lifetime).
   */
  open(events: { onclose(): void; onparameter(): void }): postgres.Sql;
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
 *   no socket (a query on it then throws from a setImmediate and never settles);
 * - a reserve() whose connect fails is rejected but stays in the client's queue, and
 *   takes a connection for good once the server is back (transactions use begin()).
 * No released version fixes these (3.4.9 is the newest). So a client one of whose
 * connections closed after starting up is never used again: new work goes to a fresh client,
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
    const generation = {
      born: Date.now(),
      established: false,
      broken: false,
      retired: false,
      reservations: 0,
      waiting: new Set(),
    } as Generation;
    (generation as { sql: postgres.Sql }).sql = this.#options.open({
      onclose: () => this.#lost(generation),
      // postgres.js reports a server parameter when it differs from what the client
      // knew: each new client hears them from its first connection that starts up.
      onparameter: () => {
        generation.established = true;
      },
    });
    return generation;
  }

  /**
   * Called synchronously by postgres.js when any connection of the client closes. Before
   * any connection started up, a close is a failed connect (refused, timed out, the
   * server starting or stopping): that leaves no state behind, and the client is kept,
   * so that an outage does not open a client for every request.
   */
  #lost(generation: Generation) {
    if (!generation.established || generation.broken) return;
    // Even while it is being ended: its transactions must not send anything more.
    generation.broken = true;
    if (generation.ending || this.#ending) return;
    this.replacements++;
    this.#retire(generation);
  }

  #retire(generation: Generation) {
    generation.retired = true;
    if (this.#current === generation) this.#current = this.#open();
    this.#retiring.add(generation);
    if (generation.broken || generation.reservations === 0)
      this.#endClient(generation, generation.broken ? this.#options.brokenGraceSeconds : 30);
  }

  #endClient(generation: Generation, timeout: number): Promise<void> {
    if (!generation.ending) {
      setTimeout(
        () => {
          for (const reject of generation.waiting) reject(new DatabaseUnavailableError());
          generation.waiting.clear();
        },
        timeout * 1000 + 100,
      ).unref();
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

/** Settles the body of a postgres.js `begin()`: Kysely's commit or rollback. */
const ROLLBACK = Symbol('rollback');

/**
 * Why not kysely-postgres-js: it reserves a connection for every query, so at most
 * `max` queries are in flight and postgres.js cannot pipeline them (measured: a
 * third of the completion throughput). Here a single query goes through the pool,
 * which pipelines; only a transaction holds a connection, from BEGIN to its end.
 *
 * A transaction runs in postgres.js's `begin()`, not on `reserve()`: a reserve() that
 * fails to connect stays in the client's queue and later takes a connection that is
 * never given back, and release() puts a dead connection back into the open queue;
 * begin() gives its connection back only after COMMIT or ROLLBACK succeeded.
 */
class PooledConnection implements DatabaseConnection {
  #transaction: postgres.TransactionSql | undefined;
  #generation: Generation | undefined;
  /** Settles the function given to begin(): resolve to commit, reject with ROLLBACK to roll back. */
  #settle: ((outcome: 'commit' | typeof ROLLBACK) => void) | undefined;
  /** begin()'s own promise: it settles after postgres.js sent COMMIT or ROLLBACK. */
  #done: Promise<unknown> | undefined;

  constructor(private readonly pool: PostgresJsPool) {}

  /** The transaction, unless its client lost a connection: then nothing more is sent on it. */
  #target(): [Pick<postgres.Sql, 'unsafe'>, Generation] {
    if (!this.#generation) {
      const generation = this.pool.current();
      return [generation.sql, generation];
    }
    if (this.#generation.broken || !this.#transaction) throw new DatabaseUnavailableError();
    return [this.#transaction, this.#generation];
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
      const cursor = this.#target()[0]
        .unsafe(compiled.sql, compiled.parameters as Params, { prepare: true })
        .cursor(chunkSize);
      for await (const rows of cursor) yield { rows: rows as R[] };
    } catch (error) {
      throw unavailable(error);
    }
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const generation = this.pool.current();
    this.#generation = generation;
    const options = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode]
      .filter(Boolean)
      .join(' ');
    const body = new Promise<void>((resolve, reject) => {
      this.#settle = (outcome) => (outcome === 'commit' ? resolve() : reject(ROLLBACK));
    });
    const started = new Promise<postgres.TransactionSql>((resolve, reject) => {
      this.#done = generation.sql.begin(options, (transaction) => {
        resolve(transaction);
        return body;
      });
      this.#done.catch(reject);
    });
    try {
      this.#transaction = await guarded(generation, started);
      this.pool.reserved(generation);
    } catch (error) {
      this.#forget();
      throw unavailable(error);
    }
  }

  async end(statement: 'commit' | 'rollback'): Promise<void> {
    const generation = this.#generation;
    const settle = this.#settle;
    const done = this.#done;
    this.#forget();
    if (!generation || !settle || !done) throw new DatabaseUnavailableError();
    // On a client that lost a connection the body is left pending: postgres.js would
    // send COMMIT or ROLLBACK on the connection even if it is the dead one. The client
    // is being ended, which closes the connection; the server rolls back.
    if (generation.broken) {
      if (statement === 'rollback') return;
      throw new DatabaseUnavailableError();
    }
    settle(statement === 'commit' ? 'commit' : ROLLBACK);
    try {
      await guarded(generation, done);
    } catch (error) {
      if (error === ROLLBACK) return;
      throw unavailable(error);
    }
  }

  #forget() {
    if (this.#transaction) this.pool.released(this.#generation!);
    this.#transaction = undefined;
    this.#generation = undefined;
    this.#settle = undefined;
    this.#done = undefined;
  }

  release(): void {
    // A transaction Kysely gives up without commit or rollback (it does not) would be rolled back here.
    if (this.#settle && this.#generation && !this.#generation.broken) this.#settle(ROLLBACK);
    this.#forget();
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
