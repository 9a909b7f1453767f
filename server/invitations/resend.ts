import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, conflict } from '../errors/app-error.ts';
import { newToken, sha256 } from '../crypto/seal.ts';
import { today } from '../shared/dates.ts';
import { type InvitationContext, expiryFor, issueInvitation, openToken, queueSurveyMail, type Recipient, sealToken } from './issue.ts';

export type ResendOutcome = 'issued' | 'resent' | 'new_link';

const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });

/** The leaver (still holding personal data) and their newest invitation, both locked. */
async function lockLeaver(trx: Kysely<Database>, leaverId: string) {
  const leaver = await trx
    .selectFrom('leaver')
    .select(['id', 'name', 'email', 'last_day', 'locale'])
    .where('id', '=', leaverId)
    .where('erased_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!leaver) throw notFound();
  const invitation = await trx
    .selectFrom('invitation')
    .select(['id', 'sealed_token', 'expires_on', 'completed_on', 'closed_at'])
    .where('leaver_id', '=', leaverId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  const recipient = { id: leaver.id, name: leaver.name!, email: leaver.email!, lastDay: leaver.last_day, locale: leaver.locale };
  return { recipient, invitation };
}

/** A leaver still scheduled: invite today instead of on the scheduled day. */
async function inviteNow(trx: Kysely<Database>, ctx: InvitationContext, recipient: Recipient, survey: string): Promise<ResendOutcome> {
  await issueInvitation(trx, ctx, recipient, survey);
  await trx.updateTable('leaver').set({ invite_on: null }).where('id', '=', recipient.id).execute();
  return 'issued';
}

/**
 * Mails the same link again (after HR corrected an address, say). A leaver still
 * scheduled is invited now. A completed or expired invitation cannot be resent.
 */
export async function resendInvitation(
  db: Kysely<Database>,
  ctx: InvitationContext,
  leaverId: string,
  survey: string,
): Promise<ResendOutcome> {
  return db.transaction().execute(async (trx) => {
    const { recipient, invitation } = await lockLeaver(trx, leaverId);
    if (!invitation) return inviteNow(trx, ctx, recipient, survey);
    if (invitation.completed_on) throw conflict('error.invitation_completed');
    if (invitation.closed_at || !invitation.sealed_token || invitation.expires_on < today()) {
      throw conflict('error.invitation_expired');
    }
    const token = openToken(ctx.outboxKey, invitation.id, invitation.sealed_token);
    await queueSurveyMail(trx, ctx, 'invitation', { id: invitation.id, token, expiresOn: invitation.expires_on }, recipient);
    await trx.updateTable('invitation').set({ bounced_at: null }).where('id', '=', invitation.id).execute();
    return 'resent';
  });
}

/**
 * Replaces the link: the old one stops working at once (its hash is gone), the
 * draft saved under it is discarded (it was sealed with the old link), and an
 * expired invitation opens again for the usual period. Reminders keep their schedule.
 */
export async function issueNewLink(db: Kysely<Database>, ctx: InvitationContext, leaverId: string, survey: string): Promise<ResendOutcome> {
  return db.transaction().execute(async (trx) => {
    const { recipient, invitation } = await lockLeaver(trx, leaverId);
    if (!invitation) return inviteNow(trx, ctx, recipient, survey);
    if (invitation.completed_on) throw conflict('error.invitation_completed');
    const token = newToken();
    const expiresOn = [invitation.expires_on, expiryFor(recipient.lastDay, ctx.settings.expiryDays)].sort().at(-1)!;
    await trx
      .updateTable('invitation')
      .set({
        token_hash: sha256(token),
        sealed_token: sealToken(ctx.outboxKey, invitation.id, token),
        expires_on: expiresOn,
        opened_on: null,
        closed_at: null,
        bounced_at: null,
      })
      .where('id', '=', invitation.id)
      .execute();
    await trx.deleteFrom('draft').where('invitation_id', '=', invitation.id).execute();
    await trx.deleteFrom('mail_outbox').where('invitation_id', '=', invitation.id).where('sent_at', 'is', null).execute();
    await queueSurveyMail(trx, ctx, 'invitation', { id: invitation.id, token, expiresOn }, recipient);
    return 'new_link';
  });
}
