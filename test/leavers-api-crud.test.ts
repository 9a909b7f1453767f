import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { buildTestApp } from './helpers/app.ts';
import { leaverInput } from './helpers/fixtures.ts';

async function setup(t: Test) {
  const ctx = await buildTestApp(t);
  const { token } = await createApiToken(ctx.app.db, 'hris');
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' },
      ...(payload ? { payload } : {}),
    });
  return { ...ctx, call };
}

t.test('list, get, update and delete through the API, each audited', async (t) => {
  const { app, call } = await setup(t);
  const ids: string[] = [];
  for (const [n, department] of [
    [1, 'Sales'],
    [2, 'Sales'],
    [3, 'Engineering'],
  ] as const) {
    const res = await call(
      'POST',
      '/api/v1/leavers',
      leaverInput({ employeeId: `E${n}`, name: `Person ${n}`, email: `p${n}@example.com`, department, lastDay: `2099-0${n}-15` }),
    );
    ids.push(res.json().id);
  }

  const list = await call('GET', '/api/v1/leavers');
  t.equal(list.statusCode, 200);
  t.match(list.json(), { total: 3, page: 1, pages: 1 });
  t.same(
    list.json().leavers.map((l: { employeeId: string }) => l.employeeId),
    ['E3', 'E2', 'E1'],
    'newest last day first',
  );
  t.match(list.json().leavers[0], { name: 'Person 3', department: 'Engineering', status: 'scheduled', remindersSent: 0, erased: false });
  t.notMatch(list.body, /token|answers/i, 'no link and no answers');
  const sales = await app.db.selectFrom('department').select('id').where('name', '=', 'Sales').executeTakeFirstOrThrow();
  t.equal((await call('GET', `/api/v1/leavers?department=${sales.id}&q=person`)).json().total, 2);
  t.equal((await call('GET', '/api/v1/leavers?page=0')).statusCode, 400);

  const one = await call('GET', `/api/v1/leavers/${ids[0]}`);
  t.equal(one.statusCode, 200);
  t.match(one.json(), {
    id: ids[0],
    employeeId: 'E1',
    email: 'p1@example.com',
    lastDay: '2099-01-15',
    expiresOn: '2099-02-14',
    regrettable: null,
  });
  t.equal((await call('GET', '/api/v1/leavers/00000000-0000-4000-8000-000000000000')).statusCode, 404);

  const put = await call('PUT', `/api/v1/leavers/${ids[0]}`, {
    ...leaverInput({ employeeId: 'E1', name: 'Person One', email: 'one@example.com', department: 'Engineering', lastDay: '2099-01-31' }),
    regrettable: true,
    rehireEligibility: 'eligible',
    rehireNote: 'Welcome back any time',
  });
  t.equal(put.statusCode, 200);
  t.match(put.json(), {
    name: 'Person One',
    department: 'Engineering',
    lastDay: '2099-01-31',
    expiresOn: '2099-03-02',
    regrettable: true,
    rehireEligibility: 'eligible',
  });
  const clash = await call('PUT', `/api/v1/leavers/${ids[0]}`, leaverInput({ employeeId: 'E2' }));
  t.equal(clash.statusCode, 409);
  t.match(clash.json(), { error: { code: 'conflict', message: /E2/ } });
  const invalid = await call('PUT', `/api/v1/leavers/${ids[0]}`, { ...leaverInput(), email: 'nope' });
  t.equal(invalid.statusCode, 400);
  t.match(invalid.json().errors, [{ field: 'email' }]);

  t.equal((await call('DELETE', `/api/v1/leavers/${ids[1]}`)).statusCode, 204);
  t.equal((await call('DELETE', `/api/v1/leavers/${ids[1]}`)).statusCode, 404);
  t.equal((await call('GET', '/api/v1/leavers')).json().total, 2);

  const actions = await app.db.selectFrom('audit_event').select(['action', 'actor_label']).orderBy('id').execute();
  t.same([...new Set(actions.map((a) => a.action))], ['leaver_created', 'leaver_viewed_by_api', 'leaver_updated', 'leaver_deleted']);
  t.ok(
    actions.every((a) => a.actor_label.startsWith('api-token:')),
    'under the token that acted',
  );
});

t.test('every API route needs a token', async (t) => {
  const { app } = await setup(t);
  for (const [method, url] of [
    ['GET', '/api/v1/leavers'],
    ['GET', '/api/v1/leavers/00000000-0000-4000-8000-000000000000'],
    ['PUT', '/api/v1/leavers/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/api/v1/leavers/00000000-0000-4000-8000-000000000000'],
    ['POST', '/api/v1/leavers/import'],
  ] as const) {
    const body =
      method === 'PUT'
        ? { 'content-type': 'application/json', payload: JSON.stringify(leaverInput()) }
        : method === 'POST'
          ? { 'content-type': 'text/csv', payload: 'a,b' }
          : undefined;
    const res = await app.inject({
      method,
      url,
      headers: { authorization: 'Bearer wrong', ...(body ? { 'content-type': body['content-type'] } : {}) },
      ...(body ? { payload: body.payload } : {}),
    });
    t.equal(res.statusCode, 401, `${method} ${url}`);
  }
});

t.test('the OpenAPI document describes the API, and /docs shows it', async (t) => {
  const { app } = await setup(t);
  const spec = (await app.inject({ url: '/docs/json' })).json();
  t.equal(spec.openapi, '3.1.0');
  t.same(Object.keys(spec.paths).sort(), ['/api/v1/leavers', '/api/v1/leavers/import', '/api/v1/leavers/{id}', '/api/v1/reports/summary']);
  t.same(Object.keys(spec.paths['/api/v1/leavers/{id}']).sort(), ['delete', 'get', 'put']);
  t.ok(spec.paths['/api/v1/leavers'].post.requestBody.content['application/json'].schema.properties.employeeId);
  t.ok(spec.components.securitySchemes.bearer);
  const ui = await app.inject({ url: '/docs/' });
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});
