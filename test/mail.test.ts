import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { createLogger } from '../server/logging.ts';
import { retryDelaySeconds } from '../server/mail/outbox.ts';
import { buildTestApp, logCapture, memoryTransport, testConfig } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';
import { invitedLeaver } from './helpers/fixtures.ts';
import { smtpPeer, textPart } from './helpers/smtp-peer.ts';
import { invitationContext } from '../server/invitations/context.ts';
import { resendInvitation } from '../server/invitations/resend.ts';
import { listLeavers } from '../server/leavers/list-leavers.ts';

const makeDue = (db: Awaited<ReturnType<typeof buildTestApp>>['app']['db']) =>
  db.updateTable('mail_outbox').set({ next_attempt_at: sql<Date>`now()` }).where('sent_at', 'is', null).execute();

t.test('a queued mail is sealed, and wiped once sent', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const { token, input } = await invitedLeaver(app);
  const [queued] = await app.db.selectFrom('mail_outbox').selectAll().execute();
  t.notOk(queued!.sealed!.includes(Buffer.from(token)), 'the link is not readable in the queue');
  t.notOk(queued!.sealed!.includes(Buffer.from(input.email)), 'nor the address');
  await app.worker.runOnce();
  t.equal(mail.sent.length, 1);
  const [sent] = await app.db.selectFrom('mail_outbox').selectAll().execute();
  t.equal(sent!.sealed, null, 'the message is gone from the database');
  t.ok(sent!.sent_at);
});

t.test('a mail that cannot be sent is retried with backoff, never dropped', async (t) => {
  const { app, mail } = await buildTestApp(t);
  await invitedLeaver(app);
  mail.failNext(2);
  await app.worker.runOnce();
  let [row] = await app.db.selectFrom('mail_outbox').selectAll().execute();
  t.equal(row!.attempts, 1);
  t.match(row!.last_error, /421/);
  t.ok(row!.next_attempt_at.getTime() > Date.now() + 20_000, 'the next attempt waits');
  await app.worker.runOnce();
  t.equal(mail.sent.length, 0, 'not retried before its time');

  await makeDue(app.db);
  await app.worker.runOnce();
  [row] = await app.db.selectFrom('mail_outbox').selectAll().execute();
  t.equal(row!.attempts, 2);
  await makeDue(app.db);
  await app.worker.runOnce();
  [row] = await app.db.selectFrom('mail_outbox').selectAll().execute();
  t.equal(mail.sent.length, 1, 'delivered once the transport recovers');
  t.equal(row!.last_error, null);
  t.same([1, 2, 3, 20].map(retryDelaySeconds), [30, 60, 120, 21600], 'backoff doubles up to 6 hours');
});

t.test('without SMTP_URL mails are written as .eml files; the log says where, not what', async (t) => {
  const database = await testDatabase(t);
  const config = testConfig(t);
  const { lines, stream } = logCapture();
  const app = await buildApp(config, { db: database.db, logger: createLogger('trace', stream) });
  await app.ready();
  t.teardown(() => app.close());
  const { token } = await invitedLeaver(app, { name: 'Eml Person', email: 'eml@example.com' });
  await app.worker.runOnce();
  const dir = join(config.dataDir, 'outbox');
  const files = readdirSync(dir);
  t.equal(files.length, 1);
  t.match(files[0], /\.eml$/);
  const raw = readFileSync(join(dir, files[0]!), 'utf8');
  t.match(raw, /^To: eml@example\.com$/m);
  t.match(textPart(raw), `http://honne.test/s/${token}`);
  const log = lines.join('\n');
  t.match(log, files[0]!, 'the log names the file');
  t.notOk(log.includes(token), 'but never the link');
  t.notOk(log.includes('eml@example.com'), 'nor the address');
});

t.test('through a real SMTP server that refuses for a while, every mail arrives exactly once', async (t) => {
  const peer = await smtpPeer(t);
  // Not buildTestApp: that keeps mail in memory, and this test wants the real SMTP transport.
  const database = await testDatabase(t);
  const real = await buildApp(testConfig(t, { SMTP_URL: peer.url }), { db: database.db, logger: createLogger('silent') });
  await real.ready();
  t.teardown(() => real.close());

  const tokens = [];
  for (let i = 0; i < 5; i++) tokens.push((await invitedLeaver(real, { locale: i % 2 ? 'en' : 'ja' })).token);
  peer.refuseNext(3);
  await real.worker.runOnce();
  t.equal(peer.received.length, 2, 'three refused (451), two accepted');
  for (let round = 0; round < 3 && peer.received.length < 5; round++) {
    await makeDue(real.db);
    await real.worker.runOnce();
  }
  await peer.waitFor(5);
  t.equal(peer.received.length, 5);
  const links = peer.received.map((m) => /\/s\/([A-Za-z0-9_-]{43})/.exec(textPart(m.raw))![1]);
  t.same([...links].sort(), [...tokens].sort(), 'each link arrived exactly once');
  const pending = await real.db.selectFrom('mail_outbox').selectAll().where('sent_at', 'is', null).execute();
  t.equal(pending.length, 0);
});

t.test('a mailbox that does not exist (550): bounced, not retried, shown to HR; a resend tries again', async (t) => {
  const peer = await smtpPeer(t);
  const database = await testDatabase(t);
  const real = await buildApp(testConfig(t, { SMTP_URL: peer.url, MAIL_FROM: 'Honne <noreply@honne.test>' }), {
    db: database.db,
    logger: createLogger('silent'),
  });
  await real.ready();
  t.teardown(() => real.close());
  peer.unknownMailboxes.add('gone@example.com');
  const gone = await invitedLeaver(real, { email: 'gone@example.com' });
  await invitedLeaver(real, { employeeId: 'OK', email: 'ok@example.com' });
  await real.worker.runOnce();
  await peer.waitFor(1);
  t.match(peer.received[0]!.raw, /From: Honne <noreply@honne.test>/, 'sent from MAIL_FROM under the sender name');

  const invitation = await real.db.selectFrom('invitation').selectAll().where('id', '=', gone.invitationId).executeTakeFirstOrThrow();
  t.ok(invitation.bounced_at, 'the invitation is marked bounced');
  const outbox = await real.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('invitation_id', '=', gone.invitationId)
    .executeTakeFirstOrThrow();
  t.match(outbox, { sent_at: null, sealed: null, attempts: 1, last_error: /550/ });
  t.notMatch(outbox.last_error, /gone@example\.com/, 'the reply quoted the address; the stored reason does not');
  t.ok(outbox.gave_up_at);
  await makeDue(real.db);
  await real.worker.runOnce();
  t.equal(
    (await real.db.selectFrom('mail_outbox').select('attempts').where('id', '=', outbox.id).executeTakeFirstOrThrow()).attempts,
    1,
    'never retried',
  );
  const list = await listLeavers(real.db, { page: 1, status: 'bounced' });
  t.same(
    list.leavers.map((l) => l.id),
    [gone.id],
    'HR sees it as bounced',
  );

  peer.unknownMailboxes.clear();
  await resendInvitation(real.db, await invitationContext(real), gone.id, 'exit-interview');
  await real.worker.runOnce();
  await peer.waitFor(2);
  t.equal((await listLeavers(real.db, { page: 1, status: 'bounced' })).total, 0, 'after a resend it is no longer bounced');
});

t.test('several instances deliver each mail once (FOR UPDATE SKIP LOCKED)', async (t) => {
  const database = await testDatabase(t);
  const transports = [memoryTransport(), memoryTransport(), memoryTransport()];
  const apps = await Promise.all(
    transports.map(async (transport) => {
      const db = database.url ? await (await import('../server/db/connect.ts')).connect({ databaseUrl: database.url }) : undefined;
      if (db) t.teardown(() => db.close());
      const app = await buildApp(testConfig(t), { db: db?.db ?? database.db, logger: createLogger('silent'), mailTransport: transport });
      await app.ready();
      t.teardown(() => app.close());
      return app;
    }),
  );
  for (let i = 0; i < 30; i++) await invitedLeaver(apps[0]!);
  await Promise.all(apps.map((app) => app.worker.runOnce()));
  const all = transports.flatMap((transport) => transport.sent.map((m) => m.to));
  t.equal(all.length, 30);
  t.equal(new Set(all).size, 30, 'no address received two mails');
});
