/**
 * bench:import: a 10,000-row Shift_JIS CSV through POST /api/v1/leavers/import (dry
 * run, import, the same file again), then the outbox delivering the 10,000
 * invitations it queued: once through a transport that only accepts (the outbox
 * itself: claim, open, mark sent) and once, for a sample, over SMTP to a local
 * smtp-server. Runs on embedded PGlite, or on PostgreSQL when DATABASE_URL is set
 * (it creates and drops its own database). First, without a database: reading (decode,
 * parse, validate) a file of MAX_IMPORT_ROWS rows, and a crafted file of quotes inside
 * unquoted fields, which a quadratic parser took minutes over (BENCH_CRAFTED_KB).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { scratchDatabase } from './bench/scratch-database.ts';
import { SMTPServer } from 'smtp-server';
import { buildApp } from '../server/app.ts';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { loadConfig } from '../server/config/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { createLogger } from '../server/logging.ts';
import { deliverDueMail } from '../server/mail/deliver.ts';
import { smtpTransport } from '../server/mail/transport.ts';
import { MAX_IMPORT_ROWS, readImportFile } from '../server/leavers/import/read-file.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const SMTP_SAMPLE = Number(process.env.BENCH_SMTP_MAILS ?? 1_000);
const DEPARTMENTS = ['営業部', '開発部', '人事部', '経理部', 'カスタマーサポート部', '品質保証部'];
const EXITS = ['自己都合', '会社都合', '定年', '契約期間満了'];
const CRAFTED_KB = Number(process.env.BENCH_CRAFTED_KB ?? 330);

function csv(rows: number): Buffer {
  const lines = ['社員番号,氏名,メール,部署,入社日,退職日,退職区分,言語'];
  for (let i = 1; i <= rows; i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    lines.push(
      `E${String(i).padStart(6, '0')},"山田 太郎${i}",taro${i}@example.com,${DEPARTMENTS[i % DEPARTMENTS.length]},2015/04/01,2099/${month}/15,${EXITS[i % EXITS.length]},${i % 5 ? 'ja' : 'en'}`,
    );
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'Shift_JIS');
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

function timedSync<T>(label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

const largest = csv(MAX_IMPORT_ROWS);
const read = timedSync(`read ${MAX_IMPORT_ROWS} rows, ${(largest.length / 1024).toFixed(0)} KiB (decode, parse, validate)`, () =>
  readImportFile(largest, 'ja'),
);
console.log(`  ${read.rows.length} rows, ${read.problems.length} problems`);
// 'C1,' then 'a"' repeated: every quote lands inside one unquoted field.
const crafted = Buffer.from(`C1,${'a"'.repeat((CRAFTED_KB * 1024) / 2)}`);
const craftedRead = timedSync(`read a crafted ${CRAFTED_KB} KiB file of quotes inside an unquoted field`, () =>
  readImportFile(crafted, 'ja'),
);
console.log(`  refused: ${craftedRead.problems.map((p) => p.messageKey).join(', ')}`);

// Embedded unless DATABASE_URL names a server.
const scratch = process.env.DATABASE_URL ? await scratchDatabase('bench:import') : undefined;
const url = scratch?.url;
const dataDir = mkdtempSync(join(tmpdir(), 'honne-bench-'));
const handle = await connect({ databaseUrl: url, embeddedDir: url ? undefined : join(dataDir, 'pg') });
try {
  await migrateToLatest(handle.db);
  const config = loadConfig({
    SECRET: randomBytes(32).toString('base64url'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://honne.example.com',
  });
  const accept = {
    async send() {
      return 'accepted';
    },
    close() {},
  };
  const app = await buildApp(config, { db: handle.db, logger: createLogger('silent'), mailTransport: accept });
  await app.ready();
  const { token } = await createApiToken(handle.db, 'bench');
  const file = csv(ROWS);
  console.log(`${handle.kind}: ${ROWS} rows, ${(file.length / 1024).toFixed(0)} KiB of Shift_JIS`);
  const post = (dryRun: boolean) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/leavers/import${dryRun ? '?dryRun=true' : ''}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: file,
    });
  const report = (res: Awaited<ReturnType<typeof post>>) =>
    res.statusCode === 200 ? JSON.stringify(res.json()) : `HTTP ${res.statusCode} ${res.body.slice(0, 300)}`;
  console.log(`  ${report(await timed('dry run (decode, parse, validate, plan)', () => post(true)))}`);
  console.log(`  ${report(await timed('import (all rows, one transaction, invitations queued)', () => post(false)))}`);
  console.log(`  ${report(await timed('the same file again (nothing to change)', () => post(false)))}`);

  const sent = await timed(`outbox: ${ROWS} mails through an accepting transport`, () =>
    deliverDueMail(handle.db, app.keys.outbox, accept, app.log),
  );
  console.log(`  ${sent} mails`);

  await handle.db.updateTable('mail_outbox').set({ sent_at: null, sealed: null }).execute();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData: (stream, _s, done) => stream.on('data', () => {}).on('end', () => done()),
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  // Re-queue a sample as fresh invitations: issue new links through the same code path.
  await handle.db.deleteFrom('mail_outbox').execute();
  const sample = await handle.db.selectFrom('leaver').select('id').limit(SMTP_SAMPLE).execute();
  const { issueNewLink } = await import('../server/invitations/resend.ts');
  const { invitationContext } = await import('../server/invitations/context.ts');
  const ctx = await invitationContext(app);
  for (const { id } of sample) await issueNewLink(handle.db, ctx, id, 'exit-interview');
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 'Honne <noreply@example.com>');
  const viaSmtp = await timed(`outbox: ${sample.length} mails over SMTP to a local smtp-server`, () =>
    deliverDueMail(handle.db, app.keys.outbox, transport, app.log),
  );
  console.log(`  ${viaSmtp} mails`);
  transport.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  await app.close();
} finally {
  await handle.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
