import { type Kysely, sql } from 'kysely';
import { newToken, sha256 } from '../crypto/seal.ts';
import type { AlumniLinkTable } from '../db/alumni-schema.ts';
import type { Database } from '../db/schema.ts';

type Purpose = AlumniLinkTable['purpose'];

/** Verifying an address may wait for a weekend; a sign-in link is for now. */
const LIFETIME: Record<Purpose, string> = { verify: '72 hours', sign_in: '20 minutes' };
/** Unused sign-in links a member may have at once: enough for a lost mail, not for mail-bombing. */
const MAX_OPEN_SIGN_IN_LINKS = 3;

/** A one-time link; only its hash is stored. */
export async function createAlumniLink(db: Kysely<Database>, alumniId: string, purpose: Purpose, email: string): Promise<string> {
  const token = newToken();
  await db
    .insertInto('alumni_link')
    .values({
      token_hash: sha256(token),
      alumni_id: alumniId,
      purpose,
      email,
      expires_at: sql<Date>`now() + ${LIFETIME[purpose]}::interval`,
    })
    .execute();
  return token;
}

async function openSignInLinks(db: Kysely<Database>, alumniId: string): Promise<number> {
  const row = await db
    .selectFrom('alumni_link')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('alumni_id', '=', alumniId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A new link for a member who has fewer than MAX_OPEN_SIGN_IN_LINKS open, in the
 * caller's transaction; undefined when they have enough. The member's row is locked
 * first, so parallel requests count one after the other: counting without the lock,
 * 30 requests at once all saw room and made 6 links.
 */
export async function claimSignInLink(
  trx: Kysely<Database>,
  alumniId: string,
  purpose: Purpose,
  email: string,
): Promise<string | undefined> {
  await trx.selectFrom('alumni').select('id').where('id', '=', alumniId).forUpdate().execute();
  if ((await openSignInLinks(trx, alumniId)) >= MAX_OPEN_SIGN_IN_LINKS) return undefined;
  return createAlumniLink(trx, alumniId, purpose, email);
}

/** The link's purpose while it can still be used (no side effect: mail scanners open links). */
export async function findUsableAlumniLink(db: Kysely<Database>, token: string) {
  return db
    .selectFrom('alumni_link')
    .select(['purpose'])
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Spends the link in the caller's transaction; undefined if unknown, used or expired. */
export async function spendAlumniLink(trx: Kysely<Database>, token: string) {
  return trx
    .updateTable('alumni_link')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['alumni_id', 'purpose', 'email'])
    .executeTakeFirst();
}

/**
 * A verify link proves the address it was sent to, if that is still the member's
 * address or the one they asked to change to. Returns false for a stale link.
 */
export async function verifyAddress(trx: Kysely<Database>, alumniId: string, email: string): Promise<boolean> {
  const result = await trx
    .updateTable('alumni')
    .set({ email, pending_email: null, email_verified_on: sql<string>`current_date` })
    .where('id', '=', alumniId)
    .where((eb) => eb.or([eb('email', '=', email), eb('pending_email', '=', email)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
