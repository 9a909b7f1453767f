import type { Kysely } from 'kysely';
import type { Database, Locale } from '../db/schema.ts';
import type { InvitationContext } from '../invitations/issue.ts';
import { enqueueMail } from '../mail/outbox.ts';

/** Queues a verify or sign-in link for a member, in the caller's transaction (bound to them: erasure deletes it). */
export async function queueAlumniLinkMail(
  trx: Kysely<Database>,
  ctx: Pick<InvitationContext, 'publicUrl' | 'company' | 'outboxKey' | 'render'>,
  purpose: 'verify' | 'sign_in',
  alumnus: { id: string; name: string; locale: Locale },
  email: string,
  token: string,
): Promise<void> {
  const link = `${ctx.publicUrl}/alumni/link/${token}?lang=${alumnus.locale}`;
  const message = ctx.render.alumniLink(purpose, email, { locale: alumnus.locale, name: alumnus.name, link, company: ctx.company });
  await enqueueMail(trx, ctx.outboxKey, {
    kind: `alumni_${purpose}`,
    alumniId: alumnus.id,
    message: { ...message, fromName: ctx.company },
  });
}
