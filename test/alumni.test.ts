import t from 'tap';
import { signId } from '../server/alumni/signed-id.ts';
import { jsonb } from '../server/db/jsonb.ts';
import { alumniCookie, joinedMember, linkIn } from './helpers/alumni.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver } from './helpers/fixtures.ts';
import { csrf, postForm, staffUser } from './helpers/staff.ts';

const form = (fields: Record<string, string>, consents: string[] = []) => {
  const body = new URLSearchParams(fields);
  for (const consent of consents) body.append('consents', consent);
  return body.toString();
};

t.test(
  'joining: the survey mail offers the link; bad input comes back per field; consents are stored one by one with the notice version',
  async (t) => {
    const { app, mail } = await buildTestApp(t);
    await staffUser(app, 'hr', 'hr@acme.co.jp');
    const leaver = await invitedLeaver(app, { email: 'taro@acme.co.jp' });
    await app.worker.runOnce();
    const join = linkIn(mail.sent, '/alumni/join/');
    t.equal(join, `/alumni/join/${signId(app.keys.alumniLinks, 'join', leaver.id)}`, "the invitation carries the leaver's own join link");

    const page = await app.inject({ url: join, headers: { cookie: csrf(app).cookie } });
    t.equal(page.statusCode, 200);
    t.match(page.body, /アンケートの回答とは結び付けられず/, "the page says the record is separate (in the leaver's language)");
    t.match(page.body, /name="name" value="退職 太郎/, 'the name is filled in');

    const post = (fields: Record<string, string>, consents: string[] = []) =>
      app.inject({
        method: 'POST',
        url: `${join}?lang=en`,
        headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf(app).field, name: 'Taro', email: 'taro@home.test', locale: 'en', ...fields }, consents),
      });
    const bad = await post({ name: ' ', email: 'taro@ACME.co.jp', profileUrl: 'javascript:alert(1)' });
    t.equal(bad.statusCode, 400);
    t.match(bad.body, /Enter your name/);
    t.match(bad.body, /A company address cannot be used/, 'the work domain is refused');
    t.match(bad.body, /Enter a URL starting with https/);
    const staffDomain = await post({ email: 'me@ACME.co.jp' });
    t.match(staffDomain.body, /company address/, 'so is any domain staff sign in with');
    t.equal((await app.db.selectFrom('alumni').selectAll().execute()).length, 0, 'nothing stored');

    const ok = await post({ company: 'Next KK', profileUrl: 'https://example.org/taro' }, ['newsletter', 'rehire']);
    t.equal(ok.statusCode, 200);
    t.match(ok.body, /We sent a confirmation email to taro@home.test/);
    const [member] = await app.db.selectFrom('alumni').selectAll().execute();
    t.match(member, {
      name: 'Taro',
      email: 'taro@home.test',
      email_verified_on: null,
      company: 'Next KK',
      locale: 'en',
      left_year: 2099,
      leaver_id: leaver.id,
    });
    t.match(member!.joined_on, /^\d{4}-\d{2}-\d{2}$/, 'only the day of joining');
    const consents = await app.db.selectFrom('alumni_consent').selectAll().orderBy('purpose').execute();
    t.match(consents, [
      { purpose: 'newsletter', notice_version: '2026-11', notice_locale: 'en' },
      { purpose: 'rehire', notice_version: '2026-11', notice_locale: 'en' },
    ]);

    const again = await app.inject({ url: join });
    t.match(again.body, /already joined|すでに参加登録/, 'one membership per leaver');
    const forged = await app.inject({ url: `${join.slice(0, -3)}abc` });
    t.equal(forged.statusCode, 404, 'a forged join link is refused');
  },
);

t.test('verification, magic-link sign-in (one-time, hashed), sign-out; no link or address in the logs', async (t) => {
  const { app, mail, logs } = await buildTestApp(t);
  const { email, id, cookie } = await joinedMember(app, mail.sent);
  const row = await app.db.selectFrom('alumni').select('email_verified_on').where('id', '=', id).executeTakeFirstOrThrow();
  t.ok(row.email_verified_on, 'following the verification link verifies the address');
  const portal = await app.inject({ url: '/alumni/me', headers: { cookie } });
  t.equal(portal.statusCode, 200);
  t.match(portal.body, /アルムナイポータル/);

  const anonymous = await app.inject({ url: '/alumni/me' });
  t.equal(anonymous.statusCode, 303, 'the portal needs a session');
  t.match(anonymous.headers.location, /^\/alumni\/sign-in/);

  const sent = mail.sent.length;
  const unknown = await postForm(app, '/alumni/sign-in', { email: 'nobody@personal.test' });
  const known = await postForm(app, '/alumni/sign-in', { email: email.toUpperCase() });
  t.equal(unknown.body.replace(/[\s\S]*<main/, ''), known.body.replace(/[\s\S]*<main/, ''), 'the same answer for members and strangers');
  await app.worker.runOnce();
  t.equal(mail.sent.length, sent + 1, 'only the member gets a mail');
  const link = linkIn(mail.sent, '/alumni/link/');
  const token = link.split('/').at(-1)!;
  const stored = await app.db.selectFrom('alumni_link').select(['token_hash']).where('purpose', '=', 'sign_in').execute();
  t.equal(stored.length, 1);
  t.notOk(stored[0]!.token_hash.includes(Buffer.from(token)), 'only the hash of the link is stored');

  t.equal((await app.inject({ url: link })).statusCode, 200, 'opening the link only shows a button (mail scanners open links)');
  const signedIn = await postForm(app, link, {});
  t.equal(signedIn.statusCode, 303);
  t.equal(signedIn.headers.location, '/alumni/me');
  const reused = await postForm(app, link, {});
  t.equal(reused.statusCode, 410, 'a sign-in link works once');

  for (let i = 0; i < 5; i++) await postForm(app, '/alumni/sign-in', { email });
  await app.worker.runOnce();
  t.equal(
    await app.db
      .selectFrom('alumni_link')
      .select('token_hash')
      .where('purpose', '=', 'sign_in')
      .where('used_at', 'is', null)
      .execute()
      .then((r) => r.length),
    3,
    'at most three open sign-in links: no mail-bombing',
  );

  const logged = logs.join('\n');
  t.notMatch(logged, token, 'the sign-in link is not logged');
  t.notMatch(logged, email, 'nor the address');
  t.match(logged, '/alumni/link/[token]', 'request logs show the path without its token');
  const session = alumniCookie(signedIn.headers['set-cookie'], app);
  const out = await postForm(app, '/alumni/sign-out', {}, session);
  t.equal(out.statusCode, 303);
  t.equal((await app.inject({ url: '/alumni/me', headers: { cookie: session } })).statusCode, 303, 'signed out');
  t.equal((await app.inject({ url: '/alumni/me', headers: { cookie } })).statusCode, 200, 'other sessions stay');
});

t.test('consents change one by one and at once; a new address counts once verified', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const { id, cookie, email } = await joinedMember(app, mail.sent, {}, ['newsletter', 'events']);
  const before = await app.db.selectFrom('alumni_consent').selectAll().where('purpose', '=', 'newsletter').executeTakeFirstOrThrow();
  const changed = await app.inject({
    method: 'POST',
    url: '/alumni/me/consents',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrf(app).field }, ['newsletter', 'referrals']),
  });
  t.equal(changed.statusCode, 303);
  const after = await app.db.selectFrom('alumni_consent').selectAll().where('alumni_id', '=', id).orderBy('purpose').execute();
  t.same(
    after.map((c) => c.purpose),
    ['newsletter', 'referrals'],
    'events withdrawn, referrals given',
  );
  t.same(after[0], before, 'an unchanged consent keeps its day and version');
  const none = await postForm(app, '/alumni/me/consents', {}, cookie);
  t.equal(none.statusCode, 303);
  t.equal((await app.db.selectFrom('alumni_consent').selectAll().where('alumni_id', '=', id).execute()).length, 0, 'all withdrawn');
  const noCsrf = await app.inject({
    method: 'POST',
    url: '/alumni/me/consents',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: '_csrf=forged&consents=events',
  });
  t.equal(noCsrf.statusCode, 403, 'portal forms are protected against CSRF');

  const moved = await postForm(
    app,
    '/alumni/me/profile',
    { name: 'New Name', email: 'new@personal.test', company: 'X', jobTitle: '', profileUrl: '', locale: 'en' },
    cookie,
  );
  t.equal(moved.statusCode, 303);
  let row = await app.db.selectFrom('alumni').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(
    row,
    { name: 'New Name', email, pending_email: 'new@personal.test', locale: 'en' },
    'mail keeps going to the old address until the new one is verified',
  );
  await app.worker.runOnce();
  t.same(mail.sent.at(-1)!.to, 'new@personal.test');
  await postForm(app, linkIn(mail.sent, '/alumni/link/'), {});
  row = await app.db.selectFrom('alumni').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(row, { email: 'new@personal.test', pending_email: null });
});

t.test('my data as JSON, then erasure: the row is gone, only a tombstone without personal data stays', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const { id, cookie, email } = await joinedMember(
    app,
    mail.sent,
    { company: 'Next KK', jobTitle: 'Engineer', profileUrl: 'https://example.org/me' },
    ['newsletter', 'rehire'],
  );
  await postForm(app, '/alumni/sign-in', { email });
  const exported = await app.inject({ url: '/alumni/me/export', headers: { cookie } });
  t.equal(exported.statusCode, 200);
  t.match(exported.headers['content-disposition'], /attachment/);
  const data = exported.json();
  t.match(data, {
    id,
    email,
    company: 'Next KK',
    job_title: 'Engineer',
    profile_url: 'https://example.org/me',
    left_year: 2099,
    department: '営業部',
    noticeVersion: '2026-11',
  });
  t.same(
    data.consents.map((c: { purpose: string }) => c.purpose),
    ['newsletter', 'rehire'],
  );
  const columns = await app.db.selectFrom('alumni').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  for (const [column, value] of Object.entries(columns)) {
    if (['leaver_id', 'department_id', 'rehired_department_id'].includes(column)) continue;
    t.ok(column in data, `the export has ${column}`);
    if (value !== null) t.same(data[column], value);
  }
  t.notOk('rehire_eligibility' in data, "HR's eligibility judgement is not shown to the alumnus");

  const unconfirmed = await postForm(app, '/alumni/me/erase', {}, cookie);
  t.equal(unconfirmed.statusCode, 400, 'erasure needs the confirmation box');
  await app.db
    .insertInto('audit_event')
    .values({ actor_label: 'hr@example.com', action: 'alumni_viewed', details: jsonb({ alumniId: id }) })
    .execute();
  const erased = await postForm(app, '/alumni/me/erase', { confirm: 'yes' }, cookie);
  t.equal(erased.statusCode, 200);
  t.match(erased.headers['set-cookie'], /honne_alumni=;/);
  t.notMatch(erased.body, 'action="/alumni/sign-out"', 'the page after erasure offers no portal menu');
  for (const table of ['alumni', 'alumni_consent', 'alumni_link', 'alumni_session'] as const) {
    t.equal((await app.db.selectFrom(table).selectAll().execute()).length, 0, `${table} is empty`);
  }
  t.equal(
    (await app.db.selectFrom('mail_outbox').selectAll().where('kind', 'like', 'alumni%').execute()).length,
    0,
    'mails to them are gone, sent or not',
  );
  const audit = JSON.stringify(await app.db.selectFrom('audit_event').selectAll().execute());
  t.notMatch(audit, email, 'the audit log holds no address');
  t.notMatch(audit, id, "nor the member's id");
  t.match(audit, /"action":"alumni_erased"/, 'one tombstone');
  t.equal((await app.inject({ url: '/alumni/me', headers: { cookie } })).statusCode, 303, 'the session went with them');
});

t.test('one-click unsubscribe (RFC 8058) and from the page; forged links refused', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const { id } = await joinedMember(app, mail.sent, {}, ['newsletter', 'events']);
  const token = signId(app.keys.alumniLinks, 'unsubscribe', id);
  const page = await app.inject({ url: `/alumni/unsubscribe/${token}?lang=en` });
  t.equal(page.statusCode, 200);
  t.match(page.body, /Stop receiving the newsletter/, 'opening the link does not unsubscribe by itself');
  t.equal((await app.db.selectFrom('alumni_consent').selectAll().where('purpose', '=', 'newsletter').execute()).length, 1);
  const oneClick = await app.inject({
    method: 'POST',
    url: `/alumni/unsubscribe/${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  t.equal(oneClick.statusCode, 200, 'a mail client posts without cookies or CSRF field');
  const left = await app.db.selectFrom('alumni_consent').select('purpose').where('alumni_id', '=', id).execute();
  t.same(
    left.map((c) => c.purpose),
    ['events'],
    'only the newsletter consent is withdrawn, at once',
  );
  const twice = await app.inject({
    method: 'POST',
    url: `/alumni/unsubscribe/${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  t.equal(twice.statusCode, 200, 'idempotent');
  const forged = await app.inject({
    method: 'POST',
    url: `/alumni/unsubscribe/${signId(app.keys.alumniLinks, 'join', id)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  t.equal(forged.statusCode, 404, 'a join signature is not an unsubscribe signature');
});

t.test('unverified joins are gone after a week, with what they held', async (t) => {
  const { app } = await buildTestApp(t);
  const leaver = await invitedLeaver(app);
  const join = `/alumni/join/${signId(app.keys.alumniLinks, 'join', leaver.id)}`;
  await app.inject({
    method: 'POST',
    url: join,
    headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrf(app).field, name: 'X', email: 'x@personal.test', locale: 'ja' }, ['events']),
  });
  await app.worker.runOnce();
  t.equal((await app.db.selectFrom('alumni').selectAll().execute()).length, 1);
  await app.db.updateTable('alumni').set({ joined_on: '2000-01-01' }).execute();
  await app.worker.runOnce();
  t.equal((await app.db.selectFrom('alumni').selectAll().execute()).length, 0);
  t.equal((await app.db.selectFrom('alumni_consent').selectAll().execute()).length, 0);
});
