import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { createOneTimeLink } from './one-time-links.ts';

/** At most this many reset links may be open for one account at a time. */
const MAX_OPEN_LINKS = 3;
/**
 * Every request is answered after at least this long: well above what queueing the
 * mail takes (about 20–60 ms, none for an unknown address), so the time does not
 * tell who has an account.
 */
const ANSWER_AFTER_MS = 250;

/**
 * Queues a password-reset mail with a one-time link (1 hour) if the address has an
 * account. The caller answers the same either way, so nobody learns who has one:
 * the answer comes after the same time, and a fault in the work is logged, not
 * shown (a 500 for real accounts only would say which they are).
 */
export async function requestPasswordReset(app: FastifyInstance, email: string, locale: 'ja' | 'en', ip: string): Promise<void> {
  await Promise.all([
    queueReset(app, email, locale, ip).catch((error: unknown) => app.log.error({ err: error }, 'password reset not queued')),
    sleep(ANSWER_AFTER_MS),
  ]);
}

async function queueReset(app: FastifyInstance, email: string, locale: 'ja' | 'en', ip: string): Promise<void> {
  const queued = await app.db.transaction().execute(async (trx) => {
    // Locked, so that parallel requests count the open links one after the other.
    const user = await trx
      .selectFrom('staff_user')
      .select(['id', 'email', 'locale'])
      .where('email', '=', email.trim().toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (!user) return false;
    const open = await trx
      .selectFrom('one_time_link')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', user.id)
      .where('purpose', '=', 'password')
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= MAX_OPEN_LINKS) return false;
    const token = await createOneTimeLink(trx, 'password', user.id, 1);
    const message = app.mail.render.passwordReset(user.email, {
      locale: user.locale ?? locale,
      link: `${app.config.publicUrl}/staff/password/${token}`,
      company: app.config.orgName,
    });
    await enqueueMail(trx, app.keys.outbox, { kind: 'password_reset', message });
    await recordAudit(trx, { action: 'password_reset_requested', actorLabel: user.email, target: user.email, ip });
    return true;
  });
  if (queued) app.worker.wake();
}
