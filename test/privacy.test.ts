import t from 'tap';
import { sql } from 'kysely';
import { releaseAnswers } from '../server/answers/release.ts';
import { shuffle } from '../server/crypto/shuffle.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

t.test('the schema has nothing that ties a response to a leaver or an invitation', async (t) => {
  const { app } = await buildTestApp(t);
  const columns = await sql<{ table_name: string; column_name: string; data_type: string; column_default: string | null }>`
    SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name IN ('response', 'answer_pool', 'invitation')`.execute(app.db);
  const of = (table: string) => columns.rows.filter((c) => c.table_name === table);

  t.same(
    of('response')
      .map((c) => c.column_name)
      .sort(),
    ['answers', 'department_id', 'exit_type', 'id', 'quarter', 'regrettable', 'survey_version_id', 'tenure_band'],
  );
  t.same(
    of('answer_pool')
      .map((c) => c.column_name)
      .sort(),
    ['answer_count', 'id', 'sealed', 'set_aside', 'waiting_since'],
  );
  for (const column of [...of('response'), ...of('answer_pool')]) {
    t.notMatch(column.data_type, /timestamp|time/, `${column.table_name}.${column.column_name} holds no time of day`);
    t.notMatch(
      column.column_default ?? '',
      /nextval|now|clock/,
      `${column.table_name}.${column.column_name} has no sequence or clock default`,
    );
  }
  const completion = of('invitation').find((c) => c.column_name === 'completed_on')!;
  t.equal(completion.data_type, 'date', "an invitation's completion is a day, not a time");

  const keys = await sql<{ table_name: string; foreign_table: string }>`
    SELECT tc.table_name, ccu.table_name AS foreign_table
    FROM information_schema.table_constraints tc
    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name IN ('response', 'answer_pool')`.execute(app.db);
  t.same(keys.rows.map((k) => k.foreign_table).sort(), ['department', 'survey_version'], 'only cohort and survey version are referenced');
  const referencing = await sql<{ table_name: string }>`
    SELECT tc.table_name FROM information_schema.table_constraints tc
    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
    WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name IN ('response', 'answer_pool')`.execute(app.db);
  t.same(referencing.rows, [], 'nothing points at a response either');
});

t.test('waiting answers and drafts are sealed: a database reader learns nothing from them', async (t) => {
  const { app } = await buildTestApp(t);
  const { token, invitationId, input } = await invitedLeaver(app);
  const res = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'UNIQUE-MARKER-42' }) },
  });
  t.equal(res.statusCode, 201);
  const [row] = await app.db.selectFrom('answer_pool').selectAll().execute();
  const raw = row!.sealed;
  for (const needle of ['UNIQUE-MARKER-42', 'career_growth', invitationId, input.employeeId]) {
    t.notOk(raw.includes(Buffer.from(needle)), `the pool row does not contain ${needle}`);
  }
  t.equal(row!.waiting_since.length, 10, 'only a day');
});

t.test('answers are released only in classes of k: at full detail at once, generalized after RELEASE_MAX_DAYS', async (t) => {
  const { app } = await buildTestApp(t, { ANONYMITY_K: '3', RELEASE_MAX_DAYS: '7' });
  const policy = { k: 3, maxDays: 7 };
  const complete = async (overrides = {}) => {
    const { token } = await invitedLeaver(app, overrides);
    await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: validAnswers() } });
  };
  const age = () => app.db.updateTable('answer_pool').set({ waiting_since: sql<string>`current_date - 7` }).execute();
  await complete();
  await complete();
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, policy), 0, 'two waiting, k = 3: nothing released');
  t.equal((await app.db.selectFrom('response').selectAll().execute()).length, 0);
  await complete();
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, policy), 3, 'the third of the same cohort releases all three at once');
  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 0);
  const [exact] = await app.db.selectFrom('response').selectAll().execute();
  t.match(
    exact,
    { tenure_band: '10plus', exit_type: 'voluntary', regrettable: 'unassessed', quarter: '2099-Q1' },
    'a class of k costs its members no detail',
  );

  await complete();
  await age();
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, policy), 0, 'one answer alone waits, however long: no class of k fits it');
  await complete({ department: '人事部', exitType: 'retirement' });
  await complete({ department: '経理部', hireDate: '2098-06-01' });
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, policy), 3, 'with two more of its year, the overdue answer goes out with them');
  const generalized = await app.db.selectFrom('response').selectAll().where('department_id', 'is', null).execute();
  t.equal(generalized.length, 3, 'known only as the whole organisation');
  t.match(
    generalized[0],
    { exit_type: null, tenure_band: null, quarter: '2099-Q1' },
    'generalized where they differ, exact where they agree',
  );
});

t.test('an attacker with the whole database cannot line answers up with leavers', async (t) => {
  const { app } = await buildTestApp(t);
  const ROUNDS = 8;
  const SIZE = 12;
  const strategies = [
    'known completion order ~ response ctid',
    'invitation ctid ~ response ctid',
    'invitation xmin ~ response ctid',
    'invitation ctid ~ response id',
    'invitation id ~ response ctid',
    'leaver ctid ~ response ctid',
  ];
  const hits = new Map(strategies.map((s) => [s, 0]));

  for (let round = 0; round < ROUNDS; round++) {
    // Everyone in one cohort, so the coarse attributes say nothing; each answer carries its owner's marker.
    const leavers = [];
    for (let i = 0; i < SIZE; i++) leavers.push(await invitedLeaver(app, { department: `Round ${round}` }));
    const completionOrder = shuffle(leavers);
    for (const leaver of completionOrder) {
      const res = await app.inject({
        method: 'POST',
        url: `/s/${leaver.token}/complete`,
        headers: json,
        payload: { answers: validAnswers({ improvement: `owner:${leaver.invitationId}` }) },
      });
      t.equal(res.statusCode, 201);
    }
    t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: SIZE, maxDays: 7 }), SIZE);

    const ids = leavers.map((l) => l.invitationId);
    const invitations = await sql<{ id: string; leaver_id: string; ctid: string; xmin: string; completed_on: string }>`
      SELECT id, leaver_id, ctid::text, xmin::text, completed_on::text FROM invitation WHERE id = ANY(${ids}::uuid[])`.execute(app.db);
    const leaverRows = await sql<{
      id: string;
      ctid: string;
    }>`SELECT id, ctid::text FROM leaver WHERE id = ANY(${leavers.map((l) => l.id)}::uuid[])`.execute(app.db);
    const responses = await sql<{ id: string; ctid: string; answers: { improvement: string } }>`
      SELECT r.id, r.ctid::text, r.answers FROM response r JOIN department d ON d.id = r.department_id WHERE d.name = ${`Round ${round}`}`.execute(
      app.db,
    );
    t.equal(new Set(invitations.rows.map((r) => r.completed_on)).size, 1, 'every completion carries the same day');

    const ctidKey = (ctid: string) =>
      ctid
        .replace(/[()]/g, '')
        .split(',')
        .map(Number)
        .reduce((page, item) => page * 100000 + item);
    const owner = (response: { answers: { improvement: string } }) => response.answers.improvement.slice('owner:'.length);
    const leaverToInvitation = new Map(invitations.rows.map((r) => [r.leaver_id, r.id]));
    const byCtid = [...responses.rows].sort((a, b) => ctidKey(a.ctid) - ctidKey(b.ctid));
    const byId = [...responses.rows].sort((a, b) => a.id.localeCompare(b.id));
    const guesses: Record<string, [string[], typeof byCtid]> = {
      [strategies[0]!]: [completionOrder.map((l) => l.invitationId), byCtid],
      [strategies[1]!]: [[...invitations.rows].sort((a, b) => ctidKey(a.ctid) - ctidKey(b.ctid)).map((r) => r.id), byCtid],
      [strategies[2]!]: [[...invitations.rows].sort((a, b) => Number(a.xmin) - Number(b.xmin)).map((r) => r.id), byCtid],
      [strategies[3]!]: [[...invitations.rows].sort((a, b) => ctidKey(a.ctid) - ctidKey(b.ctid)).map((r) => r.id), byId],
      [strategies[4]!]: [[...invitations.rows].sort((a, b) => a.id.localeCompare(b.id)).map((r) => r.id), byCtid],
      [strategies[5]!]: [
        [...leaverRows.rows].sort((a, b) => ctidKey(a.ctid) - ctidKey(b.ctid)).map((r) => leaverToInvitation.get(r.id)!),
        byCtid,
      ],
    };
    for (const [strategy, [invitationOrder, responseOrder]] of Object.entries(guesses)) {
      const correct = invitationOrder.filter((id, i) => owner(responseOrder[i]!) === id).length;
      hits.set(strategy, hits.get(strategy)! + correct);
    }
  }
  // Pure guessing gets 1 right per round on average (8 in all, sd ≈ 2.8); an order that
  // followed completion would get 12 per round. 20 is beyond chance with p < 0.001.
  for (const [strategy, correct] of hits) {
    t.ok(correct <= 20, `${strategy}: ${correct} of ${ROUNDS * SIZE} right, no better than chance (≈${ROUNDS})`);
  }
});

t.test('no token, answer, address, name or mail body reaches the logs', async (t) => {
  const { app, logs, mail } = await buildTestApp(t, { ANONYMITY_K: '3' });
  const { createApiToken } = await import('../server/auth/api-tokens.ts');
  const { token: apiToken } = await createApiToken(app.db, 'log test');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/leavers',
    headers: { authorization: `Bearer ${apiToken}` },
    payload: {
      employeeId: 'LOG-1',
      name: 'Secret Person',
      email: 'secret.person@example.com',
      department: 'Legal',
      hireDate: '2020-01-01',
      lastDay: '2099-12-31',
      exitType: 'voluntary',
      locale: 'en',
    },
  });
  t.equal(created.statusCode, 201);
  await app.worker.runOnce();
  const link = /http:\/\/honne\.test\/s\/([A-Za-z0-9_-]+)/.exec(mail.sent[0]!.text)!;
  const token = link[1]!;
  await app.inject({ url: `/s/${token}` });
  await app.inject({ method: 'PUT', url: `/s/${token}/draft`, headers: json, payload: { answers: { comments: 'DRAFT-SECRET' }, page: 0 } });
  await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'ANSWER-SECRET', nope: 1 }) },
  });
  await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'ANSWER-SECRET' }) },
  });
  await app.inject({ url: `/s/${token}/../${token}` });
  await app.inject({ method: 'POST', url: '/api/v1/leavers', headers: { authorization: 'Bearer honne_wrong' }, payload: {} });
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 1 });

  t.ok(logs.length > 10, `captured ${logs.length} log lines`);
  t.ok(
    logs.some((line) => line.includes('/s/[token]')),
    'survey requests are logged with the token redacted',
  );
  const all = logs.join('\n');
  for (const secret of [
    token,
    apiToken,
    'honne_wrong',
    'DRAFT-SECRET',
    'ANSWER-SECRET',
    'career_growth',
    'secret.person@example.com',
    'Secret Person',
    mail.sent[0]!.subject,
  ]) {
    t.notOk(all.includes(secret), `the logs do not contain ${secret.slice(0, 12)}…`);
  }
});
