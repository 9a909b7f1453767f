import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Released answers carry cohort attributes generalized until every stored class
// fits at least k completed leavers (see docs/privacy.md, rule 3):
// - department_id: a department means "somewhere in its subtree"; NULL the whole organisation;
// - tenure_band, exit_type, regrettable: NULL means "any";
// - quarter: 'YYYY-Qn', or 'YYYY' for "some quarter of that year".
// The rollup takes the same keys; NULLs are equal to each other in its key.
// Answers released before this migration are at full detail: their years are
// listed in cohort_generalization_due, and the release generalizes them (it
// needs the department tree and SECRET, which a migration does not have).
// A pool row the release cannot move into `response` is set aside, still sealed.
const COHORT = ['department_id', 'tenure_band', 'exit_type', 'regrettable'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // The key goes first: a primary key's columns cannot lose NOT NULL.
  await sql`ALTER TABLE response_rollup DROP CONSTRAINT response_rollup_pkey`.execute(db);
  for (const table of ['response', 'response_rollup']) {
    for (const column of COHORT) await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.id(column)} DROP NOT NULL`.execute(db);
  }
  await sql`ALTER TABLE response DROP CONSTRAINT response_quarter_check`.execute(db);
  await sql`ALTER TABLE response ADD CONSTRAINT response_quarter_check CHECK (quarter ~ '^[0-9]{4}(-Q[1-4])?$')`.execute(db);
  await sql`
    ALTER TABLE response_rollup ADD CONSTRAINT response_rollup_cohort
      UNIQUE NULLS NOT DISTINCT (quarter, department_id, tenure_band, exit_type, regrettable)`.execute(db);
  await sql`CREATE TABLE cohort_generalization_due (year integer PRIMARY KEY)`.execute(db);
  await sql`INSERT INTO cohort_generalization_due SELECT DISTINCT substr(quarter, 1, 4)::int FROM response`.execute(db);
  await sql`ALTER TABLE answer_pool ADD COLUMN set_aside boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Generalized answers cannot be made exact again.
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM response
    WHERE department_id IS NULL OR tenure_band IS NULL OR exit_type IS NULL OR regrettable IS NULL OR quarter !~ '-Q'`.execute(db);
  if (rows[0]!.n > 0) throw new Error('response holds generalized cohorts: they cannot be migrated down');
  await sql`ALTER TABLE answer_pool DROP COLUMN set_aside`.execute(db);
  await sql`DROP TABLE cohort_generalization_due`.execute(db);
  await sql`ALTER TABLE response_rollup DROP CONSTRAINT response_rollup_cohort`.execute(db);
  await sql`ALTER TABLE response_rollup ADD PRIMARY KEY (quarter, department_id, tenure_band, exit_type, regrettable)`.execute(db);
  await sql`ALTER TABLE response DROP CONSTRAINT response_quarter_check`.execute(db);
  await sql`ALTER TABLE response ADD CONSTRAINT response_quarter_check CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$')`.execute(db);
  for (const table of ['response', 'response_rollup']) {
    for (const column of COHORT) await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.id(column)} SET NOT NULL`.execute(db);
  }
}
