import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { createSession } from '../server/staff/sessions.ts';
import { csrf, staffCookie, staffUser } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** 本部 > (営業部: 9 answers, 開発部: 6, 法務課: 2), all in 2026-Q2 unless told. */
async function company(t: Test) {
  const ctx = await buildTestApp(t);
  const { app } = ctx;
  const { id: root } = await app.db
    .insertInto('department')
    .values({ name: '本部', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const name of ['営業部', '開発部', '法務課']) await app.db.insertInto('department').values({ name, parent_id: root }).execute();
  let n = 0;
  const answer = async (department: string, count: number, lastDay = '2026-05-15', extra: Record<string, unknown> = {}) => {
    for (let i = 0; i < count; i++) {
      const leaver = await invitedLeaver(app, { employeeId: `E${n++}`, department, lastDay, hireDate: '2021-04-01' });
      const res = await app.inject({
        method: 'POST',
        url: `/s/${leaver.token}/complete`,
        headers: json,
        payload: { answers: validAnswers({ improvement: `comment ${department} ${i}`, ...extra }) },
      });
      t.equal(res.statusCode, 201);
    }
  };
  await answer('営業部', 9);
  await answer('開発部', 6);
  await answer('法務課', 2);
  await invitedLeaver(app, { employeeId: 'NOANSWER', department: '営業部', lastDay: '2026-05-20', hireDate: '2021-04-01' });
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true });
  const { token } = await createApiToken(app.db, 'bi');
  const get = (query: string) =>
    app.inject({ url: `/api/v1/reports/summary?${query}`, headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });
  return { ...ctx, get, root, answer };
}

const suppressedOnly = (value: unknown) => JSON.stringify(value) === '{"suppressed":true}';

t.test('summary by department: small groups and the one that would give them away are suppressed, with no number', async (t) => {
  const { get } = await company(t);
  const res = await get('from=2026-Q2&to=2026-Q2&department=本部&groupBy=department');
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body, { k: 5, total: { suppressed: false, responses: 17, invited: 18 }, department: { name: '本部' } });
  t.equal(body.total.responseRate, 0.944);
  const byName = Object.fromEntries(body.groups.map((g: { label: string; value: unknown }) => [g.label, g.value]));
  t.ok(suppressedOnly(byName['法務課']), '2 answers: suppressed');
  t.ok(suppressedOnly(byName['開発部']), '6 answers, but showing it would give away 法務課 (17 - 9 - 6)');
  t.match(byName['営業部'], { suppressed: false, responses: 9 });
  t.notMatch(res.body, /"responses":2\b|"responses":6\b|"responses":8\b/, 'neither hidden count appears anywhere');
});

t.test('a quarter too small rolls up to the year, with a note', async (t) => {
  const { app, get, answer } = await company(t);
  await answer('営業部', 2, '2026-10-15');
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true });
  const res = await get('from=2026-Q4&to=2026-Q4&department=営業部');
  t.equal(res.statusCode, 200);
  t.match(res.json(), { rolledUp: { reason: 'period', from: '2026-Q1', to: '2026-Q4' }, from: '2026-Q1', to: '2026-Q4' });
});

t.test('measures: reasons, eNPS, would-return and manager support', async (t) => {
  const { get } = await company(t);
  const total = (await get('from=2026-Q1&to=2026-Q4')).json().total;
  t.match(total, {
    responses: 17,
    primaryReasons: [{ code: 'career_growth', count: 17, share: 1 }],
    reasons: [
      { code: 'manager', count: 17 },
      { code: 'pay_benefits', count: 17 },
    ],
    enps: { score: -100, promoters: 0, detractors: 17, distribution: [0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0] },
    wouldReturn: { mean: 4, share4to5: 1 },
    managerSupport: { mean: 2 },
  });
});

t.test('periods: a quarter or a year; several years only by quarter; clear errors', async (t) => {
  const { get } = await company(t);
  t.equal((await get('from=2026-Q1&to=2026-Q4&groupBy=quarter')).json().groups.length, 4);
  const twoYears = await get('from=2025-Q1&to=2026-Q4&groupBy=quarter');
  t.equal(twoYears.statusCode, 200);
  t.same(
    twoYears.json().groups.map((g: { key: string }) => g.key),
    ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'],
  );
  t.equal(twoYears.json().total, null);
  const range = await get('from=2026-Q1&to=2026-Q3');
  t.equal(range.statusCode, 400);
  t.match(range.json().error.message, /one quarter .* or a calendar year/);
  t.equal((await get('from=2025-Q1&to=2026-Q4&groupBy=tenure')).statusCode, 400);
  t.equal((await get('from=2026-Q5&to=2026-Q5')).statusCode, 400);
  t.equal((await get('from=2026-Q1&to=2026-Q4&department=nowhere')).statusCode, 400);
});

t.test('staff: managers see their departments only; comments follow the k rule; exports are aggregated', async (t) => {
  const { app, root } = await company(t);
  const sales = await app.db.selectFrom('department').select('id').where('name', '=', '営業部').executeTakeFirstOrThrow();
  const legal = await app.db.selectFrom('department').select('id').where('name', '=', '法務課').executeTakeFirstOrThrow();
  const manager = await staffUser(app, 'manager', 'boss@example.com');
  await app.db.insertInto('staff_department').values({ user_id: manager.id, department_id: sales.id }).execute();
  const cookie = `${csrf(app).cookie}; honne_session=${await createSession(app.db, manager.id)}`;
  const page = await app.inject({ url: '/staff/insights?year=2026&lang=en', headers: { cookie } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /営業部/);
  t.notMatch(page.body, /開発部|法務課/, 'no other department anywhere on the page');
  t.equal((await app.inject({ url: `/staff/insights?year=2026&department=${legal.id}`, headers: { cookie } })).statusCode, 403);

  const hr = await staffCookie(app, 'hr');
  const comments = await app.inject({ url: `/staff/insights/comments?year=2026&department=${sales.id}`, headers: { cookie: hr } });
  t.equal((comments.body.match(/comment 営業部/g) ?? []).length, 9, 'nine answers in a group of nine');
  const hidden = await app.inject({ url: `/staff/insights/comments?year=2026&department=${legal.id}&lang=en`, headers: { cookie: hr } });
  t.match(hidden.body, /Too few responses/);
  t.notMatch(hidden.body, /comment 法務課/);

  const csv = await app.inject({
    url: `/staff/insights/export?year=2026&format=csv&groupBy=department&department=${root}`,
    headers: { cookie: hr },
  });
  t.equal(csv.statusCode, 200);
  t.equal(csv.body.charCodeAt(0), 0xfeff, 'UTF-8 with BOM for Excel');
  t.match(csv.body, /本部|営業部/);
  t.match(csv.body, /suppressed/);
  t.notMatch(csv.body, /comment/, 'never raw answers');
  const exported = await app.db
    .selectFrom('audit_event')
    .select('action')
    .where('action', 'in', ['report_viewed', 'report_exported'])
    .execute();
  t.ok(
    exported.some((a) => a.action === 'report_exported') && exported.some((a) => a.action === 'report_viewed'),
    'views and exports are audited',
  );
});

t.test('a report is never stale: new answers and new leavers show at once (the remembered year is keyed on the data)', async (t) => {
  const { app, get, answer } = await company(t);
  const before = (await get('from=2026-Q1&to=2026-Q4&department=営業部')).json().total;
  t.match(before, { responses: 9, invited: 10 });
  await answer('営業部', 3);
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true });
  t.match((await get('from=2026-Q1&to=2026-Q4&department=営業部')).json().total, { responses: 12, invited: 13 });
  await invitedLeaver(app, { employeeId: 'LATE', department: '営業部', lastDay: '2026-06-01', hireDate: '2021-04-01' });
  t.match((await get('from=2026-Q1&to=2026-Q4&department=営業部')).json().total, { responses: 12, invited: 14 });
  const moved = await app.db.selectFrom('department').select('id').where('name', '=', '法務課').executeTakeFirstOrThrow();
  const sales = await app.db.selectFrom('department').select('id').where('name', '=', '営業部').executeTakeFirstOrThrow();
  await app.db.updateTable('department').set({ parent_id: sales.id }).where('id', '=', moved.id).execute();
  t.match(
    (await get('from=2026-Q1&to=2026-Q4&department=営業部')).json().total,
    { responses: 14 },
    'a moved department counts under its new parent',
  );
});
