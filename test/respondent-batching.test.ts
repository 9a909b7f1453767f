import t from 'tap';
import { sql } from 'kysely';
import { openPoolRow } from '../server/answers/pool.ts';
import { coalesce } from '../server/db/coalesce.ts';
import { completeAndPool } from '../server/respondent/complete-and-pool.ts';
import { findInvitationsByTokens } from '../server/respondent/invitation-by-token.ts';
import { buildTestApp } from './helpers/app.ts';
import { expireInvitation, invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

t.test('coalesce sends the calls of one turn as one batch, and answers each in order', async (t) => {
  const batches: number[][] = [];
  const double = coalesce(async (items: number[]) => {
    batches.push(items);
    return items.map((n) => n * 2);
  });
  t.same(await Promise.all([double(1), double(2), double(3)]), [2, 4, 6]);
  t.same(await double(4), 8, 'a lone call goes at the end of its turn');
  const first = double(5);
  await nextTurn();
  const second = double(6);
  t.same(await Promise.all([first, second]), [10, 12]);
  t.same(batches, [[1, 2, 3], [4], [5], [6]], 'a later turn makes another batch');
});

t.test('coalesce splits at the size limit and fails every call of a failed batch', async (t) => {
  const sizes: number[] = [];
  const echo = coalesce(async (items: string[]) => {
    sizes.push(items.length);
    if (items.includes('boom')) throw new Error('database gone');
    return items;
  }, 3);
  t.same(await Promise.all(['a', 'b', 'c', 'd', 'e'].map(echo)), ['a', 'b', 'c', 'd', 'e']);
  t.same(sizes, [3, 2]);
  const outcomes = await Promise.allSettled(['x', 'boom'].map(echo));
  t.same(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  t.match((outcomes[0] as PromiseRejectedResult).reason, { message: 'database gone' });
  const short = coalesce(async (items: number[]) => items.slice(1));
  await t.rejects(Promise.all([short(1), short(2)]), /2 items/, 'an answer per item or none');
});

t.test('a batch of lookups answers each link, unknown ones included, in the order asked', async (t) => {
  const { app } = await buildTestApp(t);
  const open = await invitedLeaver(app, { locale: 'en' });
  const expired = await invitedLeaver(app);
  await expireInvitation(app, expired.invitationId);
  const found = await findInvitationsByTokens(app.db, ['no-such-link', expired.token, open.token, open.token]);
  t.same(
    found.map((invitation) => invitation?.state),
    [undefined, 'expired', 'open', 'open'],
  );
  t.equal(found[2]!.id, open.invitationId);
  t.equal(found[2]!.locale, 'en');
  t.same(await findInvitationsByTokens(app.db, []), []);
});

t.test('a batch completes each open link once and pools their answers in one sealed row', async (t) => {
  const { app } = await buildTestApp(t);
  const [a, b, expired, done] = await Promise.all(Array.from({ length: 4 }, () => invitedLeaver(app)));
  await expireInvitation(app, expired!.invitationId);
  t.same(await completeAndPool(app.db, app.keys.answerPool, [completion(app, done!.invitationId, { enps: 0 })]), [true]);
  const batch = [a!, b!, a!, expired!, done!].map((leaver, i) => completion(app, leaver.invitationId, { enps: i + 1 }));
  t.same(
    await completeAndPool(app.db, app.keys.answerPool, batch),
    [true, true, false, false, false],
    'a second completion in the same batch is not sent',
  );
  const rows = await app.db.selectFrom('answer_pool').select(['id', 'sealed', 'answer_count']).orderBy('answer_count').execute();
  t.same(
    rows.map((row) => row.answer_count),
    [1, 2],
    'the earlier completion, then the batch without the links that were not open',
  );
  t.same(
    openPoolRow(app.keys.answerPool, rows[1]!)
      .map((pooled) => pooled.answers.enps)
      .sort(),
    [1, 2],
    'only the answers of the links completed',
  );
  const marked = await app.db.selectFrom('invitation').select(['id', 'completed_on']).where('completed_on', 'is not', null).execute();
  t.same(marked.map((row) => row.id).sort(), [a!.invitationId, b!.invitationId, done!.invitationId].sort());
});

t.test('concurrent batches that name the same link complete it once', async (t) => {
  const { app } = await buildTestApp(t);
  const leaver = await invitedLeaver(app);
  const others = await Promise.all(Array.from({ length: 4 }, () => invitedLeaver(app)));
  const results = await Promise.all(
    others.map((other, i) =>
      completeAndPool(app.db, app.keys.answerPool, [
        completion(app, other.invitationId, { enps: i }),
        completion(app, leaver.invitationId, { enps: 9 }),
      ]),
    ),
  );
  t.same(
    results.map(([other]) => other),
    [true, true, true, true],
    'the other link of each batch completes whether or not it lost the shared one',
  );
  t.equal(results.filter(([, shared]) => shared).length, 1, 'the shared link completes once');
  const pooled = await app.db.selectFrom('answer_pool').select(['id', 'sealed']).execute();
  const enps = pooled.flatMap((row) => openPoolRow(app.keys.answerPool, row).map((answers) => answers.answers.enps)).sort();
  t.same(enps, [0, 1, 2, 3, 9].sort(), 'five answers pooled: one per link completed');
});

t.test('inside a pool row the answers are not in the order the requests came in', async (t) => {
  const { app } = await buildTestApp(t);
  const leavers = await Promise.all(Array.from({ length: 30 }, () => invitedLeaver(app)));
  const batch = leavers.map((leaver, i) => completion(app, leaver.invitationId, { improvement: `#${i}` }));
  t.same(await completeAndPool(app.db, app.keys.answerPool, batch), Array(30).fill(true));
  const [row] = await app.db.selectFrom('answer_pool').select(['id', 'sealed']).execute();
  const order = openPoolRow(app.keys.answerPool, row!).map((pooled) => pooled.answers.improvement);
  t.same([...order].sort(), batch.map((c) => c.pooled.answers.improvement).sort(), 'all thirty, once each');
  t.notSame(
    order,
    batch.map((c) => c.pooled.answers.improvement),
    'shuffled (arrival order: a 1 in 30! chance)',
  );
});

t.test('batches that share links in opposite orders do not deadlock', async (t) => {
  const { app } = await buildTestApp(t);
  // Enough other links that PostgreSQL finds each row by its index, in the order the batch names them.
  const other = await invitedLeaver(app);
  await sql`
    INSERT INTO invitation (leaver_id, survey, token_hash, expires_on)
    SELECT ${other.id}, 'exit-interview', sha256(g::text::bytea), current_date + 30 FROM generate_series(1, 20000) g`.execute(app.db);
  await sql`ANALYZE invitation`.execute(app.db);
  for (let round = 0; round < 15; round++) {
    const [x, y, z] = await Promise.all(Array.from({ length: 3 }, () => invitedLeaver(app)));
    const ids = [x!, y!, z!].map((leaver) => leaver.invitationId);
    const results = await Promise.all([
      completeAndPool(
        app.db,
        app.keys.answerPool,
        ids.map((id) => completion(app, id)),
      ),
      completeAndPool(
        app.db,
        app.keys.answerPool,
        [...ids].reverse().map((id) => completion(app, id)),
      ),
    ]);
    t.same(
      results[0]!.map((done, i) => Number(done) + Number(results[1]![2 - i])),
      [1, 1, 1],
      `round ${round}: each link completed once`,
    );
  }
});

t.test('a burst of completions shares the batches, and every link gets its own answer', async (t) => {
  const { app } = await buildTestApp(t);
  const leavers = await Promise.all(Array.from({ length: 20 }, () => invitedLeaver(app)));
  const expired = await invitedLeaver(app);
  await expireInvitation(app, expired.invitationId);
  const post = (token: string, answers = validAnswers()) =>
    app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers } });
  const burst = await Promise.all([
    ...leavers.map((leaver) => post(leaver.token)),
    post(leavers[0]!.token),
    post('no-such-link'),
    post(expired.token),
    post(leavers[1]!.token, validAnswers({ enps: 99 })),
  ]);
  const codes = burst.map((response) => response.statusCode);
  t.same(codes.slice(0, 20), Array(20).fill(201), 'every open link completed');
  t.same(codes.slice(20), [409, 404, 410, 400], 'a second completion, an unknown link, an expired one, answers out of range');
  const pooled = await app.db
    .selectFrom('answer_pool')
    .select((eb) => eb.fn.sum<number>('answer_count').as('answers'))
    .executeTakeFirstOrThrow();
  t.equal(Number(pooled.answers), 20);
});

/** A completion as the route would pool it; `answers` tells them apart. */
function completion(app: Awaited<ReturnType<typeof buildTestApp>>['app'], invitationId: string, answers: Record<string, unknown> = {}) {
  const pooled = {
    surveyVersionId: app.surveys.current('exit-interview').id,
    answers: validAnswers(answers),
    cohort: {
      departmentId: '00000000-0000-4000-8000-000000000000',
      tenureBand: 'lt1' as const,
      exitType: 'voluntary' as const,
      regrettable: 'unassessed' as const,
      quarter: '2026-Q4',
    },
  };
  return { invitationId, pooled };
}
