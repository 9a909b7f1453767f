import { type Kysely, sql } from 'kysely';
import { newToken, sha256 } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';
import type { StaffUser } from './users.ts';

/** A session ends after 12 hours without use, and after 7 days in any case. */
const IDLE = '12 hours';
const ABSOLUTE = '7 days';

export async function createSession(db: Kysely<Database>, userId: string): Promise<string> {
  const token = newToken();
  await db
    .insertInto('staff_session')
    .values({ id_hash: sha256(token), user_id: userId, expires_at: sql<Date>`now() + ${ABSOLUTE}::interval` })
    .execute();
  return token;
}

/** The signed-in user behind a session cookie, or undefined; marks the session used (at most once a minute). */
export async function loadSession(db: Kysely<Database>, token: string): Promise<StaffUser | undefined> {
  const row = await db
    .selectFrom('staff_session')
    .innerJoin('staff_user', 'staff_user.id', 'staff_session.user_id')
    .select([
      'staff_user.id',
      'staff_user.email',
      'staff_user.role',
      'staff_user.locale',
      sql<boolean>`staff_session.last_seen_at < now() - interval '1 minute'`.as('stale'),
    ])
    .where('staff_session.id_hash', '=', sha256(token))
    .where('staff_session.expires_at', '>', sql<Date>`now()`)
    .where('staff_session.last_seen_at', '>', sql<Date>`now() - ${IDLE}::interval`)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.stale) {
    await db.updateTable('staff_session').set({ last_seen_at: sql<Date>`now()` }).where('id_hash', '=', sha256(token)).execute();
  }
  return { id: row.id, email: row.email, role: row.role, locale: row.locale };
}

export async function endSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('staff_session').where('id_hash', '=', sha256(token)).execute();
}

/** Sign out everywhere: every session of the user, on every device. */
export async function endAllSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('staff_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Expired sessions, old sign-in failures and counts, and spent links: nobody needs them. */
export async function purgeStaleAuthRows(db: Kysely<Database>): Promise<number> {
  const sessions = await db
    .deleteFrom('staff_session')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now()`), eb('last_seen_at', '<', sql<Date>`now() - ${IDLE}::interval`)]))
    .executeTakeFirst();
  const failures = await db.deleteFrom('sign_in_failure').where('failed_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  // A day after its last try an address without an account counts afresh: not every address ever typed is kept.
  const unknown = await sql`DELETE FROM sign_in_unknown_account WHERE last_failed_at < now() - interval '1 day'`.execute(db);
  const links = await db.deleteFrom('one_time_link').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return (
    Number(sessions.numDeletedRows) + Number(failures.numDeletedRows) + Number(unknown.numAffectedRows ?? 0) + Number(links.numDeletedRows)
  );
}
