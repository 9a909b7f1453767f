import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The advisory-lock namespace of employee ids ('honn'), and how many locks they share. */
const NAMESPACE = 0x686f6e6e;
const BUCKETS = 1024;
const CHUNK = 1000;

/** FNV-1a: the same bucket for an id on every instance. */
function bucketOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash % BUCKETS;
}

/**
 * Serialises writes about the same employee ids across instances until the
 * transaction ends, so "is there an open record already?" stays true once checked.
 * Ids share BUCKETS locks (unrelated ids in one bucket merely wait for each other):
 * one lock per id made a 50,000-row import run out of PostgreSQL's lock table.
 * Locks are taken in ascending order, so two imports cannot deadlock each other.
 */
export async function lockEmployeeIds(trx: Kysely<Database>, employeeIds: string[]): Promise<void> {
  const buckets = [...new Set(employeeIds.map(bucketOf))].sort((a, b) => a - b);
  for (let i = 0; i < buckets.length; i += CHUNK) {
    const values = sql.join(buckets.slice(i, i + CHUNK).map((bucket) => sql`(${bucket}::int)`));
    await sql`SELECT count(pg_advisory_xact_lock(${NAMESPACE}::int, b)) FROM (VALUES ${values}) AS v(b)`.execute(trx);
  }
}
