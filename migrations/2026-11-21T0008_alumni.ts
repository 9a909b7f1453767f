import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// The alumni network (identified people who opted in) and "you said, we did".
// Nothing here references a response, a draft or the answer pool, and the alumni
// record keeps days, not times: see docs/privacy.md.
export async function up(db: Kysely<any>): Promise<void> {
  // department_id and left_year are copied from the leaver record: HR may delete that
  // record, and the retention purge empties it, while the alumnus stays a member.
  await sql`
    CREATE TABLE alumni (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      leaver_id uuid UNIQUE REFERENCES leaver (id) ON DELETE SET NULL,
      department_id uuid REFERENCES department (id) ON DELETE SET NULL,
      left_year integer NOT NULL CHECK (left_year BETWEEN 1900 AND 2200),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
      email_verified_on date,
      pending_email text CHECK (length(pending_email) BETWEEN 3 AND 254),
      company text CHECK (length(company) <= 200),
      job_title text CHECK (length(job_title) <= 200),
      profile_url text CHECK (length(profile_url) <= 500),
      locale text NOT NULL CHECK (locale IN ('ja', 'en')),
      joined_on date NOT NULL DEFAULT current_date,
      rehired_on date,
      rehired_department_id uuid REFERENCES department (id) ON DELETE SET NULL
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX alumni_email ON alumni (lower(email))`.execute(db);

  // One row per consent currently given; withdrawing deletes it.
  await sql`
    CREATE TABLE alumni_consent (
      alumni_id uuid NOT NULL REFERENCES alumni (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('newsletter', 'events', 'rehire', 'referrals', 'partnership')),
      given_on date NOT NULL DEFAULT current_date,
      notice_version text NOT NULL,
      notice_locale text NOT NULL CHECK (notice_locale IN ('ja', 'en')),
      PRIMARY KEY (alumni_id, purpose)
    )`.execute(db);
  await sql`CREATE INDEX alumni_consent_purpose ON alumni_consent (purpose)`.execute(db);

  // Emailed one-time links (verify an address, sign in), hashed; and portal sessions.
  await sql`
    CREATE TABLE alumni_link (
      token_hash bytea PRIMARY KEY,
      alumni_id uuid NOT NULL REFERENCES alumni (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify', 'sign_in')),
      email text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX alumni_link_alumni ON alumni_link (alumni_id)`.execute(db);
  await sql`
    CREATE TABLE alumni_session (
      id_hash bytea PRIMARY KEY,
      alumni_id uuid NOT NULL REFERENCES alumni (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX alumni_session_alumni ON alumni_session (alumni_id)`.execute(db);

  // Mail to an alumnus goes when they are erased, sent or not.
  await sql`ALTER TABLE mail_outbox ADD COLUMN alumni_id uuid REFERENCES alumni (id) ON DELETE CASCADE`.execute(db);
  await sql`CREATE INDEX mail_outbox_alumni ON mail_outbox (alumni_id) WHERE alumni_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE improvement_action (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title_ja text NOT NULL DEFAULT '' CHECK (length(title_ja) <= 200),
      title_en text NOT NULL DEFAULT '' CHECK (length(title_en) <= 200),
      description_ja text NOT NULL DEFAULT '' CHECK (length(description_ja) <= 5000),
      description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 5000),
      reason_codes jsonb NOT NULL DEFAULT '[]',
      status text NOT NULL CHECK (status IN ('planned', 'in_progress', 'done')),
      started_on date,
      done_on date,
      published boolean NOT NULL DEFAULT false,
      published_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (title_ja <> '' OR title_en <> '')
    )`.execute(db);
  // No row: the action is for the whole company.
  await sql`
    CREATE TABLE improvement_action_department (
      action_id uuid NOT NULL REFERENCES improvement_action (id) ON DELETE CASCADE,
      department_id uuid NOT NULL REFERENCES department (id) ON DELETE CASCADE,
      PRIMARY KEY (action_id, department_id)
    )`.execute(db);

  await sql`
    CREATE TABLE newsletter (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subject_ja text NOT NULL CHECK (length(subject_ja) BETWEEN 1 AND 200),
      subject_en text NOT NULL CHECK (length(subject_en) BETWEEN 1 AND 200),
      body_ja text NOT NULL CHECK (length(body_ja) <= 20000),
      body_en text NOT NULL CHECK (length(body_en) <= 20000),
      action_ids jsonb NOT NULL DEFAULT '[]',
      -- The period whose top reasons the issue quotes: '2026' or '2026-Q3'; NULL for none.
      reasons_period text CHECK (reasons_period ~ '^[0-9]{4}(-Q[1-4])?$'),
      created_by uuid REFERENCES staff_user (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      recipients integer
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE newsletter`.execute(db);
  await sql`DROP TABLE improvement_action_department`.execute(db);
  await sql`DROP TABLE improvement_action`.execute(db);
  await sql`ALTER TABLE mail_outbox DROP COLUMN alumni_id`.execute(db);
  await sql`DROP TABLE alumni_session`.execute(db);
  await sql`DROP TABLE alumni_link`.execute(db);
  await sql`DROP TABLE alumni_consent`.execute(db);
  await sql`DROP TABLE alumni`.execute(db);
}
