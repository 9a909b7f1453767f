import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Adds what one response counts in its cohort (see the migration for the keys) to `into`, and returns it. */
export function countsOf(answers: Record<string, unknown>, into: Record<string, number> = {}): Record<string, number> {
  const add = (key: string) => (into[key] = (into[key] ?? 0) + 1);
  if (typeof answers.primary_reason === 'string') add(`primary:${answers.primary_reason}`);
  if (Array.isArray(answers.reasons)) for (const code of new Set(answers.reasons)) if (typeof code === 'string') add(`reason:${code}`);
  for (const score of ['enps', 'would_return', 'manager_support']) {
    if (typeof answers[score] === 'number') add(`${score}:${answers[score]}`);
  }
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
    const id = `${r.quarter}|${r.department_id}|${r.tenure_band}|${r.exit_type}|${r.regrettable}`;
    let cell = cells.get(id);
    if (!cell) {
      const key = { quarter: r.quarter, department_id: r.department_id, tenure_band: r.tenure_band, exit_type: r.exit_type, regrettable: r.regrettable };
      cell = { key, responses: 0, counts: {} };
      cells.set(id, cell);
    }
    cell.responses++;
    countsOf(r.answers, cell.counts);
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
