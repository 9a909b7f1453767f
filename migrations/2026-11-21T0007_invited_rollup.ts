import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Leavers invited per cohort cell, for response rates without scanning the leaver
// table per report. Kept exact by triggers: a leaver counts once they have an
// invitation, moves cell when their cohort fields change, and leaves when deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE invited_rollup (
      quarter text NOT NULL,
      department_id uuid NOT NULL REFERENCES department (id),
      tenure_band text NOT NULL,
      exit_type text NOT NULL,
      invited integer NOT NULL,
      PRIMARY KEY (quarter, department_id, tenure_band, exit_type)
    )`.execute(db);

  await sql`
    CREATE FUNCTION honne_invited_add(p_last_day date, p_hire_date date, p_department uuid, p_exit text, p_delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      years integer := extract(year FROM age(p_last_day, p_hire_date))::integer;
    BEGIN
      INSERT INTO invited_rollup (quarter, department_id, tenure_band, exit_type, invited)
      VALUES (
        extract(year FROM p_last_day)::integer || '-Q' || extract(quarter FROM p_last_day)::integer,
        p_department,
        CASE WHEN years < 1 THEN 'lt1' WHEN years < 3 THEN '1to3' WHEN years < 5 THEN '3to5' WHEN years < 10 THEN '5to10' ELSE '10plus' END,
        p_exit,
        p_delta)
      ON CONFLICT (quarter, department_id, tenure_band, exit_type) DO UPDATE SET invited = invited_rollup.invited + EXCLUDED.invited;
    END $$`.execute(db);

  // The first invitation of a leaver counts them.
  await sql`
    CREATE FUNCTION honne_invitation_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM invitation WHERE leaver_id = NEW.leaver_id AND id <> NEW.id) THEN
        PERFORM honne_invited_add(l.last_day, l.hire_date, l.department_id, l.exit_type, 1) FROM leaver l WHERE l.id = NEW.leaver_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER invitation_counts AFTER INSERT ON invitation FOR EACH ROW EXECUTE FUNCTION honne_invitation_inserted()`.execute(db);

  // An invited leaver who changes cohort moves; one deleted leaves.
  await sql`
    CREATE FUNCTION honne_leaver_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM invitation WHERE leaver_id = OLD.id) THEN
        PERFORM honne_invited_add(OLD.last_day, OLD.hire_date, OLD.department_id, OLD.exit_type, -1);
        IF TG_OP = 'UPDATE' THEN
          PERFORM honne_invited_add(NEW.last_day, NEW.hire_date, NEW.department_id, NEW.exit_type, 1);
        END IF;
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER leaver_counts BEFORE UPDATE OF last_day, hire_date, department_id, exit_type OR DELETE ON leaver
    FOR EACH ROW EXECUTE FUNCTION honne_leaver_changed()`.execute(db);

  await sql`
    SELECT honne_invited_add(l.last_day, l.hire_date, l.department_id, l.exit_type, 1)
    FROM leaver l WHERE EXISTS (SELECT 1 FROM invitation i WHERE i.leaver_id = l.id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER leaver_counts ON leaver`.execute(db);
  await sql`DROP TRIGGER invitation_counts ON invitation`.execute(db);
  await sql`DROP FUNCTION honne_leaver_changed(), honne_invitation_inserted(), honne_invited_add(date, date, uuid, text, integer)`.execute(db);
  await sql`DROP TABLE invited_rollup`.execute(db);
}
