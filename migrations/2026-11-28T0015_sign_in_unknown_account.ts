import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Wrong-password counts and locks for addresses without an account, kept like
// staff_user's own, so that an unknown address is locked after the same number of
// tries as a real one and the answers tell nobody which addresses have accounts.
// Only a hash of the address is kept; a row unused for a day is deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE sign_in_unknown_account (
      email_hash bytea PRIMARY KEY,
      failed_sign_ins integer NOT NULL,
      locked_until timestamptz,
      last_failed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sign_in_unknown_account_last_failed ON sign_in_unknown_account (last_failed_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sign_in_unknown_account`.execute(db);
}
