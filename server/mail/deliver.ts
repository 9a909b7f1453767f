import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/schema.ts';
import { claimDueMails, markFailed, markGaveUp, markSent } from './outbox.ts';
import { isPermanentFailure, type MailTransport } from './transport.ts';

/** Sends what is due, batch by batch, until nothing is; returns how many went out. */
export async function deliverDueMail(
  db: Kysely<Database>,
  key: Buffer,
  transport: MailTransport,
  log: FastifyBaseLogger,
  batchSize = 20,
): Promise<number> {
  let sent = 0;
  for (;;) {
    const batch = await claimDueMails(db, key, batchSize);
    if (batch.length === 0) return sent;
    for (const mail of batch) {
      try {
        const where = await transport.send(mail.id, mail.message);
        await markSent(db, mail.id);
        sent++;
        // Never the address, subject or body: they may carry the survey link.
        log.info({ mailId: mail.id, kind: mail.kind, where }, 'mail sent');
      } catch (error) {
        // A refusal often quotes the recipient ("550 <taro@example.com>: no such user"): keep the code, not the address.
        const reason = withoutAddresses((error as Error).message);
        if (isPermanentFailure(error)) {
          await markGaveUp(db, mail.id, reason);
          log.warn({ mailId: mail.id, kind: mail.kind, reason }, 'mail refused for good; not retried');
          continue;
        }
        await markFailed(db, mail.id, mail.attempts, reason);
        log.warn({ mailId: mail.id, kind: mail.kind, attempts: mail.attempts, reason }, 'mail not sent; will retry');
      }
    }
  }
}

/** Mail addresses in a server's reply, replaced: the reason is logged and stored beside the mail. */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
