import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE staff_user (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      password_hash text,
      role text NOT NULL CHECK (role IN ('admin', 'hr', 'manager')),
      locale text CHECK (locale IN ('ja', 'en')),
      failed_sign_ins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The departments a manager may see (their sub-departments included).
  await sql`
    CREATE TABLE staff_department (
      user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
      department_id uuid NOT NULL REFERENCES department (id) ON DELETE CASCADE,
      PRIMARY KEY (user_id, department_id)
    )`.execute(db);

  // Only the hash of the session id is stored, so a database reader cannot sign in as anyone.
  await sql`
    CREATE TABLE staff_session (
      id_hash bytea PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX staff_session_user ON staff_session (user_id)`.execute(db);

  // Failed sign-ins per client address, for throttling across every instance.
  await sql`
    CREATE TABLE sign_in_failure (
      ip text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sign_in_failure_ip ON sign_in_failure (ip, failed_at)`.execute(db);

  // One-time links: the first admin's setup, and setting or resetting a password.
  await sql`
    CREATE TABLE one_time_link (
      token_hash bytea PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose IN ('setup', 'password')),
      user_id uuid REFERENCES staff_user (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      CHECK ((purpose = 'setup') = (user_id IS NULL))
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['one_time_link', 'sign_in_failure', 'staff_session', 'staff_department', 'staff_user']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
