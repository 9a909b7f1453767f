import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { departmentTree } from '../server/departments/tree.ts';
import { buildTestApp } from './helpers/app.ts';
import { postForm, staffCookie } from './helpers/staff.ts';

const ROUNDS = 20;

/** Departments on a cycle: following parents from them never reaches the top. */
async function onCycle(app: FastifyInstance): Promise<string[]> {
  const parents = new Map((await app.db.selectFrom('department').select(['id', 'parent_id']).execute()).map((d) => [d.id, d.parent_id]));
  return [...parents.keys()].filter((start) => {
    const seen = new Set<string>();
    for (let id: string | null | undefined = start; id; id = parents.get(id)) {
      if (seen.has(id)) return true;
      seen.add(id);
    }
    return false;
  });
}

// On PostgreSQL the two moves run side by side (PGlite takes one at a time, so there it only shows nothing else broke).
t.test(
  'two moves at once (P under Q, Q under P): one is made, the other refused with a 400, never a cycle',
  { timeout: 120_000 },
  async (t) => {
    const { app } = await buildTestApp(t);
    const hr = await staffCookie(app, 'hr');
    const [p, q] = await app.db
      .insertInto('department')
      .values([
        { name: 'P', parent_id: null },
        { name: 'Q', parent_id: null },
      ])
      .returning('id')
      .execute();
    const move = (id: string, name: string, parentId: string) => postForm(app, `/staff/departments/${id}?lang=en`, { name, parentId }, hr);

    for (let round = 0; round < ROUNDS; round++) {
      await app.db.updateTable('department').set({ parent_id: null }).execute();
      const replies = await Promise.all([move(p!.id, 'P', q!.id), move(q!.id, 'Q', p!.id)]);
      t.same(await onCycle(app), [], `round ${round}: no cycle`);
      t.same(replies.map((r) => r.statusCode).sort(), [303, 400], `round ${round}: one move made, one refused`);
      t.match(replies.find((r) => r.statusCode === 400)?.body, /cannot move under itself/);
    }
  },
);

t.test(
  'a cycle made before moves were serialised: both departments are listed, the walk ends, and HR can undo it',
  { timeout: 60_000 },
  async (t) => {
    const { app } = await buildTestApp(t);
    const hr = await staffCookie(app, 'hr');
    const [p, q, top] = await app.db
      .insertInto('department')
      .values([
        { name: 'P', parent_id: null },
        { name: 'Q', parent_id: null },
        { name: 'Top', parent_id: null },
      ])
      .returning('id')
      .execute();
    await app.db.updateTable('department').set({ parent_id: q!.id }).where('id', '=', p!.id).execute();
    await app.db.updateTable('department').set({ parent_id: p!.id }).where('id', '=', q!.id).execute();

    t.same(
      (await departmentTree(app.db)).map((d) => d.name),
      ['Top', 'P', 'Q'],
      'the stranded ones follow the tree',
    );
    const page = await app.inject({ url: '/staff/departments?lang=en', headers: { cookie: hr } });
    t.equal(page.statusCode, 200);
    t.match(page.body, /name="name" value="P"[\s\S]*name="name" value="Q"/, 'HR sees them, to move them back');

    const underTop = await postForm(app, `/staff/departments/${top!.id}?lang=en`, { name: 'Top', parentId: p!.id }, hr);
    t.equal(underTop.statusCode, 303, 'the walk up from P ends although it never reaches the top');
    const intoCycle = await postForm(app, `/staff/departments/${p!.id}?lang=en`, { name: 'P', parentId: top!.id }, hr);
    t.equal(intoCycle.statusCode, 400, 'P cannot move under Top, which is below it now');

    t.equal(
      (await postForm(app, `/staff/departments/${p!.id}?lang=en`, { name: 'P', parentId: '' }, hr)).statusCode,
      303,
      'moving P to the top level undoes it',
    );
    t.same(await onCycle(app), []);
    t.same(
      (await departmentTree(app.db)).map((d) => [d.name, d.depth]),
      [
        ['P', 0],
        ['Q', 1],
        ['Top', 1],
      ],
    );
  },
);
