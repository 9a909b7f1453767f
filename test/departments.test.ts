import t from 'tap';
import { departmentTree } from '../server/departments/tree.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver } from './helpers/fixtures.ts';
import { postForm, staffCookie, staffUser } from './helpers/staff.ts';

t.test('HR builds the tree (本部 > 部 > 課), moves, renames and deletes; cycles and clashes are refused', async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const add = (name: string, parentId = '') => postForm(app, '/staff/departments?lang=en', { name, parentId }, hr);
  const idOf = async (name: string) =>
    (await app.db.selectFrom('department').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  t.equal((await add('営業本部')).statusCode, 303);
  await add('第一営業部', await idOf('営業本部'));
  await add('法人課', await idOf('第一営業部'));
  await add('開発本部');
  t.same(
    (await departmentTree(app.db)).map((d) => [d.name, d.depth]),
    [
      ['営業本部', 0],
      ['第一営業部', 1],
      ['法人課', 2],
      ['開発本部', 0],
    ],
  );

  const clash = await add('第一営業部', await idOf('営業本部'));
  t.equal(clash.statusCode, 409);
  t.match(clash.body, /already exists under the same parent/);
  t.equal((await add('第一営業部', await idOf('開発本部'))).statusCode, 303, 'the same name under another parent is fine');

  const cycle = await postForm(
    app,
    `/staff/departments/${await idOf('営業本部')}?lang=en`,
    { name: '営業本部', parentId: await idOf('法人課') },
    hr,
  );
  t.equal(cycle.statusCode, 400);
  t.match(cycle.body, /cannot move under itself/);

  const move = await postForm(
    app,
    `/staff/departments/${await idOf('法人課')}`,
    { name: '法人営業課', parentId: await idOf('開発本部') },
    hr,
  );
  t.equal(move.statusCode, 303);
  const moved = (await departmentTree(app.db)).find((d) => d.name === '法人営業課')!;
  t.same([moved.parent_id, moved.depth], [await idOf('開発本部'), 1]);

  await invitedLeaver(app, { department: '開発本部' });
  const inUse = await postForm(app, `/staff/departments/${await idOf('開発本部')}/delete?lang=en`, {}, hr);
  t.equal(inUse.statusCode, 409);
  t.equal((await postForm(app, `/staff/departments/${moved.id}/delete`, {}, hr)).statusCode, 303, 'an empty department goes');
  t.same(
    (await app.db.selectFrom('audit_event').select('action').where('action', 'like', 'department_%').orderBy('id').execute()).map(
      (a) => a.action,
    ),
    [
      'department_created',
      'department_created',
      'department_created',
      'department_created',
      'department_created',
      'department_updated',
      'department_deleted',
    ],
  );
});

t.test('managers are assigned to departments; only manager accounts can be', async (t) => {
  const { app } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const manager = await staffUser(app, 'manager', 'boss@example.com');
  const colleague = await staffUser(app, 'hr', 'colleague@example.com');
  await postForm(app, '/staff/departments', { name: '営業部', parentId: '' }, hr);
  const dept = await app.db.selectFrom('department').select('id').executeTakeFirstOrThrow();

  const page = await app.inject({ url: '/staff/departments', headers: { cookie: hr } });
  t.match(page.body, /boss@example.com/);
  t.notMatch(page.body, /colleague@example.com/, 'only managers are offered');

  t.equal((await postForm(app, `/staff/departments/${dept.id}/managers`, { managers: manager.id }, hr)).statusCode, 303);
  t.same(await app.db.selectFrom('staff_department').select(['user_id', 'department_id']).execute(), [
    { user_id: manager.id, department_id: dept.id },
  ]);
  t.equal((await postForm(app, `/staff/departments/${dept.id}/managers`, { managers: colleague.id }, hr)).statusCode, 400);
  t.equal((await postForm(app, `/staff/departments/${dept.id}/managers`, {}, hr)).statusCode, 303, 'none selected: unassigned');
  t.same(await app.db.selectFrom('staff_department').selectAll().execute(), []);
});
