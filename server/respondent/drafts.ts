import { type Kysely, sql } from 'kysely';
import { draftKey, type Keys } from '../crypto/keys.ts';
import { open, seal } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';

export interface Draft {
  answers: Record<string, unknown>;
  page: number;
  /** The survey version the answers were given to, so a resumed draft meets the same questions. */
  surveyVersion: string;
}

/** Drafts are sealed with a key derived from the link's token: without the link, nobody reads them. */
export async function saveDraft(db: Kysely<Database>, keys: Keys, token: string, invitationId: string, draft: Draft) {
  const sealed = seal(draftKey(keys, token), JSON.stringify(draft), invitationId);
  await db
    .insertInto('draft')
    .values({ invitation_id: invitationId, sealed })
    .onConflict((oc) => oc.column('invitation_id').doUpdateSet({ sealed }))
    .execute();
}

export async function loadDraft(db: Kysely<Database>, keys: Keys, token: string, invitationId: string): Promise<Draft | undefined> {
  const row = await db.selectFrom('draft').select('sealed').where('invitation_id', '=', invitationId).executeTakeFirst();
  return row && (JSON.parse(open(draftKey(keys, token), row.sealed, invitationId)) as Draft);
}

/** Drafts of links that can no longer be answered are of no use to anyone: delete them. */
export async function purgeExpiredDrafts(db: Kysely<Database>): Promise<number> {
  // Driven by the draft table (small: drafts go on completion), not by every invitation.
  const { numAffectedRows } = await sql`
    DELETE FROM draft d USING invitation i
    WHERE i.id = d.invitation_id AND (i.completed_on IS NOT NULL OR i.expires_on < current_date)`.execute(db);
  return Number(numAffectedRows ?? 0);
}
