import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { sql } from 'kysely';
import { Model } from 'survey-core';
import { EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from '../server/answers/cohort.ts';
import { ANSWER_SLOT, fitsSlot, openPoolRow, poolRow, type PooledAnswers } from '../server/answers/pool.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import { buildApp } from '../server/app.ts';
import { draftKey } from '../server/crypto/keys.ts';
import { deriveKey, seal } from '../server/crypto/seal.ts';
import { createLogger } from '../server/logging.ts';
import { DRAFT_SIZE, vacuumDrafts } from '../server/respondent/drafts.ts';
import { MAX_ANSWER_LENGTH as TEXT_LIMIT, textLimit } from '../server/surveys/answer-text.ts';
import { SURVEYS_DIR } from '../server/surveys/plugin.ts';
import { buildTestApp, memoryTransport, TEST_SECRET, testConfig } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };
/** IV and tag: what seal() adds to the plaintext. */
const SEAL_OVERHEAD = 28;
/** The most JSON bytes a UTF-16 unit (what the limit counts) can take: 3 (a kanji); a surrogate pair takes 4 for two, JSON's escapes of ", \, tab, LF and CR 2. */
const WIDE = '日';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const longest = <T>(values: readonly T[]): T => values.reduce((a, b) => (bytes(b) > bytes(a) ? b : a));

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The largest answers a definition allows: every question answered, visible or not, at its longest. */
function worstAnswers(definition: object): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of new Model(definition).getAllQuestions() as Array<Record<string, any>>) {
    const type = q.getType() as string;
    const choices = () => q.visibleChoices.map((c: { value: unknown }) => c.value);
    if (type === 'text' || type === 'comment') answers[q.getValueName()] = WIDE.repeat(textLimit(q.getMaxLength()));
    else if (type === 'checkbox' || type === 'tagbox') answers[q.getValueName()] = choices();
    else if (type === 'radiogroup' || type === 'dropdown') answers[q.getValueName()] = longest(choices());
    else if (type === 'rating') answers[q.getValueName()] = longest(q.visibleRateValues.map((v: { value: unknown }) => v.value));
    else if (type === 'boolean') answers[q.getValueName()] = longest([q.getValueTrue(), q.getValueFalse()]);
    else throw new Error(`no worst case for a ${type} question: extend worstAnswers`);
  }
  return answers;
}

const shipped = JSON.parse(readFileSync(join(SURVEYS_DIR, 'exit-interview.json'), 'utf8')) as object;

t.test('the worst case of the shipped survey fits its slot in the pool and its draft size', async (t) => {
  const answers = worstAnswers(shipped);
  const worst: PooledAnswers = {
    surveyVersionId: crypto.randomUUID(),
    cohort: {
      departmentId: crypto.randomUUID(),
      tenureBand: longest(TENURE_BANDS),
      exitType: longest(EXIT_TYPES),
      regrettable: longest(REGRETTABLE),
      quarter: '2026-Q4',
    },
    answers,
  };
  t.ok(fitsSlot(worst), `${bytes(worst)} bytes + 2 fit in ${ANSWER_SLOT}`);
  const draft = bytes({ answers, page: 1000, surveyVersion: crypto.randomUUID() });
  t.ok(draft <= DRAFT_SIZE, `a draft of ${draft} bytes fits in ${DRAFT_SIZE}`);
});

t.test('pool rows are as long as their answer count says, whatever the answers', async (t) => {
  const { app } = await buildTestApp(t);
  const worst: Record<string, unknown> = { ...worstAnswers(shipped), primary_reason: 'other' };
  const sets = [
    validAnswers({ reasons: [], manager_aspects: undefined, primary_reason: 'health', improvement: 'a' }),
    validAnswers({
      improvement: '改'.repeat(TEXT_LIMIT),
      comments: '"\\\n'.repeat(TEXT_LIMIT).slice(0, TEXT_LIMIT),
      liked_most: 'x'.repeat(TEXT_LIMIT),
    }),
    worst,
  ];
  // One at a time (a row each), then all at once (rows of whatever the batches were).
  for (const answers of sets) {
    const { token } = await invitedLeaver(app);
    t.equal((await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers } })).statusCode, 201);
  }
  const leavers = await Promise.all(Array.from({ length: 9 }, () => invitedLeaver(app)));
  const codes = await Promise.all(
    leavers.map(({ token }, i) =>
      app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: sets[i % 3] } }),
    ),
  );
  t.same(
    codes.map((res) => res.statusCode),
    Array(9).fill(201),
  );

  const { rows } = await sql<{
    answer_count: number;
    bytes: number;
  }>`SELECT answer_count, octet_length(sealed) AS bytes FROM answer_pool`.execute(app.db);
  t.same(
    rows.filter((row) => row.bytes !== row.answer_count * ANSWER_SLOT + SEAL_OVERHEAD),
    [],
    'every row: answer_count × ANSWER_SLOT',
  );
  t.equal(
    rows.reduce((sum, row) => sum + row.answer_count, 0),
    12,
  );

  t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true }), 12);
  const released = await app.db.selectFrom('response').select('answers').execute();
  t.equal(released.filter((row) => row.answers.comments === worst.comments).length, 4, 'padded answers open whole');
});

t.test('rows sealed before padding still open, and answers pooled before the limits are sealed again in whole slots', async (t) => {
  const key = deriveKey(TEST_SECRET, 'answer-pool');
  const pooled = (improvement: string): PooledAnswers => ({
    surveyVersionId: crypto.randomUUID(),
    cohort: { departmentId: crypto.randomUUID(), tenureBand: '1to3', exitType: 'voluntary', regrettable: 'no', quarter: '2026-Q3' },
    answers: validAnswers({ improvement }),
  });
  const id = crypto.randomUUID();
  t.same(
    openPoolRow(key, { id, sealed: seal(key, JSON.stringify([pooled('old list')]), id) }).map((p) => p.answers.improvement),
    ['old list'],
  );
  t.same(
    openPoolRow(key, { id, sealed: seal(key, JSON.stringify(pooled('old single')), id) }).map((p) => p.answers.improvement),
    ['old single'],
  );

  // A 4,000-character comment was valid before the limits: a release that re-pools it must not fail.
  const huge = pooled('長'.repeat(4000));
  t.notOk(fitsSlot(huge), 'a completion like it is refused now');
  const row = poolRow(key, [huge, pooled('short')]);
  t.equal(row.sealed.length % ANSWER_SLOT, SEAL_OVERHEAD, 'whole slots');
  t.ok(row.sealed.length > 2 * ANSWER_SLOT, 'more than its count');
  t.same(
    openPoolRow(key, row).map((p) => (p.answers.improvement as string).length),
    [4000, 5],
  );
});

t.test('drafts all have one size, whatever they hold, and old drafts still open', async (t) => {
  const { app } = await buildTestApp(t);
  const drafts = [
    { answers: {}, page: 0 },
    { answers: { primary_reason: 'manager' }, page: 1 },
    { answers: { ...validAnswers(), comments: '秘'.repeat(TEXT_LIMIT) }, page: 2 },
    { answers: worstAnswers(shipped), page: 3 },
  ];
  const leavers = await Promise.all(drafts.map(() => invitedLeaver(app)));
  for (const [i, draft] of drafts.entries()) {
    t.equal((await app.inject({ method: 'PUT', url: `/s/${leavers[i]!.token}/draft`, headers: json, payload: draft })).statusCode, 204);
  }
  // Saved again, smaller: the size does not follow.
  t.equal((await app.inject({ method: 'PUT', url: `/s/${leavers[3]!.token}/draft`, headers: json, payload: drafts[0] })).statusCode, 204);
  const { rows } = await sql<{ bytes: number }>`SELECT octet_length(sealed) AS bytes FROM draft`.execute(app.db);
  t.same(
    rows.map((row) => row.bytes),
    Array(4).fill(DRAFT_SIZE + SEAL_OVERHEAD),
  );

  const restored = async (token: string) =>
    JSON.parse(/id="survey-data">(.*?)<\/script>/s.exec((await app.inject({ url: `/s/${token}` })).body)![1]!).draft;
  t.same(await restored(leavers[2]!.token), drafts[2], 'a padded draft restores as saved');

  // A draft sealed before padding (no trailing spaces) opens as it was.
  const old = await invitedLeaver(app);
  const version = (await app.db.selectFrom('survey_version').select('id').executeTakeFirstOrThrow()).id;
  const sealed = seal(
    draftKey(app.keys, old.token),
    JSON.stringify({ answers: { enps: 3 }, page: 1, surveyVersion: version }),
    old.invitationId,
  );
  await app.db.insertInto('draft').values({ invitation_id: old.invitationId, sealed }).execute();
  t.same(await restored(old.token), { answers: { enps: 3 }, page: 1 });
});

t.test('a length rank ties no pool row to its released answer', async (t) => {
  // The attack of the issue: a pool row shares its xmin with the invitation its statement completed;
  // rank pool rows and released answers by length, and pair them.
  const { app } = await buildTestApp(t);
  const N = 24;
  const leavers = await Promise.all(Array.from({ length: N }, () => invitedLeaver(app)));
  const choices = ['pay_benefits', 'working_conditions', 'job_content', 'career_growth', 'evaluation', 'culture', 'health'];
  const sent = new Map<string, string>();
  // Lengths from 7 to 398 characters, given and completed in random order; a few boxes ticked or many.
  const lengths = shuffled(leavers.map((_l, i) => 7 + 17 * i));
  const codes = [];
  for (const [i, leaver] of leavers.entries()) {
    const improvement = `${i}:`.padEnd(lengths[i]!, 'あ');
    sent.set(leaver.invitationId, improvement);
    const answers = validAnswers({ improvement, reasons: choices.slice(0, i % choices.length) });
    codes.push((await app.inject({ method: 'POST', url: `/s/${leaver.token}/complete`, headers: json, payload: { answers } })).statusCode);
  }
  t.same(codes, Array(N).fill(201));
  const { rows: pooled } = await sql<{ id: string; bytes: number }>`
    SELECT i.id, octet_length(p.sealed) AS bytes FROM invitation i JOIN answer_pool p ON p.xmin = i.xmin
    WHERE i.id = ANY(${leavers.map((l) => l.invitationId)}::uuid[])`.execute(app.db);
  t.equal(pooled.length, N, 'each pool row is tied to its invitation by xmin (one completion a statement)');
  t.equal(new Set(pooled.map((row) => row.bytes)).size, 1, 'and every one has the same length');

  t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 7, force: true }), N);
  const { rows: released } = await sql<{ improvement: string; bytes: number }>`
    SELECT answers->>'improvement' AS improvement, octet_length(answers::text) AS bytes FROM response`.execute(app.db);
  // Equal lengths fall in a random order.
  const byLength = <T extends { bytes: number }>(rows: T[]) => shuffled(rows).sort((a, b) => a.bytes - b.bytes);
  const guesses = byLength(released);
  const right = byLength(pooled).filter((row, rank) => sent.get(row.id) === guesses[rank]!.improvement).length;
  // Chance pairs about 1 of 24 right; 6 or more happen by chance with p < 0.001.
  t.ok(right <= 5, `length rank pairs ${right} of ${N} correctly`);
});

t.test('answers too large for their slot are refused, never sealed at a length of their own', async (t) => {
  // A survey with more free text than the slot holds: the completion and the draft get 400, nothing is stored.
  const config = testConfig(t);
  const dir = join(t.testdirName, 'surveys');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'exit-interview.json'),
    JSON.stringify({ pages: [{ name: 'p', elements: Array.from({ length: 6 }, (_v, i) => ({ type: 'comment', name: `c${i}` })) }] }),
  );
  const database = await testDatabase(t);
  const app = await buildApp(config, {
    db: database.db,
    logger: createLogger('silent'),
    mailTransport: memoryTransport(),
    surveysDir: dir,
  });
  await app.ready();
  t.teardown(() => app.close());
  const { token, invitationId } = await invitedLeaver(app);
  const answers = Object.fromEntries(Array.from({ length: 6 }, (_v, i) => [`c${i}`, WIDE.repeat(TEXT_LIMIT)]));

  const draft = await app.inject({ method: 'PUT', url: `/s/${token}/draft?lang=en`, headers: json, payload: { answers, page: 0 } });
  t.equal(draft.statusCode, 400);
  t.same(draft.json().error, { code: 'draft_too_large', message: 'What was sent is too large.' });
  const done = await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers } });
  t.equal(done.statusCode, 400);
  t.same(done.json().error, { code: 'answers_too_large', message: '送信されたデータが大きすぎます。' });

  t.equal((await app.db.selectFrom('draft').select('sealed').execute()).length, 0, 'no draft');
  t.equal((await app.db.selectFrom('answer_pool').select('id').execute()).length, 0, 'nothing pooled');
  const invitation = await app.db.selectFrom('invitation').select('completed_on').where('id', '=', invitationId).executeTakeFirstOrThrow();
  t.equal(invitation.completed_on, null, 'the link stays open');
  const fewer = { c0: answers.c0, c1: answers.c1, c2: answers.c2, c3: 'short' };
  t.equal(
    (await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: fewer } })).statusCode,
    201,
    'shorter answers are taken',
  );
});

t.test('vacuumDrafts reclaims the drafts completion deleted', async (t) => {
  const { app } = await buildTestApp(t);
  const leavers = await Promise.all(Array.from({ length: 5 }, () => invitedLeaver(app)));
  for (const { token } of leavers) {
    await app.inject({ method: 'PUT', url: `/s/${token}/draft`, headers: json, payload: { answers: { enps: 1 }, page: 1 } });
    t.equal(
      (await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: validAnswers() } })).statusCode,
      201,
    );
  }
  const sizes = async () =>
    (
      await sql<{ heap: number; toast: number }>`
    SELECT pg_relation_size(oid)::int AS heap, pg_relation_size(reltoastrelid)::int AS toast FROM pg_class WHERE relname = 'draft'`.execute(
        app.db,
      )
    ).rows[0]!;
  t.ok((await sizes()).heap > 0, 'the deleted drafts are still on disk');
  await vacuumDrafts(app.db);
  // Every tuple was dead: VACUUM empties the pages, and truncates the table and its TOAST table.
  t.same(await sizes(), { heap: 0, toast: 0 }, 'nothing left of them');
});
