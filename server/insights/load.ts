import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** One year's rollup rows, with the quarter as 'Q1'…'Q4', or 'Y' for answers known only by the year. */
export async function loadYear(db: Kysely<Database>, year: number) {
  const rows = await db
    .selectFrom('response_rollup')
    .select(['quarter', 'department_id', 'tenure_band', 'exit_type', 'regrettable', 'responses', 'counts'])
    .where((eb) => eb.or([eb('quarter', 'like', `${year}-Q_`), eb('quarter', '=', String(year))]))
    .execute();
  return rows.map((row) => ({ ...row, quarter: row.quarter.slice(5) || 'Y' }));
}

/** Leavers invited (they had a link) per cohort cell of the year, for response rates; kept by triggers. */
export async function loadInvited(db: Kysely<Database>, year: number) {
  const rows = await db
    .selectFrom('invited_rollup')
    .select(['quarter', 'department_id', 'tenure_band', 'exit_type', 'regrettable', 'invited'])
    .where('quarter', 'like', `${year}-Q_`)
    .where('invited', '>', 0)
    .execute();
  return rows.map((row) => ({ ...row, quarter: row.quarter.slice(5) }));
}

export async function loadDepartments(db: Kysely<Database>) {
  return db.selectFrom('department').select(['id', 'name', 'parent_id']).orderBy('name').execute();
}
