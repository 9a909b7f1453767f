import { type Kysely, sql } from 'kysely';
import { newToken, sha256 } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';

const PREFIX = 'honne_';

/** Creates an API token; the token is returned once and only its hash is kept. */
export async function createApiToken(db: Kysely<Database>, name: string): Promise<{ id: string; token: string }> {
  const token = `${PREFIX}${newToken()}`;
  const { id } = await db
    .insertInto('api_token')
    .values({ name, token_hash: sha256(token) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, token };
}

/** The token's id if it is valid and not revoked; records the day it was last used. */
export async function verifyApiToken(db: Kysely<Database>, token: string): Promise<string | undefined> {
  if (!token.startsWith(PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_token')
    .select(['id', 'last_used_on'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db
    .updateTable('api_token')
    .set({ last_used_on: sql<string>`current_date` })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('last_used_on', 'is', null), eb('last_used_on', '<', sql<string>`current_date`)]))
    .execute();
  return row.id;
}

/** Every token for the admins' list, newest first: names and days, never a hash. */
export async function listApiTokens(db: Kysely<Database>) {
  return db
    .selectFrom('api_token')
    .select(['id', 'name', sql<string>`created_at::date::text`.as('created_on'), 'last_used_on', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes a token still in use; its name if it was, for the audit log. */
export async function revokeApiToken(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const revoked = await db
    .updateTable('api_token')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('name')
    .executeTakeFirst();
  return revoked?.name;
}
