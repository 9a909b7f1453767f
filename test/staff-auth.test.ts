import t from 'tap';
import { sql } from 'kysely';
import { sha256 } from '../server/crypto/seal.ts';
import { firstRunSetupUrl } from '../server/staff/first-run.ts';
import { createOneTimeLink } from '../server/staff/one-time-links.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf, PASSWORD, postForm, sessionCookieFrom, staffUser } from './helpers/staff.ts';

t.test('sign in, see the workspace, sign out', async (t) => {
  const { app } = await buildTestApp(t);
  const user = await staffUser(app, 'hr', 'hana@example.com');

  const page = await app.inject({ url: '/staff/sign-in?lang=en' });
  t.equal(page.statusCode, 200);
  t.match(page.body, /name="_csrf" value="[A-Za-z0-9_-]{43}"/);
  t.match(String(page.headers['set-cookie']), /honne_csrf=.*HttpOnly.*SameSite=Lax/);

  const signedIn = await postForm(app, '/staff/sign-in', { email: 'HANA@example.com ', password: PASSWORD, next: '/staff' });
  t.equal(signedIn.statusCode, 303);
  t.equal(signedIn.headers.location, '/staff');
  const cookie = sessionCookieFrom(signedIn.headers['set-cookie'])!;
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Lax/);
  const token = /honne_session=([^;]+)/.exec(cookie)![1]!;
  const stored = await app.db.selectFrom('staff_session').selectAll().where('user_id', '=', user.id).execute();
  t.equal(stored.length, 1);
  t.same(stored[0]!.id_hash, sha256(token), 'only the hash of the session id is stored');

  const session = `${csrf(app).cookie}; honne_session=${token}`;
  const home = await app.inject({ url: '/staff?lang=en', headers: { cookie: session } });
  t.equal(home.statusCode, 200);
  t.match(home.body, /Signed in as hana@example\.com \(role: HR\)/);
  t.notMatch(home.body, /\/staff\/tokens/, 'no admin links for HR');

  const out = await postForm(app, '/staff/sign-out', {}, session);
  t.equal(out.statusCode, 303);
  t.equal((await app.inject({ url: '/staff', headers: { cookie: session } })).statusCode, 303, 'the session is gone');
});

t.test('wrong password and unknown address get the same answer', async (t) => {
  const { app } = await buildTestApp(t);
  await staffUser(app, 'hr', 'known@example.com');
  const wrong = await postForm(app, '/staff/sign-in?lang=en', { email: 'known@example.com', password: 'nope nope nope' });
  const unknown = await postForm(app, '/staff/sign-in?lang=en', { email: 'nobody@example.com', password: 'nope nope nope' });
  t.equal(wrong.statusCode, 401);
  t.equal(unknown.statusCode, 401);
  t.match(wrong.body, /The email address or password is not correct/);
  const alert = (body: string) => /<p class="alert" role="alert">(.*?)<\/p>/.exec(body)?.[1];
  t.equal(alert(wrong.body), alert(unknown.body), 'the same message');
});

t.test('five wrong passwords lock the account for a while', async (t) => {
  const { app } = await buildTestApp(t);
  const user = await staffUser(app, 'admin', 'lock@example.com');
  for (let i = 0; i < 5; i++)
    t.equal((await postForm(app, '/staff/sign-in', { email: 'lock@example.com', password: `wrong-${i}-password` })).statusCode, 401);
  const locked = await postForm(app, '/staff/sign-in?lang=en', { email: 'lock@example.com', password: PASSWORD });
  t.equal(locked.statusCode, 429, 'even the right password is refused while locked');
  t.match(locked.body, /locked/);
  await app.db.updateTable('staff_user').set({ locked_until: sql<Date>`now() - interval '1 second'` }).where('id', '=', user.id).execute();
  t.equal(
    (await postForm(app, '/staff/sign-in', { email: 'lock@example.com', password: PASSWORD })).statusCode,
    303,
    'open again after the lock',
  );
});

t.test('one address is throttled after many failures, whatever the account', async (t) => {
  const { app } = await buildTestApp(t);
  await staffUser(app, 'hr', 'victim@example.com');
  for (let i = 0; i < 20; i++) await postForm(app, '/staff/sign-in', { email: `guess${i}@example.com`, password: 'guessing-password' });
  const throttled = await postForm(app, '/staff/sign-in?lang=ja', { email: 'victim@example.com', password: PASSWORD });
  t.equal(throttled.statusCode, 429);
  t.match(throttled.body, /試行が多すぎます/);
});

t.test('every form post needs the CSRF field that matches the cookie', async (t) => {
  const { app } = await buildTestApp(t);
  await staffUser(app, 'hr', 'csrf@example.com');
  const form = (fields: Record<string, string>, cookie: string) =>
    app.inject({
      method: 'POST',
      url: '/staff/sign-in?lang=en',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const creds = { email: 'csrf@example.com', password: PASSWORD };
  t.equal((await form(creds, csrf(app).cookie)).statusCode, 403, 'no field: refused before the form is even validated');
  const forged = await form({ ...creds, _csrf: 'forged' }, csrf(app).cookie);
  t.equal(forged.statusCode, 403);
  t.match(forged.body, /This form has expired/);
  t.equal((await form({ ...creds, _csrf: csrf(app).field }, 'honne_csrf=another-browser')).statusCode, 403, 'a field from another browser');
  t.equal((await form({ ...creds, _csrf: csrf(app).field }, csrf(app).cookie)).statusCode, 303);
});

t.test('sessions end when idle, and everywhere on request', async (t) => {
  const { app } = await buildTestApp(t);
  await staffUser(app, 'manager', 'many@example.com');
  const signIn = async () =>
    `${csrf(app).cookie}; ${/honne_session=[^;]+/.exec(sessionCookieFrom((await postForm(app, '/staff/sign-in', { email: 'many@example.com', password: PASSWORD })).headers['set-cookie'])!)![0]}`;
  const laptop = await signIn();
  const phone = await signIn();
  t.equal((await app.inject({ url: '/staff', headers: { cookie: phone } })).statusCode, 200);
  t.equal((await postForm(app, '/staff/sign-out-everywhere', {}, laptop)).statusCode, 303);
  t.equal((await app.inject({ url: '/staff', headers: { cookie: phone } })).statusCode, 303, 'the phone is signed out too');

  const idle = await signIn();
  await app.db.updateTable('staff_session').set({ last_seen_at: sql<Date>`now() - interval '13 hours'` }).execute();
  const expired = await app.inject({ url: '/staff', headers: { cookie: idle } });
  t.equal(expired.statusCode, 303);
  t.equal(expired.headers.location, '/staff/sign-in?next=%2Fstaff');
  await app.worker.runOnce();
  t.equal((await app.db.selectFrom('staff_session').selectAll().execute()).length, 0, 'the worker removes dead sessions');
});

t.test('after sign-in, only a workspace path is followed', async (t) => {
  const { app } = await buildTestApp(t);
  await staffUser(app, 'hr', 'next@example.com');
  for (const next of ['https://evil.example/', '//evil.example/x', '/s/abc', 'javascript:alert(1)']) {
    const res = await postForm(app, '/staff/sign-in', { email: 'next@example.com', password: PASSWORD, next });
    t.equal(res.headers.location, '/staff', `${next} is ignored`);
  }
  const res = await postForm(app, '/staff/sign-in', { email: 'next@example.com', password: PASSWORD, next: '/staff/tokens' });
  t.equal(res.headers.location, '/staff/tokens');
});

t.test('first run: a one-time link creates the first administrator', async (t) => {
  const { app } = await buildTestApp(t);
  const url = (await firstRunSetupUrl(app))!;
  t.match(url, /^http:\/\/honne\.test\/setup\/[A-Za-z0-9_-]{43}$/);
  const path = new URL(url).pathname;
  const older = (await firstRunSetupUrl(app))!;
  t.equal((await app.inject({ url: path })).statusCode, 404, 'a newer link replaces an older one');
  const olderPath = new URL(older).pathname;

  t.equal((await app.inject({ url: `${olderPath}?lang=en` })).statusCode, 200);
  const short = await postForm(app, olderPath, { email: 'root@example.com', password: 'short' });
  t.equal(short.statusCode, 400);
  const created = await postForm(app, olderPath, { email: 'Root@Example.com', password: PASSWORD });
  t.equal(created.statusCode, 303);
  t.ok(sessionCookieFrom(created.headers['set-cookie']), 'and is signed in');
  const admin = await app.db.selectFrom('staff_user').selectAll().executeTakeFirstOrThrow();
  t.match(admin, { email: 'root@example.com', role: 'admin' });
  t.match(admin.password_hash, /^\$argon2id\$/);

  t.equal((await postForm(app, olderPath, { email: 'second@example.com', password: PASSWORD })).statusCode, 404, 'the link works once');
  t.equal(await firstRunSetupUrl(app), undefined, 'no setup link once an administrator exists');
});

t.test('a set-password link sets it once, and ends older sessions', async (t) => {
  const { app } = await buildTestApp(t);
  const user = await app.db
    .insertInto('staff_user')
    .values({ email: 'new@example.com', role: 'hr', password_hash: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  t.equal((await postForm(app, '/staff/sign-in', { email: 'new@example.com', password: '' })).statusCode, 401, 'no password, no sign-in');
  const token = await createOneTimeLink(app.db, 'password', user.id, 24);
  t.equal((await app.inject({ url: `/staff/password/${token}` })).statusCode, 200);
  t.equal((await postForm(app, `/staff/password/${token}`, { password: 'brand new password' })).statusCode, 303);
  t.equal((await postForm(app, `/staff/password/${token}`, { password: 'another password!' })).statusCode, 404);
  t.equal((await postForm(app, '/staff/sign-in', { email: 'new@example.com', password: 'brand new password' })).statusCode, 303);
});

t.test('a forgotten password is reset through a mailed one-time link', async (t) => {
  const { app, mail } = await buildTestApp(t);
  await staffUser(app, 'hr', 'forgetful@example.com');
  const page = await app.inject({ url: '/staff/forgot?lang=en' });
  t.match(page.body, /Reset your password/);

  const known = await postForm(app, '/staff/forgot?lang=en', { email: 'Forgetful@example.com' });
  const unknown = await postForm(app, '/staff/forgot?lang=en', { email: 'stranger@example.com' });
  t.equal(known.statusCode, 200);
  const sentNotice = (body: string) => /<p class="alert success" role="status">(.*?)<\/p>/.exec(body)?.[1];
  t.equal(sentNotice(known.body), sentNotice(unknown.body), 'the same answer whether or not the account exists');
  await app.worker.runOnce();
  t.equal(mail.sent.length, 1, 'one mail, to the account that exists');
  t.equal(mail.sent[0]!.to, 'forgetful@example.com');
  t.match(mail.sent[0]!.subject, /reset your password/);
  const link = /http:\/\/honne\.test(\/staff\/password\/[A-Za-z0-9_-]{43})/.exec(mail.sent[0]!.text)![1]!;

  t.equal((await postForm(app, link, { password: 'a fresh new password' })).statusCode, 303);
  t.equal((await postForm(app, '/staff/sign-in', { email: 'forgetful@example.com', password: 'a fresh new password' })).statusCode, 303);
  t.equal(
    (await postForm(app, '/staff/sign-in', { email: 'forgetful@example.com', password: PASSWORD })).statusCode,
    401,
    'the old password is gone',
  );

  for (let i = 0; i < 5; i++) await postForm(app, '/staff/forgot', { email: 'forgetful@example.com' });
  await app.worker.runOnce();
  t.equal(mail.sent.length, 4, 'at most three open reset links per account');
});
