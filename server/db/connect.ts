import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import postgres from 'postgres';
import { lockEmbeddedDatabase } from './embedded-lock.ts';
import { PostgresJsDialect, PostgresJsPool } from './postgres-js-dialect.ts';
import type { Database } from './schema.ts';

/**
 * The two drivers disagree on several types (count(*) is a number from PGlite but a
 * string from postgres.js; a date is a Date from postgres.js; bytea is a Uint8Array
 * from PGlite). Both are told the same thing here, once: bigint and numeric become
 * numbers, a date stays 'YYYY-MM-DD' (no time zone shift), bytea is a Buffer.
 */
const OID = { int8: 20, numeric: 1700, date: 1082, bytea: 17 } as const;
const asString = (value: string) => value;
const hexToBuffer = (value: string) => Buffer.from(value.slice(2), 'hex');

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'embedded' | 'postgres';
  /** The postgres.js clients behind `db` (PostgreSQL only). */
  pool?: PostgresJsPool;
  /** Ends the connections; on PostgreSQL, statements still running after 3 s are cut off. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  embeddedDir?: string;
  /** A dump of an embedded data folder to start from (tests clone a migrated template). */
  loadDataDir?: Blob;
  maxConnections?: number;
}

/**
 * A postgres.js client as Honne uses it. `connect_timeout` is short: while the server
 * cannot be reached, a statement fails in seconds (a 503) instead of waiting 30 s. The
 * retry backoff stays short too (postgres.js grows it to 20 s across failed connects,
 * which then delays the first queries after the server is back). idle_timeout and
 * max_lifetime are off: PostgresJsPool treats every close as a lost connection and
 * keeps the lifetime itself.
 */
export function postgresClient(url: string, max = 10, events: { onclose?(): void; onparameter?(): void } = {}) {
  return postgres(url, {
    max,
    connect_timeout: 5,
    idle_timeout: 0,
    max_lifetime: 0,
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    onnotice: () => {},
    ...(events.onclose ? { onclose: events.onclose } : {}),
    ...(events.onparameter ? { onparameter: events.onparameter } : {}),
    types: {
      int8: { to: OID.int8, from: [OID.int8], serialize: String, parse: Number },
      numeric: { to: OID.numeric, from: [OID.numeric], serialize: String, parse: Number },
      day: { to: OID.date, from: [OID.date], serialize: String, parse: asString },
    },
  });
}

/** PGlite is loaded only when the embedded engine is used: a process on PostgreSQL does not carry it. */
export async function openEmbedded(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir, {
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: {
      [pgliteTypes.INT8]: Number,
      [pgliteTypes.NUMERIC]: Number,
      [pgliteTypes.DATE]: asString,
      [pgliteTypes.BYTEA]: hexToBuffer,
    },
  });
}

export async function connect(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    const pool = new PostgresJsPool({ open: (events) => postgresClient(url, options.maxConnections, events) });
    const db = new Kysely<Database>({ dialect: new PostgresJsDialect(pool) });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  const dir = options.embeddedDir ?? 'memory://';
  const unlock = dir.startsWith('memory://') ? () => {} : lockEmbeddedDatabase(dir);
  try {
    const pglite = await openEmbedded(dir, options.loadDataDir);
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      kind: 'embedded',
      close: async () => {
        await db.destroy(); // Kysely's PGlite driver closes PGlite itself
        if (!pglite.closed) await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export function embeddedDir(dataDir: string): string {
  return join(dataDir, 'pg');
}
