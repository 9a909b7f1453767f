import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { staffCookie } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** 営業部 in 2026-Q2: 7 leavers HR marked regrettable, 6 not, 3 not assessed; all answered. */
async function company(t: Test) {
  const ctx = await buildTestApp(t);
  const { app } = ctx;
  await app.db.insertInto('department').values({ name: '営業部', parent_id: null }).execute();
  const leavers = [];
  for (const [regrettable, count] of [
    [true, 7],
    [false, 6],
    [null, 3],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const leaver = await invitedLeaver(
        app,
        { department: '営業部', lastDay: '2026-05-15', hireDate: '2021-04-01' },
        { regrettable, rehireEligibility: null, rehireNote: null },
      );
      const res = await app.inject({
        method: 'POST',
        url: `/s/${leaver.token}/complete`,
        headers: json,
        payload: { answers: validAnswers() },
      });
      t.equal(res.statusCode, 201);
      leavers.push(leaver);
    }
  }
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true });
  const { token } = await createApiToken(app.db, 'bi');
  const get = (query: string) =>
    app.inject({ url: `/api/v1/reports/summary?${query}`, headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });
  return { ...ctx, get, leavers };
}

t.test('regrettable loss is a dimension: grouped, filtered, and suppressed like the others', async (t) => {
  const { app, get } = await company(t);
  const released = await app.db
    .selectFrom('response')
    .select(({ fn }) => ['regrettable', fn.countAll<number>().as('n')])
    .groupBy('regrettable')
    .orderBy('regrettable')
    .execute();
  t.same(
    released.map((r) => [r.regrettable, Number(r.n)]),
    [
      ['no', 6],
      ['unassessed', 3],
      ['yes', 7],
    ],
    'HR’s judgement travels with the answers, nothing more',
  );

  const grouped = (await get('from=2026-Q2&to=2026-Q2&groupBy=regrettable')).json();
  t.match(grouped.total, { responses: 16, invited: 16 });
  const byKey = Object.fromEntries(grouped.groups.map((g: { key: string; value: unknown }) => [g.key, g.value]));
  t.same(byKey.unassessed, { suppressed: true }, '3 answers: suppressed');
  const hidden = grouped.groups.filter((g: { value: { suppressed: boolean } }) => g.value.suppressed).length;
  t.ok(hidden >= 2, 'with the total shown, a second group is hidden too, so 3 = 16 - 7 - 6 cannot be worked out');

  const regrettable = (await get('from=2026-Q1&to=2026-Q4&regrettable=yes')).json();
  t.match(regrettable, { regrettable: 'yes', total: { suppressed: false, responses: 7, invited: 7 } });
  t.match((await get('from=2026-Q1&to=2026-Q4&regrettable=yes&groupBy=exitType')).json().groups[0], {
    key: 'voluntary',
    value: { responses: 7 },
  });

  const crossed = await get('from=2026-Q2&to=2026-Q2&regrettable=yes&groupBy=tenure');
  t.equal(crossed.statusCode, 400, 'tenure band × regrettable is refused rather than shown');
  t.match(crossed.json().error, { code: 'invalid_report', message: /not crossed/ });
  t.equal((await get('from=2026-Q2&to=2026-Q2&regrettable=maybe')).statusCode, 400);
});

t.test('HR changing the judgement later moves the invited count, not the released answers', async (t) => {
  const { app, get, leavers } = await company(t);
  t.match((await get('from=2026-Q1&to=2026-Q4&regrettable=yes')).json().total, { responses: 7, invited: 7 }, 'remembered before the edit');
  await app.db.updateTable('leaver').set({ regrettable: true }).where('id', '=', leavers[7]!.id).execute();
  const year = (await get('from=2026-Q1&to=2026-Q4&regrettable=yes')).json().total;
  t.match(year, { responses: 7, invited: 8 }, 'seen at once; the answers keep the judgement they were given at completion');
  const rollup = await app.db
    .selectFrom('invited_rollup')
    .select(['regrettable', 'invited'])
    .where('invited', '>', 0)
    .orderBy('regrettable')
    .execute();
  t.same(
    rollup.map((r) => [r.regrettable, r.invited]),
    [
      ['no', 5],
      ['unassessed', 3],
      ['yes', 8],
    ],
  );
});

t.test('the dashboard filters by regrettable loss and explains the missing tenure chart', async (t) => {
  const { app } = await company(t);
  const hr = await staffCookie(app, 'hr');
  const all = await app.inject({ url: '/staff/insights?year=2026&lang=en', headers: { cookie: hr } });
  t.equal(all.statusCode, 200);
  t.match(all.body, /By regrettable loss/);
  t.match(all.body, /id="table-tenure"/);
  const filtered = await app.inject({ url: '/staff/insights?year=2026&regrettable=yes&lang=ja', headers: { cookie: hr } });
  t.equal(filtered.statusCode, 200);
  t.match(filtered.body, /id="no-tenure"/);
  t.match(filtered.body, /勤続年数別は表示しません/);
  t.match(filtered.body, /<option value="yes" selected>/);
  t.notMatch(filtered.body, /id="table-tenure"/);
  const csv = await app.inject({
    url: '/staff/insights/export?year=2026&regrettable=yes&format=csv&groupBy=exitType',
    headers: { cookie: hr },
  });
  t.equal(csv.statusCode, 200);
  t.match(csv.body, /voluntary,7,/);
});
