import { randomInt } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';
import { addDays, today } from '../shared/dates.ts';
import { addToRollup, type ReleasedResponse } from '../insights/rollup.ts';
import { openPoolRow, type PooledAnswers } from './pool.ts';

export interface ReleasePolicy {
  /** Release once at least this many answers wait (ANONYMITY_K)… */
  minBatch: number;
  /** …or once the oldest has waited this many days (RELEASE_MAX_DAYS). */
  maxDays: number;
  /** Release whatever waits now (operators, tests). */
  force?: boolean;
  /** Stops between transactions once aborted (the app is closing); what is left waits for the next pass. */
  signal?: AbortSignal;
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

/** Answers moved per transaction, and rows per INSERT (a short step, so requests in between are not held up). */
const RELEASE_LIMIT = 2000;
const INSERT_ROWS = 100;

/**
 * Moves the waiting answers into `response`, in a random order, so that neither
 * row order nor any column follows the order of completion, and adds them to the
 * report rollup in the same transaction. A long queue (after a busy hour) goes
 * oldest first, about RELEASE_LIMIT answers a transaction (whole pool rows), each
 * shuffled on its own: no statement exceeds PostgreSQL's parameters and the event
 * loop is never held long. Between transactions it pauses as long as the last
 * one took, so that a long queue takes at most about half of what the server and
 * the database could give it, and completions keep their pace. Rows another
 * instance is releasing are skipped. Returns how many answers were released.
 */
export async function releaseAnswers(db: Kysely<Database>, key: Buffer, policy: ReleasePolicy): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const { released, more } = await releaseBatch(db, key, policy);
    total += released;
    if (!more) break;
    // The pause ends at once, rejected, if the signal is or becomes aborted.
    const stopped = await sleep(performance.now() - started, undefined, { signal: policy.signal }).then(() => false, () => true);
    if (stopped) break;
  }
  if (total > 0) {
    // Reclaims the deleted pool rows now rather than whenever autovacuum gets to them.
    await sql`VACUUM answer_pool`.execute(db).catch(() => {});
  }
  return total;
}

async function releaseBatch(db: Kysely<Database>, key: Buffer, policy: ReleasePolicy): Promise<{ released: number; more: boolean }> {
  return db.transaction().execute(async (trx) => {
    // Counts first, sealed values after: a row can hold up to a whole completion batch.
    const waiting = await trx.selectFrom('answer_pool').select(['id', 'waiting_since', 'answer_count'])
      .orderBy('waiting_since').limit(RELEASE_LIMIT).forUpdate().skipLocked().execute();
    const chosen: typeof waiting = [];
    let answers = 0;
    for (const row of waiting) {
      if (chosen.length > 0 && answers + row.answer_count > RELEASE_LIMIT) break;
      chosen.push(row);
      answers += row.answer_count;
    }
    const oldest = chosen[0]?.waiting_since;
    const due = oldest !== undefined && (policy.force || answers >= policy.minBatch || addDays(oldest, policy.maxDays) <= today());
    if (!due) return { released: 0, more: false };

    const ids = chosen.map((row) => row.id);
    const sealed = await trx.selectFrom('answer_pool').select(['id', 'sealed']).where('id', 'in', ids).execute();
    const opened: ReturnType<typeof responseOf>[] = [];
    for (const row of sealed) {
      const before = opened.length;
      for (const pooled of openPoolRow(key, row)) opened.push(responseOf(pooled));
      // Opening 2,000 answers holds the event loop for tens of milliseconds: let requests in between.
      if (Math.floor(opened.length / INSERT_ROWS) > Math.floor(before / INSERT_ROWS)) await nextTurn();
    }
    const shuffled = shuffle(opened);
    for (let start = 0; start < shuffled.length; start += INSERT_ROWS) await insertResponses(trx, shuffled.slice(start, start + INSERT_ROWS));
    await addToRollup(trx, shuffled);
    await trx.deleteFrom('answer_pool').where('id', 'in', ids).execute();
    return { released: shuffled.length, more: waiting.length > chosen.length || waiting.length === RELEASE_LIMIT };
  });
}

/**
 * Inserts rows in the order given (the shuffle's), as one jsonb parameter: a
 * chunk costs one short JSON.stringify on the event loop rather than a query of
 * seven parameters a row built and bound one by one.
 */
async function insertResponses(trx: Kysely<Database>, rows: (ReleasedResponse & { survey_version_id: string })[]): Promise<void> {
  await sql`
    INSERT INTO response (department_id, tenure_band, exit_type, regrettable, quarter, survey_version_id, answers)
    SELECT department_id, tenure_band, exit_type, regrettable, quarter, survey_version_id, answers
    FROM ROWS FROM (jsonb_to_recordset(${jsonb(rows)})
      AS (department_id uuid, tenure_band text, exit_type text, regrettable text, quarter text, survey_version_id uuid, answers jsonb))
      WITH ORDINALITY AS r(department_id, tenure_band, exit_type, regrettable, quarter, survey_version_id, answers, n)
    ORDER BY n`.execute(trx);
}

/** A released answer as its `response` row: the cohort's columns, the version answered, the answers. */
function responseOf({ cohort, surveyVersionId, answers }: PooledAnswers): ReleasedResponse & { survey_version_id: string } {
  return {
    department_id: cohort.departmentId,
    tenure_band: cohort.tenureBand,
    exit_type: cohort.exitType,
    regrettable: cohort.regrettable ?? 'unassessed',
    quarter: cohort.quarter,
    survey_version_id: surveyVersionId,
    answers,
  };
}
