import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface PoolHealth {
  /** Answers waiting for a class of at least k, or for RELEASE_MAX_DAYS. */
  waiting: number;
  /** Answers the release could not store (set aside, still sealed): an operator should look. */
  setAside: number;
}

/** What the pool holds, for the health endpoint and the admins' home page. */
export async function poolHealth(db: Kysely<Database>): Promise<PoolHealth> {
  const { rows } = await sql<{ waiting: number; set_aside: number }>`
    SELECT coalesce(sum(answer_count) FILTER (WHERE NOT set_aside), 0)::int AS waiting,
           coalesce(sum(answer_count) FILTER (WHERE set_aside), 0)::int AS set_aside
    FROM answer_pool`.execute(db);
  return { waiting: rows[0]!.waiting, setAside: rows[0]!.set_aside };
}
