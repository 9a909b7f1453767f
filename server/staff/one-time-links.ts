import { type Kysely, sql } from 'kysely';
import { newToken, sha256 } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';

type Purpose = 'setup' | 'password';

/** A link usable once before it expires; only the token's hash is kept. A new setup link replaces older ones. */
export async function createOneTimeLink(db: Kysely<Database>, purpose: Purpose, userId: string | null, hours: number): Promise<string> {
  const token = newToken();
  if (purpose === 'setup') await db.deleteFrom('one_time_link').where('purpose', '=', 'setup').where('used_at', 'is', null).execute();
  await db
    .insertInto('one_time_link')
    .values({ token_hash: sha256(token), purpose, user_id: userId, expires_at: sql<Date>`now() + make_interval(hours => ${hours})` })
    .execute();
  return token;
}

/** The link's row if it can still be used (no side effect). */
export async function findUsableLink(db: Kysely<Database>, token: string, purpose: Purpose) {
  return db
    .selectFrom('one_time_link')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Spends the link inside the caller's transaction; false if it was spent meanwhile. */
export async function spendLink(trx: Kysely<Database>, token: string, purpose: Purpose): Promise<boolean> {
  const spent = await trx
    .updateTable('one_time_link')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}
