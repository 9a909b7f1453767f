import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { createOneTimeLink } from './one-time-links.ts';
import { findStaffByEmail } from './users.ts';

/** At most this many reset links may be open for one account at a time. */
const MAX_OPEN_LINKS = 3;

/**
 * Queues a password-reset mail with a one-time link (1 hour) if the address has an
 * account. The caller answers the same either way, so nobody learns who has one.
 */
export async function requestPasswordReset(app: FastifyInstance, email: string, locale: 'ja' | 'en', ip: string): Promise<void> {
  const user = await findStaffByEmail(app.db, email);
  if (!user) return;
  await app.db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('one_time_link')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', user.id)
      .where('purpose', '=', 'password')
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirstOrThrow();
    if (open.n >= MAX_OPEN_LINKS) return;
    const token = await createOneTimeLink(trx, 'password', user.id, 1);
    const message = app.mail.render.passwordReset(user.email, {
      locale: user.locale ?? locale,
      link: `${app.config.publicUrl}/staff/password/${token}`,
      company: app.config.orgName,
    });
    await enqueueMail(trx, app.keys.outbox, { kind: 'password_reset', message });
    await recordAudit(trx, { action: 'password_reset_requested', actorLabel: user.email, target: user.email, ip });
  });
  app.worker.wake();
}
