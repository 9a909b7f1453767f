import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { shuffle } from '../crypto/shuffle.ts';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';
import type { GeneralCohort } from './generalize.ts';
import { departmentPaths } from './generalize.ts';
import { type OpenedRow, type PlanPolicy, planRelease } from './plan.ts';
import { openPoolRow, type PooledAnswers, poolRow } from './pool.ts';
import { addToRollup, type ReleasedResponse } from './rollup.ts';

export interface ReleasePolicy extends PlanPolicy {
  /** Stops between transactions once aborted (the app is closing); what is left waits for the next pass. */
  signal?: AbortSignal;
}

/** Answers looked at per transaction, and rows per INSERT (a short step, so requests in between are not held up). */
const RELEASE_LIMIT = 2000;
const INSERT_ROWS = 100;

/**
 * Moves waiting answers into `response` in classes of at least k (plan.ts), in a
 * random order, so that neither row order nor any column follows the order of
 * completion, and adds them to the report rollup in the same transaction. A long
 * queue (after a busy hour) goes oldest first, about RELEASE_LIMIT answers a
 * transaction (whole pool rows), each planned and shuffled on its own: no
 * statement exceeds PostgreSQL's parameters and the event loop is never held
 * long. Between transactions it pauses as long as the last one took, so that a
 * long queue takes at most about half of what the server and the database could
 * give it. Rows another instance is releasing are skipped. Returns how many
 * answers were released.
 */
export async function releaseAnswers(db: Kysely<Database>, key: Buffer, policy: ReleasePolicy): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const { released, more } = await releaseBatch(db, key, policy);
    total += released;
    if (!more) break;
    // The pause ends at once, rejected, if the signal is or becomes aborted.
    const stopped = await sleep(performance.now() - started, undefined, { signal: policy.signal }).then(
      () => false,
      () => true,
    );
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
    const waiting = await trx
      .selectFrom('answer_pool')
      .select(['id', 'waiting_since', 'answer_count'])
      .where('set_aside', '=', false)
      .orderBy('waiting_since')
      .limit(RELEASE_LIMIT)
      .forUpdate()
      .skipLocked()
      .execute();
    const chosen: typeof waiting = [];
    let answers = 0;
    for (const row of waiting) {
      if (chosen.length > 0 && answers + row.answer_count > RELEASE_LIMIT) break;
      chosen.push(row);
      answers += row.answer_count;
    }
    // Fewer than k can form no class: nothing to open.
    if (answers < policy.k) return { released: 0, more: false };

    const since = new Map(chosen.map((row) => [row.id, row.waiting_since]));
    const sealed = await trx
      .selectFrom('answer_pool')
      .select(['id', 'sealed'])
      .where('id', 'in', [...since.keys()])
      .execute();
    const rows: OpenedRow[] = [];
    let opened = 0;
    for (const row of sealed) {
      const held = openPoolRow(key, row);
      rows.push({ id: row.id, waitingSince: since.get(row.id)!, answers: held });
      // Opening 2,000 answers holds the event loop for tens of milliseconds: let requests in between.
      if (Math.floor((opened + held.length) / INSERT_ROWS) > Math.floor(opened / INSERT_ROWS)) await nextTurn();
      opened += held.length;
    }
    const departments = await trx.selectFrom('department').select(['id', 'parent_id']).execute();
    const plan = planRelease(rows, departmentPaths(departments), policy);
    if (plan.taken.length === 0) return { released: 0, more: false };

    const shuffled = shuffle(plan.released.map(({ pooled, cohort }) => responseOf(pooled, cohort)));
    for (let start = 0; start < shuffled.length; start += INSERT_ROWS)
      await insertResponses(trx, shuffled.slice(start, start + INSERT_ROWS));
    await addToRollup(trx, shuffled);
    await trx.deleteFrom('answer_pool').where('id', 'in', plan.taken).execute();
    await repool(trx, key, plan.kept, plan.setAside);
    // More may wait beyond this scan (it stopped at RELEASE_LIMIT rows or answers); go on only while something moves.
    return { released: shuffled.length, more: shuffled.length > 0 && (waiting.length > chosen.length || waiting.length === RELEASE_LIMIT) };
  });
}

/**
 * Answers of taken rows that go on waiting are sealed again, shuffled, in new rows
 * (one per day they began to wait, so their wait is not reset); answers that
 * cannot be stored are set aside one a row.
 */
async function repool(trx: Kysely<Database>, key: Buffer, kept: Map<string, PooledAnswers[]>, setAside: PooledAnswers[]): Promise<void> {
  const rows = [
    ...[...kept].map(([day, answers]) => ({ ...poolRow(key, shuffle(answers)), waiting_since: day, set_aside: false })),
    ...setAside.map((answer) => ({ ...poolRow(key, [answer]), set_aside: true })),
  ];
  if (rows.length > 0) await trx.insertInto('answer_pool').values(rows).execute();
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

/** A released answer as its `response` row: the class's cohort, the version answered, the answers. */
function responseOf({ surveyVersionId, answers }: PooledAnswers, cohort: GeneralCohort): ReleasedResponse & { survey_version_id: string } {
  return {
    department_id: cohort.departmentId,
    tenure_band: cohort.tenureBand,
    exit_type: cohort.exitType,
    regrettable: cohort.regrettable,
    quarter: cohort.quarter === null ? String(cohort.year) : `${cohort.year}-${cohort.quarter}`,
    survey_version_id: surveyVersionId,
    answers,
  };
}
