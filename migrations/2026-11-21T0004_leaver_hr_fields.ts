import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// HR-only judgements about a leaver: never shown to the leaver, never part of a report.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE leaver
      ADD COLUMN regrettable boolean,
      ADD COLUMN rehire_eligibility text CHECK (rehire_eligibility IN ('eligible', 'conditional', 'not_eligible')),
      ADD COLUMN rehire_note text CHECK (length(rehire_note) <= 2000)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE leaver DROP COLUMN regrettable, DROP COLUMN rehire_eligibility, DROP COLUMN rehire_note`.execute(db);
}
