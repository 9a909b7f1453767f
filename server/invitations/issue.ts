import type { Kysely } from 'kysely';
import type { Database, Locale } from '../db/schema.ts';
import { newToken, sha256 } from '../crypto/seal.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { MailRenderer } from '../mail/render.ts';
import { addDays } from '../shared/dates.ts';

export interface InvitationContext {
  publicUrl: string;
  orgName: string;
  expiryDays: number;
  outboxKey: Buffer;
  render: MailRenderer;
}

export interface IssuedInvitation {
  invitationId: string;
  /** Returned to the caller only (tests, benchmarks); stored nowhere but in the sealed mail. */
  token: string;
}

/** Creates the link (only its hash is kept) and queues the mail, in the caller's transaction. */
export async function issueInvitation(
  trx: Kysely<Database>,
  ctx: InvitationContext,
  leaver: { id: string; name: string; email: string; lastDay: string; locale: Locale },
  survey: string,
): Promise<IssuedInvitation> {
  const token = newToken();
  const expiresOn = addDays(leaver.lastDay, ctx.expiryDays);
  const { id } = await trx
    .insertInto('invitation')
    .values({ leaver_id: leaver.id, survey, token_hash: sha256(token), expires_on: expiresOn })
    .returning('id')
    .executeTakeFirstOrThrow();
  const message = ctx.render.invitation(leaver.email, {
    locale: leaver.locale,
    name: leaver.name,
    link: `${ctx.publicUrl}/s/${token}`,
    expiresOn,
    company: ctx.orgName,
  });
  await enqueueMail(trx, ctx.outboxKey, { kind: 'invitation', invitationId: id, message });
  return { invitationId: id, token };
}
