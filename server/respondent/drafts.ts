import { type Kysely, sql } from 'kysely';
import { draftKey, type Keys } from '../crypto/keys.ts';
import { openJson, seal } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';

export interface Draft {
  answers: Record<string, unknown>;
  page: number;
  /** The survey version the answers were given to, so a resumed draft meets the same questions. */
  surveyVersion: string;
}

/**
 * Bytes of plaintext every draft takes. A draft names its invitation, and its dead
 * tuples outlive completion, so a length of its own would tie the invitation to the
 * answers released later. The worst case of the shipped exit interview is 4,797
 * bytes (every question answered, free text at the 400-character limit in 3-byte
 * UTF-8, every box ticked); test/sizes.test.ts derives it and checks that it fits.
 */
export const DRAFT_SIZE = 5120;

/**
 * Drafts are sealed with a key derived from the link's token: without the link,
 * nobody reads them. Padded to DRAFT_SIZE; a larger draft is refused (400), never
 * sealed at a length of its own.
 */
export async function saveDraft(db: Kysely<Database>, keys: Keys, token: string, invitationId: string, draft: Draft) {
  const plaintext = JSON.stringify(draft);
  if (Buffer.byteLength(plaintext) > DRAFT_SIZE)
    throw new AppError({ code: 'draft_too_large', status: 400, messageKey: 'error.payload_too_large' });
  const sealed = seal(draftKey(keys, token), plaintext, invitationId, DRAFT_SIZE);
  await db
    .insertInto('draft')
    .values({ invitation_id: invitationId, sealed })
    .onConflict((oc) => oc.column('invitation_id').doUpdateSet({ sealed }))
    .execute();
}

/** Drafts saved before padding open as they are. */
export async function loadDraft(db: Kysely<Database>, keys: Keys, token: string, invitationId: string): Promise<Draft | undefined> {
  const row = await db.selectFrom('draft').select('sealed').where('invitation_id', '=', invitationId).executeTakeFirst();
  return row && (openJson(draftKey(keys, token), row.sealed, invitationId) as Draft);
}

/** Drafts of links that can no longer be answered are of no use to anyone: delete them. */
export async function purgeExpiredDrafts(db: Kysely<Database>): Promise<number> {
  // Driven by the draft table (small: drafts go on completion), not by every invitation.
  const { numAffectedRows } = await sql`
    DELETE FROM draft d USING invitation i
    WHERE i.id = d.invitation_id AND (i.completed_on IS NOT NULL OR i.expires_on < current_date)`.execute(db);
  return Number(numAffectedRows ?? 0);
}

/**
 * Completion deletes the draft, but its dead tuple (which names the invitation) stays
 * on disk until vacuumed, and nothing else vacuums this table. VACUUM cannot run in
 * a transaction: call it on the database, after the release.
 */
export async function vacuumDrafts(db: Kysely<Database>): Promise<void> {
  await sql`VACUUM draft`.execute(db);
}
