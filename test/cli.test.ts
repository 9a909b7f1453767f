import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { connect } from '../server/db/connect.ts';
import { lockEmbeddedDatabase } from '../server/db/embedded-lock.ts';
import { runCli } from '../scripts/cli/commands.ts';
import { TEST_SECRET } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';

const ROOT = new URL('..', import.meta.url).pathname;
// Every command loads the app and opens the database: about twenty of them.
t.setTimeout(300_000);

/** The CLI as a process would run it, in this one (a process of its own takes seconds to start). */
async function honne(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    env: { LANG: 'C', ...env },
    out: (text: string) => out.push(`${text}\n`),
    err: (text: string) => err.push(`${text}\n`),
    progress: () => {},
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The real entry point, in a process of its own. */
function spawned(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/honne.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const leaverArgs = (employeeId: string) => [
  'leaver',
  'add',
  '--employee-id',
  employeeId,
  '--name',
  '山田 太郎',
  '--email',
  'taro@example.com',
  '--department',
  '営業部',
  '--hire-date',
  '2020-04-01',
  '--last-day',
  '2099-11-30',
  '--exit-type',
  'voluntary',
  '--locale',
  'ja',
];

t.test('commands against the database under test', async (t) => {
  const database = await testDatabase(t);
  const dataDir = t.testdir();
  // On PostgreSQL the CLI opens the test database; embedded, its own data folder.
  const env = database.url ? { DATABASE_URL: database.url, SECRET: TEST_SECRET, DATA_DIR: dataDir } : { DATA_DIR: dataDir };
  const inspect = async () => (database.url ? database : await connect({ embeddedDir: join(dataDir, 'pg') }));

  const token = await honne(['token', 'create', '--name', 'hris'], env);
  t.equal(token.code, 0, token.stderr);
  t.match(token.stdout, /^honne_[A-Za-z0-9_-]{43}\n/);

  const added = await honne(leaverArgs('CLI-1'), env);
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout.trim(), /^[0-9a-f-]{36}$/);

  const duplicate = await honne(leaverArgs('CLI-1'), env);
  t.equal(duplicate.code, 3);
  t.match(duplicate.stderr, /CLI-1/);

  const invalid = await honne(
    [
      'leaver',
      'add',
      '--employee-id',
      'X',
      '--name',
      'N',
      '--email',
      'nope',
      '--department',
      'D',
      '--hire-date',
      '2020-13-01',
      '--last-day',
      '2021-01-01',
      '--exit-type',
      'quit',
      '--locale',
      'ja',
    ],
    { ...env, LANG: 'ja_JP.UTF-8' },
  );
  t.equal(invalid.code, 2);
  t.match(invalid.stderr, /入力内容を確認してください/);
  t.match(invalid.stderr, /email: 有効なメールアドレスを入力してください。/);
  t.match(invalid.stderr, /hireDate: /);
  t.match(invalid.stderr, /exitType: /);

  const manager = await honne(['user', 'add', '--email', 'Boss@Example.com', '--role', 'manager', '--departments', '営業部'], env);
  t.equal(manager.code, 0, manager.stderr);
  t.match(manager.stdout, /Set the password \(link valid 7 days, once\): http:\/\/localhost:3000\/staff\/password\/[A-Za-z0-9_-]{43}/);
  const typo = await honne(['user', 'add', '--email', 'x@example.com', '--role', 'manager', '--departments', '営業ぶ'], env);
  t.equal(typo.code, 2);
  t.match(typo.stderr, /No department is called "営業ぶ"/);
  const badRole = await honne(['user', 'add', '--email', 'x@example.com', '--role', 'boss'], env);
  t.match(badRole.stderr, /--role admin\|hr\|manager/);

  const release = await honne(['answers', 'release'], env);
  t.equal(release.code, 0);
  t.match(release.stdout, /Released 0 answer/);

  const out = join(dataDir, 'reports');
  const reports = await honne(['reports', 'quarterly', '--quarter', '2026-Q3', '--out', out, '--email'], env);
  t.equal(reports.code, 0, reports.stderr);
  t.match(
    reports.stdout,
    /^Wrote 1 report\(s\) to .+ in [\d.]+ s, peak memory \d+ MiB; queued 1 mail\(s\) to managers\.$/m,
    'one department, its manager mailed',
  );
  t.same(readdirSync(out), ['2026-Q3-営業部.pdf']);

  const handle = await inspect();
  const tokens = await handle.db.selectFrom('api_token').select('token_hash').execute();
  t.equal(tokens.length, 1);
  t.notOk(tokens[0]!.token_hash.toString('utf8').includes('honne_'), 'only the hash is stored');
  const leavers = await handle.db.selectFrom('leaver').selectAll().execute();
  t.equal(leavers.length, 1, 'the invalid and duplicate ones wrote nothing');
  const staff = await handle.db
    .selectFrom('staff_user')
    .innerJoin('staff_department', 'staff_department.user_id', 'staff_user.id')
    .select(['email', 'role', 'password_hash'])
    .execute();
  t.same(
    staff,
    [{ email: 'boss@example.com', role: 'manager', password_hash: null }],
    'the manager, with the department, and the typo wrote nothing',
  );
  const sent = await handle.db.selectFrom('mail_outbox').select(['kind', 'sent_at']).where('kind', '=', 'invitation').execute();
  t.ok(sent[0]?.sent_at, 'the invitation went out at once');
  const queued = await handle.db.selectFrom('mail_outbox').select('kind').where('sent_at', 'is', null).execute();
  t.same(queued, [{ kind: 'quarterly_report' }], "the manager's reports wait in the outbox for the worker (or `mail deliver`)");
  if (!database.url) {
    await handle.close();
    t.equal(readdirSync(join(dataDir, 'outbox')).length, 1, 'as an .eml file in DATA_DIR/outbox');
  }
});

t.test('refuses, clearly, while another process holds the embedded database', async (t) => {
  const dataDir = t.testdir();
  const release = lockEmbeddedDatabase(join(dataDir, 'pg'));
  const refused = await spawned(leaverArgs('LOCK-1'), { DATA_DIR: dataDir });
  release();
  t.equal(refused.code, 2);
  t.match(refused.stderr, new RegExp(`in use by another Honne process \\(pid ${process.pid}\\)`));
  t.match(refused.stderr, /DATABASE_URL/);
  t.same(readdirSync(join(dataDir, 'pg')), [], 'nothing was written to the database folder');
});

t.test('usage', async (t) => {
  const unknown = await spawned(['frobnicate'], { DATA_DIR: t.testdir() });
  t.equal(unknown.code, 2);
  t.match(unknown.stdout, /Usage: npm run honne/);
  const badOption = await honne(['token', 'create', '--colour'], { DATA_DIR: t.testdir() });
  t.equal(badOption.code, 2);
  t.match(badOption.stderr, /Unknown option '--colour'/);
  const missing = await honne(['token', 'create'], { DATA_DIR: t.testdir(), SECRET: TEST_SECRET });
  t.match(missing.stderr, /needs --name/);
});
