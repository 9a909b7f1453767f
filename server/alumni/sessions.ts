import { type Kysely, sql } from 'kysely';
import { newToken, sha256 } from '../crypto/seal.ts';
import type { Database, Locale } from '../db/schema.ts';

/** A portal session lasts a day: the portal is visited now and then, and signing in is one mail away. */
const LIFETIME = '24 hours';

export interface Alumnus {
  id: string;
  name: string;
  email: string;
  locale: Locale;
}

export async function createAlumniSession(db: Kysely<Database>, alumniId: string): Promise<string> {
  const token = newToken();
  await db
    .insertInto('alumni_session')
    .values({ id_hash: sha256(token), alumni_id: alumniId, expires_at: sql<Date>`now() + ${LIFETIME}::interval` })
    .execute();
  return token;
}

export async function loadAlumniSession(db: Kysely<Database>, token: string): Promise<Alumnus | undefined> {
  return db
    .selectFrom('alumni_session')
    .innerJoin('alumni', 'alumni.id', 'alumni_session.alumni_id')
    .select(['alumni.id', 'alumni.name', 'alumni.email', 'alumni.locale'])
    .where('alumni_session.id_hash', '=', sha256(token))
    .where('alumni_session.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function endAlumniSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('alumni_session').where('id_hash', '=', sha256(token)).execute();
}

/**
 * Expired sessions and links, and joins never verified within a week: someone typed
 * an address that was not theirs, or gave up; nothing of them is kept.
 */
export async function purgeStaleAlumniRows(db: Kysely<Database>): Promise<number> {
  const sessions = await db.deleteFrom('alumni_session').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  const links = await db.deleteFrom('alumni_link').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  const unverified = await db
    .deleteFrom('alumni')
    .where('email_verified_on', 'is', null)
    .where('joined_on', '<', sql<string>`current_date - 7`)
    .executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(links.numDeletedRows) + Number(unverified.numDeletedRows);
}
