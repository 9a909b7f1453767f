import { type Kysely, sql } from 'kysely';
import { open, seal } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The organisation's sender name; the address is always MAIL_FROM's. */
  fromName?: string;
  /** Extra headers (List-Unsubscribe on newsletters). */
  headers?: Record<string, string>;
  /** Files, base64 (quarterly PDFs for managers); sealed with the rest. */
  attachments?: Array<{ filename: string; contentType: string; base64: string }>;
}

export interface QueuedMail {
  id: string;
  kind: string;
  attempts: number;
  message: MailMessage;
}

export interface OutgoingMail {
  kind: string;
  invitationId?: string;
  /** Mail to an alumnus: erasing them deletes it, sent or not. */
  alumniId?: string;
  message: MailMessage;
}

/** The outbox row for a mail: the message sealed, bound to the row's id. */
export function outboxRow(key: Buffer, mail: OutgoingMail) {
  const id = crypto.randomUUID();
  return {
    id,
    kind: mail.kind,
    invitation_id: mail.invitationId ?? null,
    alumni_id: mail.alumniId ?? null,
    sealed: seal(key, JSON.stringify(mail.message), id),
  };
}

/** Queues a mail in the caller's transaction, so it exists exactly when the action that caused it does. */
export async function enqueueMail(db: Kysely<Database>, key: Buffer, mail: OutgoingMail): Promise<string> {
  const row = outboxRow(key, mail);
  await db.insertInto('mail_outbox').values(row).execute();
  return row.id;
}

const LEASE = '5 minutes';

/**
 * Claims due mails for this process. SKIP LOCKED lets several instances claim at
 * once without taking the same rows; the lease makes a mail due again if the
 * process dies while sending it.
 */
export async function claimDueMails(db: Kysely<Database>, key: Buffer, limit: number): Promise<QueuedMail[]> {
  const { rows } = await sql<{ id: string; kind: string; attempts: number; sealed: Buffer }>`
    UPDATE mail_outbox SET locked_until = now() + ${LEASE}::interval, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM mail_outbox
      WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, attempts, sealed`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    attempts: row.attempts,
    message: JSON.parse(open(key, row.sealed, row.id)) as MailMessage,
  }));
}

/** Sent: the sealed message (which may hold a survey link) is wiped. */
export async function markSent(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ sent_at: sql<Date>`now()`, sealed: null, locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Exponential backoff from 30 s, capped at 6 h; a mail refused for a while (4xx, or no answer) is retried until it goes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

export async function markFailed(db: Kysely<Database>, id: string, attempts: number, error: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      locked_until: null,
      last_error: error.slice(0, 500),
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryDelaySeconds(attempts)})`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Refused for good (5xx): not retried, the sealed message is wiped, and the
 * invitation it carried is marked bounced so that HR can correct the address.
 */
export async function markGaveUp(db: Kysely<Database>, id: string, error: string): Promise<void> {
  await sql`
    WITH mail AS (
      UPDATE mail_outbox SET gave_up_at = now(), sealed = NULL, locked_until = NULL, last_error = ${error.slice(0, 500)}
      WHERE id = ${id}
      RETURNING invitation_id)
    UPDATE invitation SET bounced_at = now() WHERE id IN (SELECT invitation_id FROM mail)`.execute(db);
}
