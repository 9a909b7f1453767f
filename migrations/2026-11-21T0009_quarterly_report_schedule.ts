import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Managers' quarterly reports mailed by the worker at the start of each quarter (off by default).
export async function up(db: Kysely<any>): Promise<void> {
  // done_for: the last quarter whose reports went out (or that was skipped when the schedule was switched on).
  await sql`
    ALTER TABLE org_settings
      ADD COLUMN quarterly_reports boolean NOT NULL DEFAULT false,
      ADD COLUMN quarterly_reports_done_for text CHECK (quarterly_reports_done_for ~ '^[0-9]{4}-Q[1-4]$')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE org_settings DROP COLUMN quarterly_reports, DROP COLUMN quarterly_reports_done_for`.execute(db);
}
