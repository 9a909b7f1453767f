import { type Kysely, type RawBuilder, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Regrettable loss becomes a report dimension (issue #4): HR's yes/no, or
// 'unassessed' when HR has not said, is copied with the answers when the leaver
// completes, like the other coarse cohort attributes. Rehire eligibility and the
// note stay HR-only (migration 0004). Answers released before this migration
// carry 'unassessed': nothing links them to their leaver to find out.
const VALUES = sql`('yes', 'no', 'unassessed')`;

/** Migration 0007's invited-count function and triggers, with the leaver's regrettable passed on (up) or not (down). */
async function invitedCounting(db: Kysely<any>, withRegrettable: boolean): Promise<void> {
  const pick = (text: string): RawBuilder<unknown> => sql.raw(withRegrettable ? text : '');
  await sql`
    CREATE FUNCTION honne_invited_add(p_last_day date, p_hire_date date, p_department uuid, p_exit text, ${pick('p_regrettable boolean, ')}p_delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      years integer := extract(year FROM age(p_last_day, p_hire_date))::integer;
    BEGIN
      INSERT INTO invited_rollup (quarter, department_id, tenure_band, exit_type, ${pick('regrettable, ')}invited)
      VALUES (
        extract(year FROM p_last_day)::integer || '-Q' || extract(quarter FROM p_last_day)::integer,
        p_department,
        CASE WHEN years < 1 THEN 'lt1' WHEN years < 3 THEN '1to3' WHEN years < 5 THEN '3to5' WHEN years < 10 THEN '5to10' ELSE '10plus' END,
        p_exit,
        ${pick("CASE WHEN p_regrettable THEN 'yes' WHEN NOT p_regrettable THEN 'no' ELSE 'unassessed' END,")}
        p_delta)
      ON CONFLICT (quarter, department_id, tenure_band, exit_type${pick(', regrettable')}) DO UPDATE SET invited = invited_rollup.invited + EXCLUDED.invited;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION honne_invitation_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM invitation WHERE leaver_id = NEW.leaver_id AND id <> NEW.id) THEN
        PERFORM honne_invited_add(l.last_day, l.hire_date, l.department_id, l.exit_type, ${pick('l.regrettable, ')}1) FROM leaver l WHERE l.id = NEW.leaver_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION honne_leaver_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM invitation WHERE leaver_id = OLD.id) THEN
        PERFORM honne_invited_add(OLD.last_day, OLD.hire_date, OLD.department_id, OLD.exit_type, ${pick('OLD.regrettable, ')}-1);
        IF TG_OP = 'UPDATE' THEN
          PERFORM honne_invited_add(NEW.last_day, NEW.hire_date, NEW.department_id, NEW.exit_type, ${pick('NEW.regrettable, ')}1);
        END IF;
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`.execute(db);
  // The other version, which the triggers no longer call.
  await sql`DROP FUNCTION honne_invited_add(date, date, uuid, text, ${sql.raw(withRegrettable ? '' : 'boolean, ')}integer)`.execute(db);
  await sql`DROP TRIGGER leaver_counts ON leaver`.execute(db);
  await sql`
    CREATE TRIGGER leaver_counts BEFORE UPDATE OF last_day, hire_date, department_id, exit_type${pick(', regrettable')} OR DELETE ON leaver
    FOR EACH ROW EXECUTE FUNCTION honne_leaver_changed()`.execute(db);
  // The invited counts are rebuilt from the leaver records.
  await sql`DELETE FROM invited_rollup`.execute(db);
  await sql`
    SELECT honne_invited_add(l.last_day, l.hire_date, l.department_id, l.exit_type, ${pick('l.regrettable, ')}1)
    FROM leaver l WHERE EXISTS (SELECT 1 FROM invitation i WHERE i.leaver_id = l.id)`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['response', 'response_rollup', 'invited_rollup']) {
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN regrettable text NOT NULL DEFAULT 'unassessed' CHECK (regrettable IN ${VALUES})`.execute(db);
    // No default from now on: every writer says which.
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN regrettable DROP DEFAULT`.execute(db);
  }
  for (const table of ['response_rollup', 'invited_rollup']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(`${table}_pkey`)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} ADD PRIMARY KEY (quarter, department_id, tenure_band, exit_type, regrettable)`.execute(db);
  }
  await invitedCounting(db, true);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Cells that differed only by regrettable merge back into one.
  await sql`
    CREATE TEMP TABLE merged_rollup AS
    SELECT r.quarter, r.department_id, r.tenure_band, r.exit_type, sum(r.responses)::int AS responses,
      (SELECT coalesce(jsonb_object_agg(key, n), '{}'::jsonb) FROM (
        SELECT e.key, sum(e.value::int)::int AS n FROM response_rollup x, jsonb_each_text(x.counts) e
        WHERE (x.quarter, x.department_id, x.tenure_band, x.exit_type) = (r.quarter, r.department_id, r.tenure_band, r.exit_type)
        GROUP BY e.key) keys) AS counts
    FROM response_rollup r GROUP BY 1, 2, 3, 4`.execute(db);
  await sql`DELETE FROM response_rollup`.execute(db);
  await sql`DELETE FROM invited_rollup`.execute(db);
  for (const table of ['response_rollup', 'invited_rollup']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(`${table}_pkey`)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN regrettable, ADD PRIMARY KEY (quarter, department_id, tenure_band, exit_type)`.execute(db);
  }
  await sql`ALTER TABLE response DROP COLUMN regrettable`.execute(db);
  await sql`INSERT INTO response_rollup SELECT * FROM merged_rollup`.execute(db);
  await sql`DROP TABLE merged_rollup`.execute(db);
  await invitedCounting(db, false);
}
