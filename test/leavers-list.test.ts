import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { expireInvitation, invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { staffCookie } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

t.test("HR sees each leaver's invitation status, never the answers", async (t) => {
  const { app, mail } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const scheduled = await invitedLeaver(app, { name: '予定 一郎', department: '総務部' });
  // Everything queued so far is sent; the failing one is created after.
  await app.worker.runOnce();
  const sent = await invitedLeaver(app, { name: 'Sent Person', department: '開発部' });
  const opened = await invitedLeaver(app, { name: 'Opened Person', department: '開発部' });
  const completed = await invitedLeaver(app, { name: 'Done Person', department: '開発部', lastDay: '2098-06-30' });
  const old = await invitedLeaver(app, { name: 'Old Person', department: '営業部', hireDate: '2010-04-01', lastDay: '2020-03-31' });
  await expireInvitation(app, old.invitationId);
  await app.worker.runOnce();
  const failing = await invitedLeaver(app, { name: 'Bad Address', department: '営業部' });
  mail.failNext(1);
  await app.worker.runOnce();
  await app.inject({ url: `/s/${opened.token}` });
  await app.inject({ url: `/s/${completed.token}` });
  await app.inject({
    method: 'POST',
    url: `/s/${completed.token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'SECRET-ANSWER-TEXT' }) },
  });
  t.ok(scheduled && sent && failing);

  const list = async (query = '') => {
    const res = await app.inject({ url: `/staff/leavers?lang=en${query}`, headers: { cookie: hr } });
    t.equal(res.statusCode, 200);
    return res.body;
  };
  const statusOf = (body: string, name: string) =>
    new RegExp(`<tr data-status="(\\w+)">\\s*<td>[^<]*</td>\\s*<td><a href="/staff/leavers/[0-9a-f-]{36}">${name}</a>`).exec(body)?.[1];
  const all = await list();
  t.equal(statusOf(all, '予定 一郎'), 'sent', 'sent once the worker ran');
  t.equal(statusOf(all, 'Sent Person'), 'sent');
  t.equal(statusOf(all, 'Opened Person'), 'opened');
  t.equal(statusOf(all, 'Done Person'), 'completed');
  t.equal(statusOf(all, 'Old Person'), 'expired');
  t.equal(statusOf(all, 'Bad Address'), 'failing');
  t.notMatch(all, /SECRET-ANSWER-TEXT|career_growth/, 'no answer anywhere on the page');
  t.match(all, /6 leavers/);

  const rows = (body: string) => (body.match(/<tr data-status=/g) ?? []).length;
  t.equal(rows(await list('&status=completed')), 1);
  t.equal(rows(await list('&status=sent')), 2);
  t.equal(rows(await list('&q=opened')), 1, 'search is case-insensitive');
  t.equal(rows(await list(`&q=${encodeURIComponent(completed.input.employeeId)}`)), 1, 'by employee id');
  t.equal(rows(await list('&q=%25')), 0, 'a % is searched for, not a wildcard');
  const dev = (await app.db.selectFrom('department').select('id').where('name', '=', '開発部').executeTakeFirstOrThrow()).id;
  t.equal(rows(await list(`&department=${dev}`)), 3);
  t.equal(rows(await list('&from=2098-01-01&to=2098-12-31')), 1, 'by last day');
  t.equal((await app.inject({ url: '/staff/leavers?status=bogus', headers: { cookie: hr } })).statusCode, 400);
});

t.test('fifty leavers a page', async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  for (let i = 0; i < 55; i++) await invitedLeaver(app);
  const first = await app.inject({ url: '/staff/leavers?lang=en', headers: { cookie: hr } });
  t.equal((first.body.match(/<tr data-status=/g) ?? []).length, 50);
  t.match(first.body, /1 \/ 2/);
  const next = /href="(\?[^"]*page=2[^"]*)"/.exec(first.body)![1]!.replaceAll('&amp;', '&');
  const second = await app.inject({ url: `/staff/leavers${next}`, headers: { cookie: hr } });
  t.equal((second.body.match(/<tr data-status=/g) ?? []).length, 5);
});
