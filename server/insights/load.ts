import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** One year's rollup rows, with the quarter as 'Q1'…'Q4'. */
export async function loadYear(db: Kysely<Database>, year: number) {
  const rows = await db
    .selectFrom('response_rollup')
    .select(['quarter', 'department_id', 'tenure_band', 'exit_type', 'responses', 'counts'])
    .where('quarter', 'like', `${year}-Q_`)
    .execute();
  return rows.map((row) => ({ ...row, quarter: row.quarter.slice(5) }));
}

/** Leavers invited (they had a link) per cohort cell of the year, for response rates. */
export async function loadInvited(db: Kysely<Database>, year: number) {
  const { rows } = await sql<{ quarter: string; department_id: string; tenure_band: string; exit_type: string; invited: number }>`
    SELECT 'Q' || extract(quarter FROM l.last_day)::int AS quarter, l.department_id, l.exit_type,
      CASE WHEN y < 1 THEN 'lt1' WHEN y < 3 THEN '1to3' WHEN y < 5 THEN '3to5' WHEN y < 10 THEN '5to10' ELSE '10plus' END AS tenure_band,
      count(*)::int AS invited
    FROM leaver l
    CROSS JOIN LATERAL (SELECT extract(year FROM age(l.last_day, l.hire_date))::int AS y) t
    WHERE l.last_day >= make_date(${year}, 1, 1) AND l.last_day < make_date(${year + 1}, 1, 1)
      AND EXISTS (SELECT 1 FROM invitation i WHERE i.leaver_id = l.id)
    GROUP BY 1, 2, 3, 4`.execute(db);
  return rows;
}

export async function loadDepartments(db: Kysely<Database>) {
  return db.selectFrom('department').select(['id', 'name', 'parent_id']).orderBy('name').execute();
}
