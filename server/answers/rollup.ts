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

/** A released response's cohort columns (generalized: NULL is "any", see db/schema.ts) and its answers. */
export interface ReleasedResponse {
  quarter: string;
  department_id: string | null;
  tenure_band: string | null;
  exit_type: string | null;
  regrettable: string | null;
  answers: Record<string, unknown>;
}

/**
 * Adds released responses to the rollup, in the release's transaction: one upsert
 * per cell, in key order, so concurrent releases on other instances cannot deadlock.
 * A cell is a released class (or several alike), never finer than the responses.
 */
export async function addToRollup(trx: Kysely<Database>, responses: ReleasedResponse[]): Promise<void> {
  const cells = new Map<string, { key: Omit<ReleasedResponse, 'answers'>; responses: number; counts: Record<string, number> }>();
  for (const r of responses) {
    const key = {
      quarter: r.quarter,
      department_id: r.department_id,
      tenure_band: r.tenure_band,
      exit_type: r.exit_type,
      regrettable: r.regrettable,
    };
    const id = Object.values(key)
      .map((v) => v ?? '*')
      .join('|');
    const cell = cells.get(id) ?? (cells.set(id, { key, responses: 0, counts: {} }), cells.get(id)!);
    cell.responses++;
    countsOf(r.answers, cell.counts);
  }
  for (const id of [...cells.keys()].sort()) {
    const { key, responses: n, counts } = cells.get(id)!;
    await sql`
      INSERT INTO response_rollup (quarter, department_id, tenure_band, exit_type, regrettable, responses, counts)
      VALUES (${key.quarter}, ${key.department_id}::uuid, ${key.tenure_band}::text, ${key.exit_type}::text, ${key.regrettable}::text, ${n}, cast(${JSON.stringify(counts)}::text AS jsonb))
      ON CONFLICT (quarter, department_id, tenure_band, exit_type, regrettable) DO UPDATE SET
        responses = response_rollup.responses + EXCLUDED.responses,
        counts = (SELECT jsonb_object_agg(k, coalesce((response_rollup.counts ->> k)::int, 0) + coalesce((EXCLUDED.counts ->> k)::int, 0))
                  FROM (SELECT jsonb_object_keys(response_rollup.counts) UNION SELECT jsonb_object_keys(EXCLUDED.counts)) AS keys(k))`.execute(
      trx,
    );
  }
}
