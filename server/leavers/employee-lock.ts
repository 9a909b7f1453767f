import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

const CHUNK = 1000;

/**
 * Serialises writes about the same employee ids across instances until the
 * transaction ends, so "is there an open record already?" stays true once checked.
 * Locks are taken in sorted order, so two imports cannot deadlock each other.
 */
export async function lockEmployeeIds(trx: Kysely<Database>, employeeIds: string[]): Promise<void> {
  const sorted = [...new Set(employeeIds)].sort();
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const values = sql.join(sorted.slice(i, i + CHUNK).map((id) => sql`(${`leaver:${id}`})`));
    await sql`SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM (VALUES ${values}) AS v(k)`.execute(trx);
  }
}
