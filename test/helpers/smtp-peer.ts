import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Test } from 'tap';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1. `refuseNext(n)` makes it answer the next n
 * messages with a temporary failure (451), like a mail server that is down for a while;
 * an address in `unknownMailboxes` is refused for good (550).
 */
export async function smtpPeer(t: Test) {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  /** Mailboxes that do not exist: RCPT TO is refused for good (550). */
  const unknownMailboxes = new Set<string>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (unknownMailboxes.has(address.address))
        return callback(Object.assign(new Error(`<${address.address}>: No such user`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          return callback(error);
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    unknownMailboxes,
    refuseNext(n: number) {
      refusals = n;
    },
    /** Resolves once `count` mails have arrived. */
    async waitFor(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** The decoded text part of a raw message (quoted-printable or base64). */
export function textPart(raw: string): string {
  const match = /Content-Type: text\/plain; charset=utf-8\r?\nContent-Transfer-Encoding: (\S+)\r?\n\r?\n([\s\S]*?)\r?\n----/i.exec(raw);
  if (!match) return raw;
  const [, encoding, body] = match;
  if (encoding === 'base64') return Buffer.from(body!.replace(/\s+/g, ''), 'base64').toString('utf8');
  return Buffer.from(
    body!.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}
