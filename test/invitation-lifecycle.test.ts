import { sql } from 'kysely';
import t from 'tap';
import { loadSettings, saveSettings } from '../server/settings/settings.ts';
import { addDays } from '../server/shared/dates.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { csrf, staffCookie } from './helpers/staff.ts';

const today = () => new Date().toISOString().slice(0, 10);
const json = { 'content-type': 'application/json', accept: 'application/json' };

t.test('N days before the last day: the leaver is scheduled, and the worker invites them on the day', async (t) => {
  const { app, mail } = await buildTestApp(t);
  await saveSettings(app.db, { ...(await loadSettings(app.db)), inviteDaysBefore: 7 });
  const later = await invitedLeaver(app, { lastDay: addDays(today(), 30) }).catch((e) => e);
  t.equal(later.token, undefined, 'no link yet');
  const leaver = await app.db.selectFrom('leaver').select(['id', 'invite_on']).executeTakeFirstOrThrow();
  t.equal(leaver.invite_on, addDays(today(), 23));
  const soon = await invitedLeaver(app, { employeeId: 'SOON', lastDay: addDays(today(), 3) });
  t.ok(soon.token, 'inside the lead time already: invited at once');

  await app.worker.runOnce();
  t.equal(mail.sent.length, 1, 'only the one due is mailed');
  await app.db.updateTable('leaver').set({ invite_on: today() }).where('id', '=', leaver.id).execute();
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2, 'the scheduled one goes out on its day');
  t.same(await app.db.selectFrom('leaver').select('invite_on').where('id', '=', leaver.id).executeTakeFirstOrThrow(), { invite_on: null });
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2, 'and only once');

  const again = await invitedLeaver(app, { employeeId: later.input?.employeeId ?? 'EMP-0001', lastDay: addDays(today(), 30) }).catch(
    (e) => e,
  );
  t.equal(again.statusCode, 409, 'a scheduled or open leaver with the same employee id is a conflict');
});

t.test('reminders on days 3 and 7, at most two, none once answered', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const a = await invitedLeaver(app, { employeeId: 'A', email: 'a@example.com', locale: 'en' });
  const b = await invitedLeaver(app, { employeeId: 'B', email: 'b@example.com' });
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2);
  const age = (days: number) => sql`UPDATE invitation SET created_at = now() - make_interval(days => ${days})`.execute(app.db);

  await age(2);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2, 'nothing before day 3');
  await age(3);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 4, 'day 3: one reminder each');
  const reminderA = mail.sent.find((m) => m.to === 'a@example.com' && /reminder/.test(m.subject))!;
  t.ok(reminderA, "in the leaver's language");
  t.match(reminderA.text, `http://honne.test/s/${a.token}`, 'with the same link');
  await app.worker.runOnce();
  t.equal(mail.sent.length, 4, 'not twice for day 3');

  t.equal(
    (await app.inject({ method: 'POST', url: `/s/${b.token}/complete`, headers: json, payload: { answers: validAnswers() } })).statusCode,
    201,
  );
  await age(30);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 5, 'day 7 (and later): the second reminder, only to the one who has not answered');
  t.equal(mail.sent[4]!.to, 'a@example.com');
  await age(60);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 5, 'never a third');
});

t.test('a worker that was off sends one reminder, not every overdue one', async (t) => {
  const { app, mail } = await buildTestApp(t);
  await invitedLeaver(app);
  await app.worker.runOnce();
  await sql`UPDATE invitation SET created_at = now() - interval '10 days'`.execute(app.db);
  await app.worker.runOnce();
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2);
  t.same(await app.db.selectFrom('invitation').select('reminders_sent').executeTakeFirstOrThrow(), { reminders_sent: 2 });
});

t.test('expiry closes the link: sealed copy and draft wiped, unsent mail withdrawn', async (t) => {
  const { app } = await buildTestApp(t);
  const leaver = await invitedLeaver(app);
  const saved = await app.inject({
    method: 'PUT',
    url: `/s/${leaver.token}/draft`,
    headers: json,
    payload: { answers: { enps: 5 }, page: 1 },
  });
  t.equal(saved.statusCode, 204);
  await app.db
    .updateTable('invitation')
    .set({ expires_on: addDays(today(), -1) })
    .execute();
  await app.worker.runOnce();
  const invitation = await app.db.selectFrom('invitation').selectAll().executeTakeFirstOrThrow();
  t.ok(invitation.closed_at);
  t.equal(invitation.sealed_token, null);
  t.same(await app.db.selectFrom('draft').selectAll().execute(), []);
  t.same(await app.db.selectFrom('mail_outbox').selectAll().where('sent_at', 'is', null).execute(), []);
  t.equal((await app.inject({ url: `/s/${leaver.token}` })).statusCode, 410);
});

t.test('resend mails the same link; a new link retires the old one', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const leaver = await invitedLeaver(app, { email: 'c@example.com' });
  await app.worker.runOnce();
  const post = (path: string) =>
    app.inject({
      method: 'POST',
      url: `/staff/leavers/${leaver.id}/${path}`,
      headers: { cookie: hr, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrf(app).field}`,
    });

  const resent = await post('resend');
  t.equal(resent.statusCode, 303);
  t.equal(resent.headers.location, `/staff/leavers/${leaver.id}?done=resent`);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 2);
  t.match(mail.sent[1]!.text, leaver.token, 'the same link');

  await app.inject({ method: 'PUT', url: `/s/${leaver.token}/draft`, headers: json, payload: { answers: { enps: 5 }, page: 1 } });
  t.equal((await post('new-link')).statusCode, 303);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 3);
  const fresh = /\/s\/([A-Za-z0-9_-]{43})/.exec(mail.sent[2]!.text)![1]!;
  t.not(fresh, leaver.token);
  t.equal((await app.inject({ url: `/s/${leaver.token}` })).statusCode, 404, 'the old link stops working');
  t.equal((await app.inject({ url: `/s/${fresh}` })).statusCode, 200, 'the new one works');
  t.same(await app.db.selectFrom('draft').selectAll().execute(), [], 'the draft sealed under the old link is gone');

  const page = await app.inject({ url: `/staff/leavers/${leaver.id}?done=new_link&lang=en`, headers: { cookie: hr } });
  t.match(page.body, /A new link has been issued/);
  const audit = await app.db.selectFrom('audit_event').select('action').where('action', 'like', 'invitation_%').orderBy('id').execute();
  t.same(
    audit.map((a) => a.action),
    ['invitation_resent', 'invitation_new_link'],
  );

  await app.inject({ method: 'POST', url: `/s/${fresh}/complete`, headers: json, payload: { answers: validAnswers() } });
  t.equal((await post('resend')).statusCode, 409, 'nothing to resend once answered');
  t.equal((await post('new-link')).statusCode, 409);
});

t.test('retention: personal data erased after the period, responses and counts kept, the purge audited', async (t) => {
  const { app } = await buildTestApp(t);
  const old = await invitedLeaver(app, { employeeId: 'OLD', name: '古い 人' });
  const recent = await invitedLeaver(app, { employeeId: 'NEW' });
  await app.db.updateTable('audit_event').set({ target: 'OLD' }).execute();
  await app.db
    .updateTable('invitation')
    .set({ expires_on: addDays(today(), -181) })
    .where('id', '=', old.invitationId)
    .execute();
  await app.db
    .updateTable('invitation')
    .set({ expires_on: addDays(today(), -179) })
    .where('id', '=', recent.invitationId)
    .execute();
  await sql`INSERT INTO audit_event (actor_label, action, target, details) VALUES ('t', 'leaver_created', 'OLD', ${JSON.stringify({ leaverId: old.id })}::jsonb)`.execute(
    app.db,
  );
  await app.worker.runOnce();

  const rows = await app.db
    .selectFrom('leaver')
    .select(['id', 'employee_id', 'name', 'email', 'erased_at', 'department_id'])
    .orderBy('employee_id')
    .execute();
  const erased = rows.find((r) => r.id === old.id)!;
  t.match(erased, { employee_id: null, name: null, email: null, erased_at: Date });
  t.ok(erased.department_id, 'the department stays, for response rates');
  t.equal(rows.find((r) => r.id === recent.id)!.employee_id, 'NEW', '179 days: kept');
  const purge = await app.db.selectFrom('audit_event').selectAll().where('action', '=', 'retention_purge').execute();
  t.match(purge, [{ actor_label: 'system', details: { leavers: 1, retentionDays: 180 } }]);
  const mentions = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM audit_event WHERE details ->> 'leaverId' = ${old.id} AND target IS NOT NULL`.execute(app.db);
  t.equal(mentions.rows[0]!.n, 0, 'the audit log no longer names the erased leaver');
});

t.test('a link sealed under another SECRET: its reminder is skipped, not retried forever', async (t) => {
  const { app, mail } = await buildTestApp(t);
  await invitedLeaver(app);
  await app.worker.runOnce();
  await app.db
    .updateTable('invitation')
    .set({ sealed_token: Buffer.alloc(60, 7) })
    .execute();
  await sql`UPDATE invitation SET created_at = now() - interval '3 days'`.execute(app.db);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 1, 'no reminder without the link');
  t.same(
    await app.db.selectFrom('invitation').select('reminders_sent').executeTakeFirstOrThrow(),
    { reminders_sent: 1 },
    'counted as done',
  );
});
