import { type Kysely, sql } from 'kysely';
import type { Database, Locale } from '../db/schema.ts';
import { MAX_REMINDERS } from '../settings/settings.ts';
import { type InvitationContext, issueInvitation, openToken, queueSurveyMail } from './issue.ts';

/*
 * The invitation's life after registration, run by the worker on every instance:
 * each task claims its rows with FOR UPDATE SKIP LOCKED inside a transaction, so two
 * instances never mail the same person twice.
 */

const BATCH = 100;

function tryOpenToken(key: Buffer, invitationId: string, sealed: Buffer): string | undefined {
  try {
    return openToken(key, invitationId, sealed);
  } catch {
    return undefined;
  }
}

/** Invites the leavers whose scheduled day has come. */
export async function issueScheduledInvitations(db: Kysely<Database>, ctx: InvitationContext, survey: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('leaver')
      .select(['id', 'name', 'email', 'last_day', 'locale'])
      .where('invite_on', '<=', sql<string>`current_date`)
      .where('erased_at', 'is', null)
      .orderBy('invite_on')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const leaver of due) {
      await issueInvitation(
        trx,
        ctx,
        { id: leaver.id, name: leaver.name!, email: leaver.email!, lastDay: leaver.last_day, locale: leaver.locale },
        survey,
      );
    }
    if (due.length > 0)
      await trx
        .updateTable('leaver')
        .set({ invite_on: null })
        .where(
          'id',
          'in',
          due.map((l) => l.id),
        )
        .execute();
    return due.length;
  });
}

/**
 * Reminds those who have not answered, on the days the settings name (after the
 * invitation), at most twice. When several reminders are overdue (the worker was
 * off), only one is sent.
 */
export async function sendDueReminders(db: Kysely<Database>, ctx: InvitationContext): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      id: string;
      sealed_token: Buffer;
      expires_on: string;
      due: number;
      leaver_id: string;
      name: string;
      email: string;
      last_day: string;
      locale: Locale;
    }>`
      SELECT i.id, i.sealed_token, i.expires_on, r.due, i.leaver_id, l.name, l.email, l.last_day, l.locale
      FROM invitation i
      JOIN leaver l ON l.id = i.leaver_id
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS due FROM org_settings s, jsonb_array_elements_text(s.reminder_days) WITH ORDINALITY AS d(days, n)
        WHERE d.n <= ${MAX_REMINDERS} AND i.created_at::date + d.days::int <= current_date) r
      WHERE i.completed_on IS NULL AND i.closed_at IS NULL AND i.bounced_at IS NULL AND i.sealed_token IS NOT NULL
        AND i.expires_on >= current_date AND l.erased_at IS NULL
        AND i.reminders_sent < r.due
        AND EXISTS (SELECT 1 FROM mail_outbox m WHERE m.invitation_id = i.id AND m.kind = 'invitation' AND m.sent_at IS NOT NULL)
      ORDER BY i.created_at
      LIMIT ${BATCH}
      FOR UPDATE OF i SKIP LOCKED`.execute(trx);
    for (const row of rows) {
      const token = tryOpenToken(ctx.outboxKey, row.id, row.sealed_token);
      // Sealed under another SECRET: the reminder cannot carry the link, so it is skipped, not retried forever.
      if (token)
        await queueSurveyMail(
          trx,
          ctx,
          'reminder',
          { id: row.id, token, expiresOn: row.expires_on },
          { id: row.leaver_id, name: row.name, email: row.email, lastDay: row.last_day, locale: row.locale },
        );
      await trx.updateTable('invitation').set({ reminders_sent: row.due }).where('id', '=', row.id).execute();
    }
    return rows.length;
  });
}

/**
 * Closes links past their expiry: the sealed link and any draft are wiped, and a mail
 * not sent yet is withdrawn. One statement, so atomic.
 */
export async function closeExpiredInvitations(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    WITH closed AS (
      UPDATE invitation SET closed_at = now(), sealed_token = NULL
      WHERE completed_on IS NULL AND closed_at IS NULL AND expires_on < current_date
      RETURNING id),
    drafts AS (DELETE FROM draft WHERE invitation_id IN (SELECT id FROM closed)),
    mails AS (DELETE FROM mail_outbox WHERE sent_at IS NULL AND invitation_id IN (SELECT id FROM closed))
    SELECT id FROM closed`.execute(db);
  return rows.length;
}
