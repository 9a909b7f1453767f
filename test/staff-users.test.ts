import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { postForm, staffCookie, staffUser } from './helpers/staff.ts';

t.test('an admin adds a colleague, who sets a password from the mailed link; roles and departments change; audited', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  await app.db.insertInto('department').values({ name: '営業部', parent_id: null }).execute();
  const dept = await app.db.selectFrom('department').select('id').executeTakeFirstOrThrow();

  const add = await postForm(
    app,
    '/staff/users',
    { email: 'Bucho@Example.co.jp', role: 'manager', locale: 'ja', departments: dept.id },
    admin,
  );
  t.equal(add.statusCode, 303);
  const user = await app.db.selectFrom('staff_user').selectAll().where('email', '=', 'bucho@example.co.jp').executeTakeFirstOrThrow();
  t.match(user, { role: 'manager', password_hash: null, locale: 'ja' });
  t.same(await app.db.selectFrom('staff_department').select('department_id').where('user_id', '=', user.id).execute(), [
    { department_id: dept.id },
  ]);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 1);
  t.match(mail.sent[0]!.subject, 'Honne のアカウントが作成されました');
  const link = /http:\/\/honne\.test(\/staff\/password\/[A-Za-z0-9_-]{43})/.exec(mail.sent[0]!.text)![1]!;
  t.equal((await app.inject({ url: link })).statusCode, 200, 'the link opens the set-a-password page');
  t.equal((await postForm(app, link, { password: 'a long enough password' })).statusCode, 303);

  const list = await app.inject({ url: '/staff/users?lang=en', headers: { cookie: admin } });
  t.match(list.body, /bucho@example.co.jp/);
  t.equal(
    (await postForm(app, '/staff/users', { email: 'bucho@example.co.jp', role: 'hr', locale: 'en' }, admin)).statusCode,
    409,
    'an address is used once',
  );

  t.equal((await postForm(app, `/staff/users/${user.id}`, { role: 'hr' }, admin)).statusCode, 303);
  t.match(await app.db.selectFrom('staff_user').select('role').where('id', '=', user.id).executeTakeFirstOrThrow(), { role: 'hr' });
  t.same(
    await app.db.selectFrom('staff_department').selectAll().where('user_id', '=', user.id).execute(),
    [],
    'departments are for managers only',
  );

  t.equal((await postForm(app, `/staff/users/${user.id}/delete`, {}, admin)).statusCode, 303);
  const actions = await app.db.selectFrom('audit_event').select('action').where('action', 'like', 'user_%').orderBy('id').execute();
  t.same(
    actions.map((a) => a.action),
    ['user_created', 'user_updated', 'user_deleted'],
  );
});

t.test('the last admin cannot be demoted or deleted, and nobody deletes themselves', async (t) => {
  const { app } = await buildTestApp(t);
  const onlyAdmin = await staffUser(app, 'admin', 'only@example.com');
  const { createSession } = await import('../server/staff/sessions.ts');
  const { csrf } = await import('./helpers/staff.ts');
  const cookie = `${csrf(app).cookie}; honne_session=${await createSession(app.db, onlyAdmin.id)}`;
  const demote = await postForm(app, `/staff/users/${onlyAdmin.id}?lang=en`, { role: 'hr' }, cookie);
  t.equal(demote.statusCode, 409);
  t.match(demote.body, /no administrator/);
  t.equal((await postForm(app, `/staff/users/${onlyAdmin.id}/delete`, {}, cookie)).statusCode, 409);
  const second = await staffUser(app, 'admin', 'second@example.com');
  t.equal((await postForm(app, `/staff/users/${second.id}`, { role: 'manager' }, cookie)).statusCode, 303, 'with another admin left, fine');
});

t.test("a staff member chooses their language; it wins over the browser's", async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const before = await app.inject({ url: '/staff', headers: { cookie: hr, 'accept-language': 'ja' } });
  t.match(before.body, /lang="ja"/);
  t.equal((await postForm(app, '/staff/account', { locale: 'en' }, hr)).statusCode, 303);
  const after = await app.inject({ url: '/staff', headers: { cookie: hr, 'accept-language': 'ja' } });
  t.match(after.body, /lang="en"/);
  await postForm(app, '/staff/account', { locale: '' }, hr);
  t.match(
    (await app.inject({ url: '/staff', headers: { cookie: hr, 'accept-language': 'ja' } })).body,
    /lang="ja"/,
    "back to the browser's",
  );
});
