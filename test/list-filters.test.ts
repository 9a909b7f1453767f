import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { staffCookie } from './helpers/staff.ts';
t.test('list filters refuse days outside 1900–2199 with a 400, not a 500', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const statuses = [];
  for (const url of [
    '/staff/leavers?from=0000-01-01',
    '/staff/leavers?to=9999-12-31',
    '/staff/audit?from=0000-01-01',
    '/staff/audit?to=0001-01-01',
  ]) {
    statuses.push((await app.inject({ url, headers: { cookie: admin } })).statusCode);
  }
  t.same(statuses, [400, 400, 400, 400]);
  t.equal(
    (await app.inject({ url: '/staff/leavers?from=2026-01-01&to=2026-12-31', headers: { cookie: admin } })).statusCode,
    200,
    'a real range still filters',
  );
});
