import { type Kysely, sql } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';
import { departmentPaths, partition } from './generalize.ts';
import { poolRow, type PooledAnswers } from './pool.ts';
import { addToRollup } from './rollup.ts';

/**
 * Answers released before migration 0013 carry their cohort at full detail. Each
 * year listed in cohort_generalization_due is generalized as one class partition
 * (the reader of the database sees the year as a whole now), and its rollup is
 * counted again from the generalized rows. A year with fewer than k answers goes
 * back into the pool, sealed, to be released with later answers of that year.
 * One year a transaction; another instance skips a year being done.
 */
export async function generalizeLegacyYears(db: Kysely<Database>, key: Buffer, k: number): Promise<number> {
  let done = 0;
  for (;;) {
    const year = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('cohort_generalization_due')
        .select('year')
        .orderBy('year')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return undefined;
      await generalizeYear(trx, key, k, due.year);
      await trx.deleteFrom('cohort_generalization_due').where('year', '=', due.year).execute();
      return due.year;
    });
    if (year === undefined) return done;
    done++;
  }
}

async function generalizeYear(trx: Kysely<Database>, key: Buffer, k: number, year: number): Promise<void> {
  const quarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  const rows = await trx
    .selectFrom('response')
    .selectAll()
    .where('quarter', 'in', quarters)
    .where('department_id', 'is not', null)
    .where('tenure_band', 'is not', null)
    .where('exit_type', 'is not', null)
    .where('regrettable', 'is not', null)
    .execute();
  const items = rows.map((row) => ({
    item: row,
    cohort: {
      departmentId: row.department_id!,
      tenureBand: row.tenure_band!,
      exitType: row.exit_type!,
      regrettable: row.regrettable!,
      quarter: row.quarter,
    },
  }));
  const placed = partition(items, departmentPaths(await trx.selectFrom('department').select(['id', 'parent_id']).execute()), k);
  const updates = placed.map(({ item, cohort }) => ({
    id: item.id,
    department_id: cohort.departmentId,
    tenure_band: cohort.tenureBand,
    exit_type: cohort.exitType,
    regrettable: cohort.regrettable,
    quarter: cohort.quarter === null ? String(year) : `${year}-${cohort.quarter}`,
  }));
  for (let start = 0; start < updates.length; start += 500) {
    await sql`
      UPDATE response r SET department_id = u.department_id, tenure_band = u.tenure_band, exit_type = u.exit_type, regrettable = u.regrettable, quarter = u.quarter
      FROM jsonb_to_recordset(${jsonb(updates.slice(start, start + 500))})
        AS u(id uuid, department_id uuid, tenure_band text, exit_type text, regrettable text, quarter text)
      WHERE r.id = u.id`.execute(trx);
  }
  const placedIds = new Set(placed.map((p) => p.item.id));
  const unplaced = items.filter(({ item }) => !placedIds.has(item.id));
  if (unplaced.length > 0) {
    const answers: PooledAnswers[] = unplaced.map(({ item, cohort }) => ({
      surveyVersionId: item.survey_version_id,
      cohort,
      answers: item.answers,
    }));
    await trx.insertInto('answer_pool').values(poolRow(key, answers)).execute();
    await trx
      .deleteFrom('response')
      .where(
        'id',
        'in',
        unplaced.map(({ item }) => item.id),
      )
      .execute();
  }
  // Every rollup row of the year is counted again from the generalized answers.
  await trx
    .deleteFrom('response_rollup')
    .where((eb) => eb.or([eb('quarter', 'in', quarters), eb('quarter', '=', String(year))]))
    .execute();
  const generalized = await trx
    .selectFrom('response')
    .select(['quarter', 'department_id', 'tenure_band', 'exit_type', 'regrettable', 'answers'])
    .where((eb) => eb.or([eb('quarter', 'in', quarters), eb('quarter', '=', String(year))]))
    .execute();
  await addToRollup(trx, generalized);
}
