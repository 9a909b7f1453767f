import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Scheduled invitations, reminders, resends, bounces, retention and per-organisation settings.
export async function up(db: Kysely<any>): Promise<void> {
  // One row: the organisation's choices. NULL invite_days_before means "invite on registration".
  await sql`
    CREATE TABLE org_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      sender_name text CHECK (length(sender_name) BETWEEN 1 AND 100),
      invite_days_before integer CHECK (invite_days_before BETWEEN 0 AND 365),
      reminder_days jsonb NOT NULL DEFAULT '[3, 7]',
      expiry_days integer NOT NULL DEFAULT 30 CHECK (expiry_days BETWEEN 1 AND 365),
      retention_days integer NOT NULL DEFAULT 180 CHECK (retention_days BETWEEN 1 AND 3650),
      mail_templates jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO org_settings DEFAULT VALUES`.execute(db);

  // Personal data becomes NULL when the retention period ends; the row stays for the counts.
  await sql`
    ALTER TABLE leaver
      ALTER COLUMN employee_id DROP NOT NULL,
      ALTER COLUMN name DROP NOT NULL,
      ALTER COLUMN email DROP NOT NULL,
      ADD COLUMN invite_on date,
      ADD COLUMN erased_at timestamptz,
      ADD CHECK (erased_at IS NOT NULL OR (employee_id IS NOT NULL AND name IS NOT NULL AND email IS NOT NULL))`.execute(db);
  await sql`CREATE INDEX leaver_invite_on ON leaver (invite_on) WHERE invite_on IS NOT NULL`.execute(db);

  // The link sealed with the outbox key, so reminders and resends can carry it; wiped
  // once the invitation is completed or expired. A new link replaces token_hash in place.
  await sql`
    ALTER TABLE invitation
      ADD COLUMN sealed_token bytea,
      ADD COLUMN reminders_sent integer NOT NULL DEFAULT 0,
      ADD COLUMN bounced_at timestamptz,
      ADD COLUMN closed_at timestamptz`.execute(db);

  // A mail refused for good (5xx) is not retried.
  await sql`ALTER TABLE mail_outbox ADD COLUMN gave_up_at timestamptz`.execute(db);

  // An uploaded CSV waiting for HR to confirm its preview; sealed (it is personal data), short-lived.
  await sql`
    CREATE TABLE leaver_import (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
      file_name text NOT NULL,
      sealed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE leaver_import`.execute(db);
  await sql`ALTER TABLE mail_outbox DROP COLUMN gave_up_at`.execute(db);
  await sql`ALTER TABLE invitation DROP COLUMN sealed_token, DROP COLUMN reminders_sent, DROP COLUMN bounced_at, DROP COLUMN closed_at`.execute(db);
  await sql`ALTER TABLE leaver DROP COLUMN invite_on, DROP COLUMN erased_at`.execute(db);
  await sql`DROP TABLE org_settings`.execute(db);
}
