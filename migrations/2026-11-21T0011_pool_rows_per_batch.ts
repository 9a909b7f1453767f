import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// A pool row now holds the sealed answers of every survey completed in one
// statement (one turn of the server's event loop), not one answer each: one seal,
// one row and one decryption per batch. The count is in the clear so that the
// release can tell when ANONYMITY_K answers wait without opening anything; it says
// no more than the invitations' completion days already do. Rows pooled before
// hold one answer each, so they count 1. The default goes once they are counted:
// every new row states its own count.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE answer_pool ADD COLUMN answer_count integer NOT NULL DEFAULT 1 CHECK (answer_count > 0)`.execute(db);
  await sql`ALTER TABLE answer_pool ALTER COLUMN answer_count DROP DEFAULT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Rows of several answers cannot be split without SECRET: going back needs an empty pool.
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM answer_pool WHERE answer_count > 1`.execute(db);
  if (rows[0]!.n > 0) throw new Error('answer_pool holds batched rows: release the pool (npm run honne -- answers release) before migrating down');
  await sql`ALTER TABLE answer_pool DROP COLUMN answer_count`.execute(db);
}
