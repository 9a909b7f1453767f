import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE department (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      parent_id uuid REFERENCES department (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE NULLS NOT DISTINCT (parent_id, name)
    )`.execute(db);

  await sql`
    CREATE TABLE leaver (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      employee_id text NOT NULL,
      name text NOT NULL,
      email text NOT NULL,
      department_id uuid NOT NULL REFERENCES department (id),
      hire_date date NOT NULL,
      last_day date NOT NULL,
      exit_type text NOT NULL CHECK (exit_type IN ('voluntary', 'involuntary', 'retirement', 'contract_end')),
      locale text NOT NULL CHECK (locale IN ('ja', 'en')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (hire_date <= last_day)
    )`.execute(db);
  await sql`CREATE INDEX leaver_employee_id ON leaver (employee_id)`.execute(db);

  await sql`
    CREATE TABLE survey_version (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      survey text NOT NULL,
      hash text NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (survey, hash)
    )`.execute(db);

  // completed_on is a day, never a time: finer would order completions.
  await sql`
    CREATE TABLE invitation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      leaver_id uuid NOT NULL REFERENCES leaver (id) ON DELETE CASCADE,
      survey text NOT NULL,
      token_hash bytea NOT NULL UNIQUE,
      expires_on date NOT NULL,
      opened_on date,
      completed_on date,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX invitation_leaver ON invitation (leaver_id)`.execute(db);

  await sql`
    CREATE TABLE draft (
      invitation_id uuid PRIMARY KEY REFERENCES invitation (id) ON DELETE CASCADE,
      sealed bytea NOT NULL
    )`.execute(db);

  // Sealed answers waiting to be released in a shuffled batch; nothing here names the invitation.
  await sql`
    CREATE TABLE answer_pool (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sealed bytea NOT NULL,
      waiting_since date NOT NULL
    )`.execute(db);

  // No key, column or timestamp that points back to a leaver or an invitation.
  await sql`
    CREATE TABLE response (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      survey_version_id uuid NOT NULL REFERENCES survey_version (id),
      department_id uuid NOT NULL REFERENCES department (id),
      tenure_band text NOT NULL CHECK (tenure_band IN ('lt1', '1to3', '3to5', '5to10', '10plus')),
      exit_type text NOT NULL CHECK (exit_type IN ('voluntary', 'involuntary', 'retirement', 'contract_end')),
      quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
      answers jsonb NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE api_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      token_hash bytea NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_on date,
      revoked_at timestamptz
    )`.execute(db);

  // The message itself is sealed (it may carry a survey link) and wiped once sent.
  await sql`
    CREATE TABLE mail_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      invitation_id uuid REFERENCES invitation (id) ON DELETE SET NULL,
      sealed bytea,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      sent_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['mail_outbox', 'api_token', 'response', 'answer_pool', 'draft', 'invitation', 'survey_version', 'leaver', 'department']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
