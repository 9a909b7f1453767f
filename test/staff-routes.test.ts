import t from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, leaverInput } from './helpers/fixtures.ts';
import { csrf, staffCookie } from './helpers/staff.ts';

type Who = 'anonymous' | 'manager' | 'hr' | 'admin';

t.test('route matrix: every staff route × every role', async (t) => {
  const { app } = await buildTestApp(t);
  const cookies: Record<Who, string> = {
    anonymous: csrf(app).cookie,
    manager: await staffCookie(app, 'manager'),
    hr: await staffCookie(app, 'hr'),
    admin: await staffCookie(app, 'admin'),
  };
  const { id: tokenId } = await createApiToken(app.db, 'matrix');
  const { id: leaverId } = await invitedLeaver(app);
  const missing = '00000000-0000-4000-8000-000000000000';
  const form = { _csrf: csrf(app).field };
  const settings = {
    ...form,
    senderName: '',
    inviteTiming: 'on_create',
    inviteDaysBefore: '',
    reminderDays: '3, 7',
    expiryDays: '30',
    retentionDays: '180',
  };
  const action = { ...form, titleJa: '施策', titleEn: '', descriptionJa: '', descriptionEn: '', status: 'planned' };
  const issue = { ...form, subjectJa: '号', subjectEn: 'Issue', bodyJa: '', bodyEn: '', reasonsPeriod: '' };
  const badLeaver = {
    ...form,
    employeeId: 'X',
    name: 'X',
    email: 'not-an-email',
    department: 'D',
    hireDate: '2020-01-01',
    lastDay: '2021-01-01',
    exitType: 'voluntary',
    locale: 'ja',
  };

  // [method, url, body, expected status for anonymous, manager, hr, admin]
  const matrix: Array<[string, string, Record<string, string> | null, [number, number, number, number]]> = [
    ['GET', '/staff', null, [303, 200, 200, 200]],
    ['GET', '/staff/sign-in', null, [200, 303, 303, 303]],
    ['POST', '/staff/sign-in', { ...form, email: 'x@example.com', password: 'wrong password' }, [401, 401, 401, 401]],
    ['GET', '/staff/tokens', null, [303, 403, 403, 200]],
    ['POST', '/staff/tokens', { ...form, name: 'from matrix' }, [401, 403, 403, 201]],
    ['POST', `/staff/tokens/${tokenId}/revoke`, form, [401, 403, 403, 303]],
    ['POST', '/staff/sign-out-everywhere', form, [401, 303, 303, 303]],
    ['POST', '/staff/sign-out', form, [303, 303, 303, 303]],
    ['GET', '/staff/audit', null, [303, 403, 403, 200]],
    ['GET', '/staff/leavers', null, [303, 403, 200, 200]],
    ['GET', '/staff/leavers/new', null, [303, 403, 200, 200]],
    ['POST', '/staff/leavers', badLeaver, [401, 403, 400, 400]],
    ['GET', `/staff/leavers/${leaverId}`, null, [303, 403, 200, 200]],
    ['POST', `/staff/leavers/${leaverId}`, badLeaver, [401, 403, 400, 400]],
    ['POST', `/staff/leavers/${missing}/delete`, form, [401, 403, 404, 404]],
    ['GET', '/staff/leavers/import', null, [303, 403, 200, 200]],
    ['POST', '/staff/leavers/import', form, [401, 403, 400, 400]],
    ['POST', `/staff/leavers/import/${missing}`, form, [401, 403, 410, 410]],
    ['POST', `/staff/leavers/${missing}/resend`, form, [401, 403, 404, 404]],
    ['POST', `/staff/leavers/${missing}/new-link`, form, [401, 403, 404, 404]],
    ['GET', '/staff/settings', null, [303, 403, 403, 200]],
    ['POST', '/staff/settings', { ...settings, expiryDays: 'x' }, [401, 403, 403, 400]],
    ['POST', '/staff/settings/preview', { ...settings, preview: 'invitation_en' }, [401, 403, 403, 200]],
    ['GET', '/staff/departments', null, [303, 403, 200, 200]],
    ['POST', '/staff/departments', { ...form, name: 'Matrix', parentId: '' }, [401, 403, 303, 409]],
    ['POST', `/staff/departments/${missing}`, { ...form, name: 'Matrix 2', parentId: '' }, [401, 403, 404, 404]],
    ['POST', `/staff/departments/${missing}/delete`, form, [401, 403, 404, 404]],
    ['POST', `/staff/departments/${missing}/managers`, form, [401, 403, 404, 404]],
    ['GET', '/staff/users', null, [303, 403, 403, 200]],
    ['POST', '/staff/users', { ...form, email: 'matrix-user@example.com', role: 'hr', locale: 'ja' }, [401, 403, 403, 303]],
    ['POST', `/staff/users/${missing}`, { ...form, role: 'hr' }, [401, 403, 403, 404]],
    ['POST', `/staff/users/${missing}/delete`, form, [401, 403, 403, 404]],
    ['GET', '/staff/account', null, [303, 200, 200, 200]],
    ['POST', '/staff/account', { ...form, locale: 'en' }, [401, 303, 303, 303]],
    ['GET', '/staff/insights', null, [303, 403, 200, 200]],
    ['GET', '/staff/insights/export?format=csv', null, [303, 403, 200, 200]],
    ['GET', '/staff/insights/comments', null, [303, 403, 200, 200]],
    ['GET', '/staff/reports', null, [303, 200, 200, 200]],
    ['GET', `/reports/quarterly/2026-Q1.pdf?department=${missing}`, null, [303, 403, 400, 400]],
    ['GET', '/staff/alumni', null, [303, 403, 200, 200]],
    ['GET', '/staff/alumni/export?consent=newsletter', null, [303, 403, 200, 200]],
    ['GET', `/staff/alumni/${missing}`, null, [303, 403, 404, 404]],
    ['POST', `/staff/alumni/${missing}/rehire`, { ...form, rehiredOn: '', departmentId: '' }, [401, 403, 404, 404]],
    ['GET', '/staff/improvements', null, [303, 403, 200, 200]],
    ['GET', '/staff/improvements/new', null, [303, 403, 200, 200]],
    ['POST', '/staff/improvements', { ...action, titleJa: '' }, [401, 403, 400, 400]],
    ['GET', `/staff/improvements/${missing}`, null, [303, 403, 404, 404]],
    ['POST', `/staff/improvements/${missing}`, action, [401, 403, 404, 404]],
    ['POST', `/staff/improvements/${missing}/delete`, form, [401, 403, 404, 404]],
    ['GET', '/staff/newsletters', null, [303, 403, 200, 200]],
    ['GET', '/staff/newsletters/new', null, [303, 403, 200, 200]],
    ['POST', '/staff/newsletters', issue, [401, 403, 303, 303]],
    ['GET', `/staff/newsletters/${missing}`, null, [303, 403, 404, 404]],
    ['POST', `/staff/newsletters/${missing}`, issue, [401, 403, 404, 404]],
    ['GET', `/staff/newsletters/${missing}/preview`, null, [303, 403, 404, 404]],
    ['POST', `/staff/newsletters/${missing}/send`, form, [401, 403, 404, 404]],
    ['GET', '/staff/forgot', null, [200, 200, 200, 200]],
    ['POST', '/staff/forgot', { ...form, email: 'nobody@example.com' }, [200, 200, 200, 200]],
    ['GET', '/staff/password/not-a-link', null, [404, 404, 404, 404]],
    ['POST', '/staff/password/not-a-link', { ...form, password: 'long enough password' }, [404, 404, 404, 404]],
    ['GET', '/setup/not-a-link', null, [404, 404, 404, 404]],
    ['POST', '/setup/not-a-link', { ...form, email: 'a@example.com', password: 'long enough password' }, [404, 404, 404, 404]],
  ];

  // printRoutes draws a tree of path fragments; a full path joins a line's ancestors.
  const stack: string[] = [];
  const routes = app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const m = /^(.*?)[└├]── (\S+) \(([^)]+)\)/.exec(line);
      if (!m) return [];
      const depth = m[1]!.length / 4;
      stack.length = depth;
      stack[depth] = m[2]!;
      const path = stack.join('');
      if (!/^\/(staff|setup|reports)/.test(path)) return [];
      return m[3]!
        .split(', ')
        .filter((verb) => verb !== 'HEAD')
        .map((verb) => `${verb} ${path.replace(/:\w+/g, ':p')}`);
    });
  const covered = new Set(
    matrix.map(
      ([method, url]) =>
        `${method} ${url.split('?')[0]!.replace(tokenId, ':p').replace(leaverId, ':p').replace(missing, ':p').replace('not-a-link', ':p').replace('2026-Q1.pdf', ':p')}`,
    ),
  );
  t.ok(routes.length >= matrix.length, `read ${routes.length} staff routes from the app`);
  t.same(
    routes.filter((route) => !covered.has(route)),
    [],
    'the matrix covers every staff route',
  );

  const who: Who[] = ['anonymous', 'manager', 'hr', 'admin'];
  for (const [method, url, body, expected] of matrix) {
    for (const [i, role] of who.entries()) {
      // Signing out ends the session: give each row fresh sessions.
      const cookie = role === 'anonymous' ? cookies.anonymous : await staffCookie(app, role);
      const res = await app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { cookie, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { payload: new URLSearchParams(body).toString() } : {}),
      });
      t.equal(res.statusCode, expected[i], `${method} ${url} as ${role}`);
    }
  }
});

t.test('an administrator creates a token (shown once) and revokes it', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const created = await app.inject({
    method: 'POST',
    url: '/staff/tokens?lang=en',
    headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf(app).field, name: 'SmartHR' }).toString(),
  });
  t.equal(created.statusCode, 201);
  t.equal(created.headers['cache-control'], 'no-store');
  const token = /<code class="secret" id="new-token">(honne_[A-Za-z0-9_-]+)<\/code>/.exec(created.body)![1]!;
  const api = (bearer: string) =>
    app.inject({ method: 'POST', url: '/api/v1/leavers', headers: { authorization: `Bearer ${bearer}` }, payload: leaverInput() });
  t.equal((await api(token)).statusCode, 201, 'the new token works');

  const list = await app.inject({ url: '/staff/tokens?lang=en', headers: { cookie: admin } });
  t.match(list.body, /SmartHR/);
  t.notMatch(list.body, token, 'and is never shown again');
  t.match(list.body, new RegExp(new Date().toISOString().slice(0, 10)), 'its last-used day is shown');

  const id = /action="\/staff\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(list.body)![1]!;
  const revoked = await app.inject({
    method: 'POST',
    url: `/staff/tokens/${id}/revoke`,
    headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf(app).field }).toString(),
  });
  t.equal(revoked.statusCode, 303);
  t.equal((await api(token)).statusCode, 401, 'a revoked token stops working');
});
