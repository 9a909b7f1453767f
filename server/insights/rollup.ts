import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** What one response adds to its cohort's counts (see the migration for the keys). */
export function countsOf(answers: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  if (typeof answers.primary_reason === 'string') add(`primary:${answers.primary_reason}`);
  if (Array.isArray(answers.reasons)) for (const code of new Set(answers.reasons)) if (typeof code === 'string') add(`reason:${code}`);
  for (const score of ['enps', 'would_return', 'manager_support']) {
    if (typeof answers[score] === 'number') add(`${score}:${answers[score]}`);
  }
  return counts;
}

export function addCounts(into: Record<string, number>, more: Record<string, number>): Record<string, number> {
  for (const [key, n] of Object.entries(more)) into[key] = (into[key] ?? 0) + n;
  return into;
}

export interface ReleasedResponse {
  quarter: string;
  department_id: string;
  tenure_band: string;
  exit_type: string;
  regrettable: string;
  answers: Record<string, unknown>;
}

/**
 * Adds released responses to the rollup, in the release's transaction: one upsert
 * per cell, in key order, so concurrent releases on other instances cannot deadlock.
 */
export async function addToRollup(trx: Kysely<Database>, responses: ReleasedResponse[]): Promise<void> {
  const cells = new Map<string, { key: Omit<ReleasedResponse, 'answers'>; responses: number; counts: Record<string, number> }>();
  for (const r of responses) {
    const { answers, ...key } = r;
    const id = [key.quarter, key.department_id, key.tenure_band, key.exit_type, key.regrettable].join('|');
    const cell = cells.get(id) ?? { key, responses: 0, counts: {} };
    cell.responses++;
    addCounts(cell.counts, countsOf(answers));
    cells.set(id, cell);
  }
  for (const id of [...cells.keys()].sort()) {
    const { key, responses: n, counts } = cells.get(id)!;
    await sql`
      INSERT INTO response_rollup (quarter, department_id, tenure_band, exit_type, regrettable, responses, counts)
      VALUES (${key.quarter}, ${key.department_id}, ${key.tenure_band}, ${key.exit_type}, ${key.regrettable}, ${n}, cast(${JSON.stringify(counts)}::text AS jsonb))
      ON CONFLICT (quarter, department_id, tenure_band, exit_type, regrettable) DO UPDATE SET
        responses = response_rollup.responses + EXCLUDED.responses,
        counts = (SELECT jsonb_object_agg(k, coalesce((response_rollup.counts ->> k)::int, 0) + coalesce((EXCLUDED.counts ->> k)::int, 0))
                  FROM (SELECT jsonb_object_keys(response_rollup.counts) UNION SELECT jsonb_object_keys(EXCLUDED.counts)) AS keys(k))`.execute(trx);
  }
}
