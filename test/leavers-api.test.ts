import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { buildTestApp } from './helpers/app.ts';
import { leaverInput } from './helpers/fixtures.ts';

async function setup(t: Test) {
  const ctx = await buildTestApp(t);
  const { token } = await createApiToken(ctx.app.db, 'hris');
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/v1/leavers',
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: payload as object,
    });
  return { ...ctx, token, post };
}

t.test('a leaver is registered and invited', async (t) => {
  const { app, post, mail } = await setup(t);
  const input = leaverInput({
    locale: 'en',
    name: 'Ann Example',
    email: 'ann@example.com',
    department: 'Engineering',
    lastDay: '2099-06-30',
  });
  const res = await post(input);
  t.equal(res.statusCode, 201);
  const { id } = res.json();
  t.match(id, /^[0-9a-f-]{36}$/);

  const leaver = await app.db.selectFrom('leaver').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(leaver, {
    employee_id: input.employeeId,
    name: 'Ann Example',
    email: 'ann@example.com',
    hire_date: input.hireDate,
    last_day: '2099-06-30',
    exit_type: 'voluntary',
    locale: 'en',
  });
  const invitation = await app.db.selectFrom('invitation').selectAll().where('leaver_id', '=', id).executeTakeFirstOrThrow();
  t.equal(invitation.expires_on, '2099-07-30', '30 days after the last day');
  t.equal(invitation.token_hash.length, 32, 'only a SHA-256 hash is stored');

  await app.worker.runOnce();
  t.equal(mail.sent.length, 1);
  const [sent] = mail.sent;
  t.equal(sent!.to, 'ann@example.com');
  t.match(sent!.subject, /exit interview/);
  const link = /http:\/\/honne\.test\/s\/([A-Za-z0-9_-]{43})/.exec(sent!.text);
  t.ok(link, 'the text part carries PUBLIC_URL/s/<token>');
  t.match(sent!.html, link![0], 'and so does the HTML part');
  const { createHash } = await import('node:crypto');
  t.same(createHash('sha256').update(link![1]!).digest(), invitation.token_hash, 'the mailed token is the one whose hash is stored');
  t.equal((await app.inject({ url: `/s/${link![1]}` })).statusCode, 200);
});

t.test('Japanese leavers get a Japanese mail', async (t) => {
  const { app, post, mail } = await setup(t);
  await post(leaverInput({ locale: 'ja', name: '佐藤 花子' }));
  await app.worker.runOnce();
  t.match(mail.sent[0]!.subject, /退職者アンケート/);
  t.match(mail.sent[0]!.text, /佐藤 花子 様/);
  t.match(mail.sent[0]!.html, /アンケートに回答する/);
});

t.test('authentication is required', async (t) => {
  const { app, post } = await setup(t);
  const none = await app.inject({ method: 'POST', url: '/api/v1/leavers', payload: leaverInput() });
  t.equal(none.statusCode, 401);
  t.equal(none.headers['www-authenticate'], 'Bearer');
  t.equal(none.json().error.code, 'unauthorized');
  t.equal((await post(leaverInput(), { authorization: 'Bearer honne_forged' })).statusCode, 401);
  await app.db.updateTable('api_token').set({ revoked_at: new Date() }).execute();
  t.equal((await post(leaverInput())).statusCode, 401, 'a revoked token no longer works');
});

t.test('the token records the day it was last used', async (t) => {
  const { app, post } = await setup(t);
  await post(leaverInput());
  const row = await app.db.selectFrom('api_token').select('last_used_on').executeTakeFirstOrThrow();
  t.equal(row.last_used_on, new Date().toISOString().slice(0, 10));
});

t.test("invalid input gets a message per field, in the caller's language", async (t) => {
  const { app, post } = await setup(t);
  const res = await post(
    { ...leaverInput(), email: 'not-an-email', hireDate: '2026/13/01', exitType: 'fired', extra: 1, name: undefined },
    { 'accept-language': 'en' },
  );
  t.equal(res.statusCode, 400);
  const by = Object.fromEntries((res.json().errors as Array<{ field: string; message: string }>).map((e) => [e.field, e.message]));
  t.equal(by.email, 'Give a valid email address.');
  t.equal(by.hireDate, 'Give a date as YYYY-MM-DD.');
  t.match(by.exitType, /voluntary, involuntary, retirement, contract_end/);
  t.equal(by.extra, 'Unknown field.');
  t.equal(by.name, 'This is required.');

  const ja = await post({ ...leaverInput(), email: 'x' }, { 'accept-language': 'ja,en;q=0.5' });
  t.equal(ja.json().errors[0].message, '有効なメールアドレスを入力してください。');

  const order = await post(leaverInput({ hireDate: '2026-05-01', lastDay: '2026-04-30' }), { 'accept-language': 'en' });
  t.equal(order.statusCode, 400);
  t.same(order.json().errors, [{ field: 'lastDay', message: 'The last day must not be before the hire date.' }]);
  t.equal((await app.db.selectFrom('leaver').selectAll().execute()).length, 0, 'nothing was written');
});

t.test('a duplicate employee id of an open leaver is a conflict', async (t) => {
  const { app, post } = await setup(t);
  const input = leaverInput();
  t.equal((await post(input)).statusCode, 201);
  const again = await post({ ...input, name: 'Someone else' });
  t.equal(again.statusCode, 409);
  t.match(again.json().error.message, input.employeeId);
  const parallel = await Promise.all([post(leaverInput({ employeeId: 'P-1' })), post(leaverInput({ employeeId: 'P-1' }))]);
  t.same(parallel.map((r) => r.statusCode).sort(), [201, 409], 'also when both arrive at once');
  t.equal((await app.db.selectFrom('mail_outbox').selectAll().execute()).length, 2, 'the refused ones queued no mail');

  const closed = await app.db.selectFrom('leaver').select('id').where('employee_id', '=', input.employeeId).executeTakeFirstOrThrow();
  await app.db.updateTable('invitation').set({ completed_on: '2026-01-01' }).where('leaver_id', '=', closed.id).execute();
  t.equal((await post(input)).statusCode, 201, 'once the earlier survey is closed, the same person can leave again');
});

t.test('departments are found by name or id, and created when new', async (t) => {
  const { app, post } = await setup(t);
  await post(leaverInput({ department: '開発部' }));
  await post(leaverInput({ department: '開発部' }));
  const departments = await app.db.selectFrom('department').selectAll().execute();
  t.equal(departments.length, 1);
  t.equal((await post(leaverInput({ department: departments[0]!.id }))).statusCode, 201);
  t.equal((await app.db.selectFrom('department').selectAll().execute()).length, 1);
});
