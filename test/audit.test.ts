import t from 'tap';
import { sql } from 'kysely';
import { recordAudit } from '../server/audit/record.ts';
import { firstRunSetupUrl } from '../server/staff/first-run.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf, postForm, sessionCookieFrom } from './helpers/staff.ts';

const PASSWORD = 'audit trail password';

t.test('sensitive staff actions are recorded: who, what, when; never secrets', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const setup = new URL((await firstRunSetupUrl(app))!).pathname;
  const created = await postForm(app, setup, { email: 'chief@example.com', password: PASSWORD });
  const session = `${csrf(app).cookie}; ${/honne_session=[^;]+/.exec(sessionCookieFrom(created.headers['set-cookie'])!)![0]}`;

  await postForm(app, '/staff/sign-in', { email: 'chief@example.com', password: 'not the password' });
  await postForm(app, '/staff/sign-in', { email: 'chief@example.com', password: PASSWORD });
  const tokenPage = await postForm(app, '/staff/tokens', { name: 'HRIS' }, session);
  const apiToken = /(honne_[A-Za-z0-9_-]{43})/.exec(tokenPage.body)![1]!;
  const id = /action="\/staff\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(tokenPage.body)![1]!;
  await postForm(app, `/staff/tokens/${id}/revoke`, {}, session);
  await postForm(app, '/staff/forgot', { email: 'chief@example.com' });
  await app.worker.runOnce();
  await postForm(app, '/staff/sign-out-everywhere', {}, session);

  const events = await app.db.selectFrom('audit_event').selectAll().orderBy('id').execute();
  t.same(
    events.map((e) => e.action),
    [
      'setup_admin',
      'sign_in_failed',
      'sign_in',
      'api_token_created',
      'api_token_revoked',
      'password_reset_requested',
      'sign_out_everywhere',
    ],
  );
  t.match(events[1], { actor_id: null, actor_label: 'chief@example.com', details: { reason: 'sign_in_failed' } });
  t.match(events[3], { actor_label: 'chief@example.com', target: 'HRIS' });
  t.ok(
    events.every((e) => e.at instanceof Date && e.ip),
    'each with its time and address',
  );
  const everything = JSON.stringify(events);
  const resetLink = /\/staff\/password\/([A-Za-z0-9_-]{43})/.exec(mail.sent[0]!.text)![1]!;
  for (const secret of [PASSWORD, 'not the password', apiToken, resetLink])
    t.notOk(everything.includes(secret), 'no secret in the audit log');
});

t.test('administrators filter and page through the log', async (t) => {
  const { app } = await buildTestApp(t);
  const setup = new URL((await firstRunSetupUrl(app))!).pathname;
  const created = await postForm(app, setup, { email: 'root@example.com', password: PASSWORD });
  const admin = `${csrf(app).cookie}; ${/honne_session=[^;]+/.exec(sessionCookieFrom(created.headers['set-cookie'])!)![0]}`;
  for (let i = 0; i < 60; i++)
    await recordAudit(app.db, { action: 'sign_in_failed', actorLabel: `guess${i}@example.com`, ip: '203.0.113.9' });
  await app.db
    .updateTable('audit_event')
    .set({ at: sql<Date>`'2026-01-15T10:00:00Z'` })
    .where('actor_label', '=', 'guess0@example.com')
    .execute();

  const page = async (query: string) => (await app.inject({ url: `/staff/audit?lang=en${query}`, headers: { cookie: admin } })).body;
  const rows = (body: string) => (body.match(/<tr data-action="/g) ?? []).length;
  const first = await page('');
  t.equal(rows(first), 50, 'fifty to a page');
  t.match(first, /Sign-in failed/);
  const older = /href="(\?[^"]*before=\d+[^"]*)"/.exec(first)![1]!.replaceAll('&amp;', '&');
  t.equal(rows(await page(`&${older.slice(1)}`)), 11, 'the rest on the next page');
  t.equal(rows(await page('&action=setup_admin')), 1);
  t.equal(rows(await page('&actor=guess1')), 11, 'guess1, guess10…guess19');
  t.equal(rows(await page('&from=2026-01-15&to=2026-01-15')), 1, 'by day');
  t.equal((await app.inject({ url: '/staff/audit?action=bogus', headers: { cookie: admin } })).statusCode, 400);
});

t.test('every audit action and leaver status has a label in both languages', async (t) => {
  const { AUDIT_ACTIONS } = await import('../server/audit/record.ts');
  const { INVITATION_STATUSES } = await import('../server/leavers/list-leavers.ts');
  const { translate } = await import('../server/i18n/messages.ts');
  const keys = [...AUDIT_ACTIONS.map((a) => `audit.action.${a}`), ...INVITATION_STATUSES.map((s) => `leavers.status.${s}`)];
  for (const key of keys) {
    for (const locale of ['ja', 'en'] as const) {
      t.doesNotThrow(() => translate(locale, key as never), `${locale} ${key}`);
    }
  }
});
