import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { open } from '../crypto/seal.ts';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';
import { addDays, today } from '../shared/dates.ts';
import { addToRollup } from '../insights/rollup.ts';
import type { PooledAnswers } from './pool.ts';

export interface ReleasePolicy {
  /** Release once at least this many answers wait (ANONYMITY_K)… */
  minBatch: number;
  /** …or once the oldest has waited this many days (RELEASE_MAX_DAYS). */
  maxDays: number;
  /** Release whatever waits now (operators, tests). */
  force?: boolean;
}

/** Fisher–Yates with a cryptographic source: the order must not be guessable. */
export function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Moves the waiting answers into `response` in one transaction, in a random order,
 * so that neither row order nor any column follows the order of completion, and
 * adds them to the report rollup in the same transaction.
 * Rows another instance is releasing are skipped. Returns how many were released.
 */
export async function releaseAnswers(db: Kysely<Database>, key: Buffer, policy: ReleasePolicy): Promise<number> {
  const released = await db.transaction().execute(async (trx) => {
    const waiting = await trx.selectFrom('answer_pool').selectAll().forUpdate().skipLocked().execute();
    if (waiting.length === 0) return 0;
    const oldest = waiting.reduce((min, row) => (row.waiting_since < min ? row.waiting_since : min), waiting[0]!.waiting_since);
    const due = policy.force || waiting.length >= policy.minBatch || addDays(oldest, policy.maxDays) <= today();
    if (!due) return 0;

    const released = shuffle(waiting).map((row) => JSON.parse(open(key, row.sealed, row.id)) as PooledAnswers);
    const responses = released.map((pooled) => ({
      survey_version_id: pooled.surveyVersionId,
      department_id: pooled.cohort.departmentId,
      tenure_band: pooled.cohort.tenureBand,
      exit_type: pooled.cohort.exitType,
      regrettable: pooled.cohort.regrettable ?? 'unassessed',
      quarter: pooled.cohort.quarter,
    }));
    await trx.insertInto('response').values(responses.map((r, i) => ({ ...r, answers: jsonb(released[i]!.answers) }))).execute();
    await addToRollup(trx, responses.map((r, i) => ({ ...r, answers: released[i]!.answers })));
    await trx.deleteFrom('answer_pool').where('id', 'in', waiting.map((row) => row.id)).execute();
    return responses.length;
  });
  if (released > 0) {
    // Reclaims the deleted pool rows now rather than whenever autovacuum gets to them.
    await sql`VACUUM answer_pool`.execute(db).catch(() => {});
  }
  return released;
}
