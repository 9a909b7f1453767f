import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // Who did what, when. Never answers; details hold ids and codes, not personal data.
  await sql`
    CREATE TABLE audit_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid REFERENCES staff_user (id) ON DELETE SET NULL,
      actor_label text NOT NULL,
      action text NOT NULL,
      target text,
      ip text,
      details jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX audit_event_at ON audit_event (at DESC)`.execute(db);
  await sql`CREATE INDEX audit_event_action ON audit_event (action, at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE audit_event`.execute(db);
}
