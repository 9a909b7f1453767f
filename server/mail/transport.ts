import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage } from './outbox.ts';

export interface MailTransport {
  /** Sends one message; resolves to where it went (for the log), rejects if it could not. */
  send(id: string, message: MailMessage): Promise<string>;
  close(): void;
}

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(_id, message) {
      await transporter.sendMail({ from, ...message, headers: { 'Auto-Submitted': 'auto-generated' } });
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
      const info = await transporter.sendMail({ from, ...message, headers: { 'Auto-Submitted': 'auto-generated' } });
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      return file;
    },
    close: () => transporter.close(),
  };
}
