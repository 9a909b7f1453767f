import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { generalizeLegacyYears } from '../server/answers/legacy.ts';
import { poolRow } from '../server/answers/pool.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { staffCookie } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** 本部 > 営業部, 開発部; answers completed by leavers of a given department, with given answers. */
async function company(t: Test, env: Record<string, string> = {}) {
  const ctx = await buildTestApp(t, { ANONYMITY_K: '5', ...env });
  const { app } = ctx;
  const { id: root } = await app.db
    .insertInto('department')
    .values({ name: '本部', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: Record<string, string> = { 本部: root };
  for (const name of ['営業部', '開発部'])
    ids[name] = (await app.db.insertInto('department').values({ name, parent_id: root }).returning('id').executeTakeFirstOrThrow()).id;
  let n = 0;
  const answer = async (department: string, answers: Record<string, unknown>, leaver: Record<string, string> = {}) => {
    const { token } = await invitedLeaver(app, {
      employeeId: `G${n++}`,
      department,
      lastDay: '2026-05-15',
      hireDate: '2021-04-01',
      ...leaver,
    });
    const res = await app.inject({
      method: 'POST',
      url: `/s/${token}/complete`,
      headers: json,
      payload: { answers: validAnswers(answers) },
    });
    t.equal(res.statusCode, 201);
  };
  const release = () => releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 7, force: true });
  return { ...ctx, ids, answer, release };
}

t.test('comments cannot be isolated by subtracting a reason-filtered view from the unfiltered one', async (t) => {
  const { app, answer, release, ids } = await company(t);
  for (let i = 0; i < 6; i++)
    await answer('営業部', { primary_reason: 'pay_benefits', improvement: `pay ${i}`, comments: `pay note ${i}` });
  await answer('営業部', { primary_reason: 'health', improvement: 'HEALTH-ONE', comments: 'HEALTH-TWO' });
  t.equal(await release(), 7);
  const hr = await staffCookie(app, 'hr');
  const base = `/staff/insights/comments?year=2026&department=${ids['営業部']}&lang=en`;
  const all = await app.inject({ url: base, headers: { cookie: hr } });
  t.match(all.body, /HEALTH-ONE/, 'the group of 7 shows its comments');
  const filtered = await app.inject({ url: `${base}&reason=pay_benefits`, headers: { cookie: hr } });
  t.equal(filtered.statusCode, 200);
  t.match(filtered.body, /id="comments-reason-refused"/, 'the filter is refused: its complement is one person');
  t.notMatch(filtered.body, /pay note/, 'and shows no comment to subtract');
});

t.test('a reason filter is allowed where every part of the group is 0 or at least k', async (t) => {
  const { app, answer, release, ids } = await company(t);
  for (let i = 0; i < 5; i++) await answer('営業部', { primary_reason: 'pay_benefits', comments: `pay note ${i}` });
  for (let i = 0; i < 5; i++) await answer('営業部', { primary_reason: 'career_growth', comments: `career note ${i}` });
  t.equal(await release(), 10);
  const hr = await staffCookie(app, 'hr');
  const res = await app.inject({
    url: `/staff/insights/comments?year=2026&department=${ids['営業部']}&reason=pay_benefits`,
    headers: { cookie: hr },
  });
  t.match(res.body, /pay note 3/);
  t.notMatch(res.body, /career note/);
});

t.test('answers known only at a coarser level count in the totals they fit, never in a finer group, and the report says so', async (t) => {
  const { app, answer, release, ids } = await company(t);
  // 営業部: five alike and two who left otherwise; 開発部: three, no two alike. Five of 営業部 keep
  // their department; the other five can only be stored as the division.
  for (let i = 0; i < 5; i++) await answer('営業部', {});
  for (const exitType of ['involuntary', 'retirement']) await answer('営業部', {}, { exitType });
  for (const exitType of ['voluntary', 'involuntary', 'retirement']) await answer('開発部', {}, { exitType });
  t.equal(await release(), 10);
  const rows = await app.db.selectFrom('response').select(['department_id', 'exit_type']).execute();
  t.equal(
    rows.filter((r) => r.department_id === ids['営業部'] && r.exit_type === 'voluntary').length,
    5,
    'the five alike keep every detail',
  );
  t.equal(rows.filter((r) => r.department_id === ids['本部']).length, 5, 'the rest is stored as the division');

  const { token } = await createApiToken(app.db, 'bi');
  const get = (query: string) =>
    app.inject({ url: `/api/v1/reports/summary?${query}`, headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  const division = await get(`from=2026-Q2&to=2026-Q2&department=${ids['本部']}&groupBy=department`);
  t.match(division.total, { suppressed: false, responses: 10 }, 'the division counts all ten');
  const groups = Object.fromEntries(division.groups.map((g: { label: string; value: unknown }) => [g.label, g.value]));
  t.match(groups['営業部'], { suppressed: false, responses: 5 }, '営業部 counts only the answers known to be there');
  t.same(groups['開発部'], { suppressed: true }, 'nobody is known to be in 開発部');
  t.equal(division.lessDetailed, true, 'and the report says answers are known only at a coarser level');
  const whole = await get(`from=2026-Q2&to=2026-Q2&department=${ids['本部']}`);
  t.equal(whole.lessDetailed, false, 'the division total itself leaves nobody out');
  const hr = await staffCookie(app, 'hr');
  t.match(
    (await app.inject({ url: `/staff/insights?year=2026&department=${ids['本部']}&lang=en`, headers: { cookie: hr } })).body,
    /id="less-detailed"/,
    'the dashboard says so too',
  );
});

t.test('a pool row that cannot be stored is set aside, reported, and never blocks the rest or reaches the logs', async (t) => {
  const { app, answer, release, logs } = await company(t);
  for (let i = 0; i < 5; i++) await answer('営業部', {});
  // Written as an answer pooled before input checks refused such text would have been.
  const poisoned = poolRow(app.keys.answerPool, [
    {
      surveyVersionId: (await app.db.selectFrom('survey_version').select('id').executeTakeFirstOrThrow()).id,
      cohort: {
        departmentId: (await app.db.selectFrom('department').select('id').where('name', '=', '営業部').executeTakeFirstOrThrow()).id,
        tenureBand: '5to10',
        exitType: 'voluntary',
        regrettable: 'unassessed',
        quarter: '2026-Q2',
      },
      answers: validAnswers({ comments: 'POISON\u0000TEXT' }),
    },
  ]);
  await app.db
    .insertInto('answer_pool')
    .values({ ...poisoned, waiting_since: '2026-01-01' })
    .execute();
  t.equal(await release(), 5, 'the five others are released');
  t.equal(await release(), 0, 'and a second pass finds nothing to block on');
  const pool = await app.db.selectFrom('answer_pool').select(['set_aside', 'answer_count']).execute();
  t.same(pool, [{ set_aside: true, answer_count: 1 }], 'the poisoned answer waits, set aside, still sealed');
  const health = await app.inject({ url: '/healthz' });
  t.match(health.json(), { status: 'ok', answersSetAside: 1 });
  const admin = await staffCookie(app, 'admin');
  t.match((await app.inject({ url: '/staff?lang=en', headers: { cookie: admin } })).body, /id="answers-set-aside"/);
  t.notOk(
    logs.some((line) => line.includes('POISON')),
    'no log line carries the text',
  );
});

t.test(
  'answers released at full detail before generalization are generalized per year; a year under k goes back to the pool',
  async (t) => {
    const { app, answer, ids } = await company(t);
    for (const department of ['営業部', '営業部', '営業部', '開発部', '開発部', '開発部']) await answer(department, {});
    await answer('営業部', {}, { lastDay: '2025-11-15', hireDate: '2020-04-01' });
    // Released the old way: one class per person (k = 1), as before migration 0013.
    t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true }), 7);
    await sql`INSERT INTO cohort_generalization_due VALUES (2025), (2026)`.execute(app.db);
    t.equal(await generalizeLegacyYears(app.db, app.keys.answerPool, 5), 2);
    const responses = await app.db.selectFrom('response').select(['department_id', 'quarter']).execute();
    t.same(
      responses.map((r) => r.department_id),
      Array(6).fill(ids['本部']),
      '2026: six answers generalized to the division',
    );
    const rollup = await app.db.selectFrom('response_rollup').select(['department_id', 'responses']).execute();
    t.same(rollup, [{ department_id: ids['本部'], responses: 6 }], 'the rollup counted again from them');
    t.equal(
      (await app.db.selectFrom('answer_pool').select('answer_count').executeTakeFirstOrThrow()).answer_count,
      1,
      '2025 alone: back in the pool, sealed',
    );
    t.equal((await app.db.selectFrom('cohort_generalization_due').selectAll().execute()).length, 0);
  },
);

t.test('a queue of more single-answer rows than one scan takes is released in one call, scan after scan', async (t) => {
  const { app, ids } = await company(t);
  const version = (await app.db.selectFrom('survey_version').select('id').executeTakeFirstOrThrow()).id;
  const cohort = {
    departmentId: ids['営業部']!,
    tenureBand: '5to10' as const,
    exitType: 'voluntary' as const,
    regrettable: 'no' as const,
    quarter: '2026-Q2',
  };
  const rows = Array.from({ length: 2100 }, () =>
    poolRow(app.keys.answerPool, [{ surveyVersionId: version, cohort, answers: validAnswers() }]),
  );
  for (let i = 0; i < rows.length; i += 500)
    await app.db
      .insertInto('answer_pool')
      .values(rows.slice(i, i + 500))
      .execute();
  t.equal(
    await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 30 }),
    2100,
    'the scan stops at 2,000 rows; the next one takes the rest',
  );
});
