import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { signId } from '../alumni/signed-id.ts';
import type { Database, Locale } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { outboxRow } from '../mail/outbox.ts';
import { composeIssue, type IssueContent } from './compose.ts';

const BATCH = 500;

/** Verified members who consented to the newsletter: its only recipients. */
function newsletterAudience(db: Kysely<Database>) {
  return db
    .selectFrom('alumni as a')
    .innerJoin('alumni_consent as c', (join) => join.onRef('c.alumni_id', '=', 'a.id').on('c.purpose', '=', 'newsletter'))
    .where('a.email_verified_on', 'is not', null);
}

/** How many would receive an issue sent now. */
export async function audienceSize(db: Kysely<Database>): Promise<number> {
  const row = await newsletterAudience(db)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
const alreadySent = () => new AppError({ code: 'newsletter_sent', status: 409, messageKey: 'newsletters.error.sent' });

/**
 * Queues one mail per recipient, in their language, each with its own one-click
 * unsubscribe link (RFC 8058 headers too), and marks the issue sent, all in one
 * transaction: an issue is sent once, to everyone or to no one. The content is
 * composed before the transaction (it reads the insights, which must not wait on
 * it); an issue edited meanwhile is refused rather than sent stale.
 */
export async function sendNewsletter(app: FastifyInstance, id: string, company: string): Promise<number> {
  const issue = await app.db.selectFrom('newsletter').selectAll().where('id', '=', id).executeTakeFirst();
  if (!issue) throw notFound();
  if (issue.sent_at) throw alreadySent();
  const content: Record<Locale, IssueContent> = { ja: await composeIssue(app, issue, 'ja'), en: await composeIssue(app, issue, 'en') };
  return app.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('newsletter')
      .select(['sent_at', 'updated_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.sent_at) throw alreadySent();
    if (locked.updated_at.getTime() !== issue.updated_at.getTime())
      throw new AppError({ code: 'newsletter_changed', status: 409, messageKey: 'newsletters.error.changed' });
    const recipients = await newsletterAudience(trx).select(['a.id', 'a.email', 'a.locale']).execute();
    const base = app.config.publicUrl;
    for (let i = 0; i < recipients.length; i += BATCH) {
      const rows = recipients.slice(i, i + BATCH).map((member) => {
        const unsubscribeLink = `${base}/alumni/unsubscribe/${signId(app.keys.alumniLinks, 'unsubscribe', member.id)}`;
        const message = app.mail.render.newsletter(member.email, {
          ...content[member.locale],
          company,
          portalLink: `${base}/alumni/me?lang=${member.locale}`,
          unsubscribeLink,
        });
        const headers = {
          'List-Unsubscribe': `<${unsubscribeLink}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          Precedence: 'bulk',
        };
        return outboxRow(app.keys.outbox, { kind: 'newsletter', alumniId: member.id, message: { ...message, fromName: company, headers } });
      });
      await trx.insertInto('mail_outbox').values(rows).execute();
    }
    await trx.updateTable('newsletter').set({ sent_at: new Date(), recipients: recipients.length }).where('id', '=', id).execute();
    return recipients.length;
  });
}
