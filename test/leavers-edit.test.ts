import t from 'tap';
import { releaseAnswers } from '../server/answers/release.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { csrf, staffCookie } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };
const fields = {
  employeeId: 'F-100',
  name: '山本 花',
  email: 'hana.yamamoto@example.com',
  department: '人事部',
  hireDate: '2021-04-01',
  lastDay: '2099-09-30',
  exitType: 'voluntary',
  locale: 'ja',
  regrettable: 'yes',
  rehireEligibility: 'conditional',
  rehireNote: '管理職ポストがあれば',
};

t.test('HR adds a leaver with a form; mistakes come back beside their fields', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const post = (url: string, body: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: hr, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf(app).field, ...body }).toString(),
    });

  const bad = await post('/staff/leavers?lang=en', { ...fields, email: 'nope', hireDate: '2021/04/01' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /Give a valid email address\./);
  t.match(bad.body, /Give a date as YYYY-MM-DD\./);
  t.match(bad.body, /value="山本 花"/, 'what was typed is kept');
  const order = await post('/staff/leavers?lang=en', { ...fields, lastDay: '2020-01-01' });
  t.match(order.body, /The last day must not be before the hire date\./);
  t.equal((await app.db.selectFrom('leaver').selectAll().execute()).length, 0, 'nothing written');

  const created = await post('/staff/leavers', fields);
  t.equal(created.statusCode, 303);
  const id = /\/staff\/leavers\/([0-9a-f-]{36})\?saved=1/.exec(created.headers.location as string)![1]!;
  const row = await app.db.selectFrom('leaver').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(row, { employee_id: 'F-100', regrettable: true, rehire_eligibility: 'conditional', rehire_note: '管理職ポストがあれば' });
  await app.worker.runOnce();
  t.equal(mail.sent.length, 1, 'the invitation went out');
  const page = await app.inject({ url: `/staff/leavers/${id}?saved=1&lang=en`, headers: { cookie: hr } });
  t.match(page.body, /Saved\./);
  t.match(page.body, /<option value="conditional" selected>/);

  const duplicate = await post('/staff/leavers?lang=en', { ...fields, name: 'Someone Else' });
  t.equal(duplicate.statusCode, 409);
  t.match(duplicate.body, /already registered/);
  const audit = await app.db.selectFrom('audit_event').select('action').execute();
  t.same(
    audit.map((a) => a.action),
    ['leaver_created'],
  );
});

t.test('editing moves the expiry of an open invitation; deleting keeps anonymous answers', async (t) => {
  const { app, mail } = await buildTestApp(t, { ANONYMITY_K: '3' });
  const hr = await staffCookie(app, 'hr');
  const post = (url: string, body: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: hr, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf(app).field, ...body }).toString(),
    });

  const leaver = await invitedLeaver(app);
  const edited = await post(`/staff/leavers/${leaver.id}`, {
    ...fields,
    employeeId: leaver.input.employeeId,
    lastDay: '2099-12-31',
    regrettable: '',
    rehireEligibility: 'not_eligible',
    rehireNote: '',
  });
  t.equal(edited.statusCode, 303);
  const invitation = await app.db.selectFrom('invitation').selectAll().where('leaver_id', '=', leaver.id).executeTakeFirstOrThrow();
  t.equal(invitation.expires_on, '2100-01-30', '30 days after the new last day');
  const row = await app.db.selectFrom('leaver').selectAll().where('id', '=', leaver.id).executeTakeFirstOrThrow();
  t.match(row, { regrettable: null, rehire_eligibility: 'not_eligible', rehire_note: null, last_day: '2099-12-31' });

  // One leaver answered; another was never mailed. Deleting either keeps every answer.
  const answered = await invitedLeaver(app);
  await app.inject({ method: 'POST', url: `/s/${answered.token}/complete`, headers: json, payload: { answers: validAnswers() } });
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 1 });
  t.equal((await post(`/staff/leavers/${answered.id}/delete`, {})).statusCode, 303);
  t.equal((await post(`/staff/leavers/${leaver.id}/delete`, {})).statusCode, 303);
  t.equal((await app.db.selectFrom('leaver').selectAll().execute()).length, 0);
  t.equal((await app.db.selectFrom('invitation').selectAll().execute()).length, 0);
  t.equal((await app.db.selectFrom('response').selectAll().execute()).length, 1, 'the anonymous answers stay');
  await app.worker.runOnce();
  t.equal(mail.sent.length, 0, 'mail not yet sent to a deleted leaver never goes out');
  t.same(
    (await app.db.selectFrom('audit_event').select('action').orderBy('id').execute()).map((a) => a.action),
    ['leaver_updated', 'leaver_deleted', 'leaver_deleted'],
  );
});
