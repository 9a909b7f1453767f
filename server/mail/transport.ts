import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage } from './outbox.ts';

export interface MailTransport {
  /** Sends one message; resolves to where it went (for the log), rejects if it could not. */
  send(id: string, message: MailMessage): Promise<string>;
  close(): void;
}

/** MAIL_FROM's address under the message's sender name, when it has one. */
function sender(from: string, message: MailMessage) {
  if (!message.fromName) return from;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  return { name: message.fromName, address };
}

function nodemailerFields({ to, subject, text, html, attachments }: MailMessage) {
  return {
    to,
    subject,
    text,
    html,
    ...(attachments
      ? {
          attachments: attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.base64,
            encoding: 'base64',
          })),
        }
      : {}),
  };
}

/** A refusal that will not change by retrying (5xx): the address is wrong or the mailbox gone. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * SMTP through pooled connections unless SMTP_URL says `pool=false`: a new
 * connection per mail costs ~100 ms of handshake, a pooled one ~5 ms.
 */
export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transporter = nodemailer.createTransport(url.toString());
  return {
    async send(_id, message) {
      await transporter.sendMail({
        ...nodemailerFields(message),
        from: sender(from, message),
        headers: { 'Auto-Submitted': 'auto-generated', ...message.headers },
      });
      return 'smtp';
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL, each mail becomes an .eml file that any mail client opens. */
export function folderTransport(dir: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(id, message) {
      const info = await transporter.sendMail({
        ...nodemailerFields(message),
        from: sender(from, message),
        headers: { 'Auto-Submitted': 'auto-generated', ...message.headers },
      });
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      return file;
    },
    close: () => transporter.close(),
  };
}
