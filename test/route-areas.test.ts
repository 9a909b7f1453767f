import t from 'tap';
import { AREAS, type Area } from '../server/areas/area.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf, staffCookie } from './helpers/staff.ts';

/*
 * Enumerates every route the app registers (not a hand-kept list): each belongs
 * to an area, and each area's guard holds for every one of its routes.
 */

const MISSING = '00000000-0000-4000-8000-000000000000';
const example = (url: string) =>
  url.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? MISSING : name === 'quarter' ? '2026-Q1' : 'not-a-real-token'));
const form = { 'content-type': 'application/x-www-form-urlencoded' };

t.test('every route belongs to an area, and each area refuses what it must', async (t) => {
  const { app } = await buildTestApp(t);
  const routes = app.registeredRoutes
    .flatMap((route) =>
      (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({ method, url: route.url, area: route.config?.area })),
    )
    .filter((route) => route.method !== 'HEAD');
  const inArea = (...areas: Area[]) => routes.filter((route) => areas.includes(route.area!));
  t.same(
    routes.filter((route) => !AREAS.includes(route.area!)),
    [],
    'no route outside an area',
  );
  t.comment(AREAS.map((area) => `${area}: ${inArea(area).length}`).join(', '));

  const anonymous = [];
  for (const route of inArea('staff', 'alumni-member', 'api')) {
    // A valid CSRF pair, so what refuses is the missing session or token.
    const { cookie, field } = csrf(app);
    const res = await app.inject({
      method: route.method as 'GET',
      url: example(route.url),
      headers: { cookie, ...form },
      payload: route.method === 'GET' ? undefined : `_csrf=${field}`,
    });
    const expected = route.area === 'api' ? [401] : route.method === 'GET' ? [303] : [401];
    if (!expected.includes(res.statusCode)) anonymous.push(`${route.method} ${route.url}: ${res.statusCode}`);
  }
  t.same(
    anonymous,
    [],
    `each of ${inArea('staff', 'alumni-member', 'api').length} staff, alumni portal and API routes refuses an anonymous request`,
  );

  const admin = await staffCookie(app, 'admin');
  const forged = [];
  const posts = inArea('staff-entry', 'staff', 'alumni', 'alumni-member').filter((route) => route.method !== 'GET');
  for (const route of posts) {
    // Signed in, with the CSRF cookie but no field: only the CSRF check can refuse.
    const res = await app.inject({
      method: route.method as 'POST',
      url: example(route.url),
      headers: { cookie: admin, accept: 'application/json', ...form },
      payload: 'x=1',
    });
    if (res.statusCode !== 403 || res.json().error?.code !== 'csrf') forged.push(`${route.method} ${route.url}: ${res.statusCode}`);
  }
  t.same(forged, [], `each of ${posts.length} state-changing browser routes refuses a post without the CSRF field`);
  const cached = [];
  for (const route of inArea('staff', 'alumni-member').filter((r) => r.method === 'GET' && !r.url.includes(':'))) {
    const res = await app.inject({ url: route.url, headers: { cookie: admin } });
    if (res.headers['cache-control'] !== 'no-store') cached.push(`${route.url}: ${res.headers['cache-control']}`);
  }
  t.same(cached, [], 'no staff or member page may be cached');
  t.ok(
    inArea('public', 'respondent').every((route) => route.method === 'GET' || /:token/.test(route.url)),
    'a public or respondent route that changes state is proven by a token in its link',
  );
});

t.test('served over https, every answer tells the browser to keep to https', async (t) => {
  const { app } = await buildTestApp(t, { PUBLIC_URL: 'https://honne.example.jp' });
  t.equal((await app.inject({ url: '/' })).headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  const plain = await buildTestApp(t);
  t.notOk((await plain.app.inject({ url: '/' })).headers['strict-transport-security'], 'not over plain http (a trial on a laptop)');
});
