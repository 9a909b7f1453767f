import { randomUUID } from 'node:crypto';
import t from 'tap';
import { signId } from '../server/alumni/signed-id.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver } from './helpers/fixtures.ts';
import { csrf, postForm, staffCookie } from './helpers/staff.ts';
import { adminUrl } from './helpers/template.ts';

// What the database would refuse (a missing department, a blank name, a taken address, a year it
// does not take) is a 4xx in the user's language before anything is written, never a 500.

t.test('a department name of only spaces and an unknown parent', async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const blank = await postForm(app, '/staff/departments?lang=en', { name: '   ', parentId: '' }, hr);
  t.equal(blank.statusCode, 400);
  t.match(blank.body, /Enter a name \(spaces alone are not one\)/);
  t.match(
    (await postForm(app, '/staff/departments?lang=ja', { name: '　 ', parentId: '' }, hr)).body,
    /部署名を入力してください/,
    'ideographic spaces too',
  );
  t.same(await app.db.selectFrom('department').selectAll().execute(), [], 'nothing written');

  const [sales] = await app.db.insertInto('department').values({ name: '営業部', parent_id: null }).returning('id').execute();
  const rename = await postForm(app, `/staff/departments/${sales!.id}?lang=en`, { name: ' ', parentId: '' }, hr);
  t.equal(rename.statusCode, 400);
  const orphan = await postForm(app, `/staff/departments/${sales!.id}?lang=en`, { name: '営業部', parentId: randomUUID() }, hr);
  t.equal(orphan.statusCode, 400);
  t.match(orphan.body, /A department you chose no longer exists/);
  t.match(
    (await postForm(app, `/staff/departments/${sales!.id}?lang=ja`, { name: '営業部', parentId: randomUUID() }, hr)).body,
    /指定された部署が見つかりません/,
  );
  t.match(await app.db.selectFrom('department').selectAll().executeTakeFirstOrThrow(), { name: '営業部', parent_id: null }, 'unchanged');
});

t.test('unknown departments for a manager and for an improvement action', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const gone = randomUUID();

  const add = await postForm(
    app,
    '/staff/users?lang=en',
    { email: 'bucho@example.com', role: 'manager', locale: 'ja', departments: gone },
    admin,
  );
  t.equal(add.statusCode, 400);
  t.match(add.body, /A department you chose no longer exists/);
  t.equal(
    await app.db.selectFrom('staff_user').select('id').where('email', '=', 'bucho@example.com').executeTakeFirst(),
    undefined,
    'no account',
  );
  t.same(await app.db.selectFrom('mail_outbox').selectAll().execute(), [], 'no welcome mail');

  t.equal((await postForm(app, '/staff/users', { email: 'bucho@example.com', role: 'hr', locale: 'ja' }, admin)).statusCode, 303);
  const user = await app.db.selectFrom('staff_user').select('id').where('email', '=', 'bucho@example.com').executeTakeFirstOrThrow();
  const change = await postForm(app, `/staff/users/${user.id}?lang=ja`, { role: 'manager', departments: gone }, admin);
  t.equal(change.statusCode, 400);
  t.match(change.body, /指定された部署が見つかりません/);
  t.match(
    await app.db.selectFrom('staff_user').select('role').where('id', '=', user.id).executeTakeFirstOrThrow(),
    { role: 'hr' },
    'still HR',
  );

  const action = await postForm(
    app,
    '/staff/improvements?lang=en',
    {
      titleJa: '',
      titleEn: 'Flexible hours',
      descriptionJa: '',
      descriptionEn: '',
      status: 'planned',
      startedOn: '',
      doneOn: '',
      departmentIds: gone,
    },
    admin,
  );
  t.equal(action.statusCode, 400);
  t.match(action.body, /A department you chose no longer exists/);
  t.same(await app.db.selectFrom('improvement_action').selectAll().execute(), [], 'no action');
});

t.test('ten admins adding the same colleague at once: one account, the others a 409', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const replies = await Promise.all(
    Array.from({ length: 10 }, () => postForm(app, '/staff/users?lang=en', { email: 'same@example.com', role: 'hr', locale: 'en' }, admin)),
  );
  t.same(replies.map((r) => r.statusCode).sort(), [303, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  for (const reply of replies.filter((r) => r.statusCode === 409)) t.match(reply.body, /same@example\.com/);
  t.equal((await app.db.selectFrom('staff_user').select('id').where('email', '=', 'same@example.com').execute()).length, 1);
  t.equal((await app.db.selectFrom('mail_outbox').select('id').execute()).length, 1, 'one welcome mail');
});

t.test('an alumnus whose last day on record is after 2200 is told to contact HR', async (t) => {
  const { app } = await buildTestApp(t);
  const leaver = await invitedLeaver(app);
  // A record from before last days were bounded: the alumni table takes 1900 to 2200 only.
  await app.db.updateTable('leaver').set({ last_day: '2201-03-31' }).where('id', '=', leaver.id).execute();
  const join = (lang: string) =>
    app.inject({
      method: 'POST',
      url: `/alumni/join/${signId(app.keys.alumniLinks, 'join', leaver.id)}?lang=${lang}`,
      headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf(app).field,
        name: 'Taro',
        email: 'taro@personal.test',
        company: '',
        jobTitle: '',
        profileUrl: '',
        locale: lang,
      }).toString(),
    });
  const en = await join('en');
  t.equal(en.statusCode, 409);
  t.match(en.body, /The last day on record \(in 2201\) cannot be right/);
  t.match((await join('ja')).body, /記録されている退職日\(2201 年\)に誤りがある/);
  t.same(await app.db.selectFrom('alumni').selectAll().execute(), [], 'not a member');
});

// Only PostgreSQL runs two transactions at once: leaver registration adds departments without the tree lock.
t.test('a department name or a department taken by another transaction meanwhile', { skip: !adminUrl && 'needs PostgreSQL' }, async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const [empty] = await app.db.insertInto('department').values({ name: '空の部', parent_id: null }).returning('id').execute();

  /** `request` is made while another transaction has done `first` and not committed yet. */
  const whileUncommitted = async (first: (trx: typeof app.db) => Promise<unknown>, request: () => ReturnType<typeof postForm>) => {
    let reply: ReturnType<typeof postForm> | undefined;
    await app.db.transaction().execute(async (trx) => {
      await first(trx);
      reply = request();
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    return reply!;
  };

  const clash = await whileUncommitted(
    (trx) => trx.insertInto('department').values({ name: '新設部', parent_id: null }).execute(),
    () => postForm(app, '/staff/departments?lang=en', { name: '新設部', parentId: '' }, hr),
  );
  t.equal(clash.statusCode, 409);
  t.match(clash.body, /already exists under the same parent/);

  const inUse = await whileUncommitted(
    (trx) =>
      trx
        .insertInto('leaver')
        .values({
          employee_id: 'E9',
          name: 'Taro',
          email: 'taro@example.com',
          department_id: empty!.id,
          hire_date: '2020-04-01',
          last_day: '2026-12-31',
          exit_type: 'voluntary',
          locale: 'ja',
        })
        .execute(),
    () => postForm(app, `/staff/departments/${empty!.id}/delete?lang=en`, {}, hr),
  );
  t.equal(inUse.statusCode, 409);
  t.match(inUse.body, /cannot be deleted/);
  t.equal((await app.db.selectFrom('department').select('id').where('id', '=', empty!.id).execute()).length, 1, 'kept');
});
