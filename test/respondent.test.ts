import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp } from './helpers/app.ts';
import { expireInvitation, invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

t.test("the survey page renders in the leaver's language, with a switch", async (t) => {
  const { app } = await buildTestApp(t);
  const ja = await invitedLeaver(app, { locale: 'ja' });
  const page = await app.inject({ url: `/s/${ja.token}` });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<html lang="ja">/);
  t.match(page.body, /退職者アンケート/);
  t.match(page.body, /href="\?lang=en"/);
  t.equal(page.headers['cache-control'], 'no-store');
  t.equal(page.headers['referrer-policy'], 'no-referrer');
  t.notMatch(page.body, /https?:\/\/(?!honne\.test)[a-z]/i, 'no third-party URL on the page');
  const data = JSON.parse(/<script type="application\/json" id="survey-data">(.*?)<\/script>/s.exec(page.body)![1]!);
  t.equal(data.locale, 'ja');
  t.equal(data.draft, null);
  t.ok(data.versionId);

  const switched = await app.inject({ url: `/s/${ja.token}?lang=en` });
  t.match(switched.body, /<html lang="en">/);
  t.match(switched.body, /Exit interview/);

  const en = await invitedLeaver(app, { locale: 'en' });
  t.match((await app.inject({ url: `/s/${en.token}` })).body, /<html lang="en">/);
});

t.test("unknown, expired and completed links each get their page, in the user's language", async (t) => {
  const { app } = await buildTestApp(t);
  const unknown = await app.inject({ url: '/s/not-a-real-token', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.body, /Link not found/);
  t.match((await app.inject({ url: '/s/not-a-real-token' })).body, /リンクが見つかりません/);

  const expired = await invitedLeaver(app, { lastDay: '2020-01-31', hireDate: '2015-04-01' });
  await expireInvitation(app, expired.invitationId);
  const gone = await app.inject({ url: `/s/${expired.token}` });
  t.equal(gone.statusCode, 410);
  t.match(gone.body, /回答期限が過ぎました/);
  const goneEn = await app.inject({ url: `/s/${expired.token}?lang=en` });
  t.match(goneEn.body, /This survey has closed/);

  const done = await invitedLeaver(app, { locale: 'en' });
  t.equal(
    (await app.inject({ method: 'POST', url: `/s/${done.token}/complete`, headers: json, payload: { answers: validAnswers() } }))
      .statusCode,
    201,
  );
  const again = await app.inject({ url: `/s/${done.token}` });
  t.equal(again.statusCode, 409);
  t.match(again.body, /Thank you, your answers were received/);
  const againJson = await app.inject({
    method: 'POST',
    url: `/s/${done.token}/complete`,
    headers: json,
    payload: { answers: validAnswers() },
  });
  t.equal(againJson.statusCode, 409);
  t.equal(againJson.json().error.code, 'link_completed');
});

t.test('a draft is saved, sealed, and restored when the link is opened again', async (t) => {
  const { app } = await buildTestApp(t);
  const { token, invitationId } = await invitedLeaver(app);
  const answers = { primary_reason: 'manager', reasons: ['relationships'], comments: '秘密のコメント' };
  const saved = await app.inject({ method: 'PUT', url: `/s/${token}/draft`, headers: json, payload: { answers, page: 1 } });
  t.equal(saved.statusCode, 204);

  const row = await app.db.selectFrom('draft').select('sealed').where('invitation_id', '=', invitationId).executeTakeFirstOrThrow();
  t.notOk(row.sealed.toString('utf8').includes('manager'), 'the stored draft is not readable');
  t.notOk(row.sealed.includes(Buffer.from('秘密')), 'not even its Japanese text');

  const page = await app.inject({ url: `/s/${token}` });
  const data = JSON.parse(/id="survey-data">(.*?)<\/script>/s.exec(page.body)![1]!);
  t.same(data.draft, { answers, page: 1 });

  const other = await invitedLeaver(app);
  const otherPage = await app.inject({ url: `/s/${other.token}` });
  t.match(otherPage.body, /"draft":null/, "one link never sees another link's draft");

  t.equal(
    (await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: validAnswers() } })).statusCode,
    201,
  );
  t.equal((await app.db.selectFrom('draft').selectAll().execute()).length, 0, 'the draft is deleted on completion');
});

t.test('drafts of expired links are purged by the worker', async (t) => {
  const { app } = await buildTestApp(t);
  const { token, invitationId } = await invitedLeaver(app);
  await app.inject({ method: 'PUT', url: `/s/${token}/draft`, headers: json, payload: { answers: { enps: 3 }, page: 0 } });
  await app.db.updateTable('invitation').set({ expires_on: sql<string>`current_date - 1` }).where('id', '=', invitationId).execute();
  await app.worker.runOnce();
  t.equal((await app.db.selectFrom('draft').selectAll().execute()).length, 0);
});

t.test("completion validates the answers with survey-core, in the user's language", async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await invitedLeaver(app, { locale: 'en' });
  const bad = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: { primary_reason: 'boredom', enps: 11, would_return: 3, manager_support: 0, nickname: 'x' } },
  });
  t.equal(bad.statusCode, 400);
  const errors = bad.json().errors as Array<{ question: string; message: string }>;
  const by = Object.fromEntries(errors.map((e) => [e.question, e.message]));
  t.equal(by.primary_reason, 'Not one of the choices.');
  t.equal(by.enps, 'Answer between 0 and 10.');
  t.equal(by.manager_support, 'Answer between 1 and 5.');
  t.equal(by.nickname, 'This question is not in the survey.');
  t.match(by.improvement, /required/i);
  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 0, 'nothing stored');

  const ja = await app.inject({ method: 'POST', url: `/s/${token}/complete?lang=ja`, headers: json, payload: { answers: {} } });
  t.match(JSON.stringify(ja.json().errors), /回答が必要です/);

  const tooLong = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'x'.repeat(4001) }) },
  });
  t.equal(tooLong.json().errors[0].question, 'improvement');

  const hidden = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ primary_reason: 'pay_benefits', reasons: [], manager_aspects: ['fairness'] }) },
  });
  t.equal(hidden.statusCode, 201, 'an answer to a question hidden by its condition is dropped, not an error');
});

t.test('two concurrent completions of one link store exactly one response', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await invitedLeaver(app);
  const attempts = await Promise.all(
    Array.from({ length: 5 }, () =>
      app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: validAnswers() } }),
    ),
  );
  t.same(attempts.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409]);
  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 1);
});

t.test('oversized and malformed bodies are refused', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await invitedLeaver(app);
  const huge = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: JSON.stringify({ answers: { comments: 'x'.repeat(300 * 1024) } }),
  });
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().error.code, 'FST_ERR_CTP_BODY_TOO_LARGE');
  const notObject = await app.inject({ method: 'PUT', url: `/s/${token}/draft`, headers: json, payload: { answers: [], page: 'one' } });
  t.equal(notObject.statusCode, 400);
  const broken = await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: '{"answers":' });
  t.equal(broken.statusCode, 400);
  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 0);
});

t.test('the thank-you page invites to the alumni network, separately', async (t) => {
  const { app } = await buildTestApp(t);
  const thanks = await app.inject({ url: '/thanks?lang=ja' });
  t.equal(thanks.statusCode, 200);
  t.match(thanks.body, /ご回答ありがとうございました/);
  t.match(thanks.body, /<aside class="card alumni"/);
  t.match(thanks.body, /href="\/alumni\?lang=ja"/, 'without a join link: the public alumni page');
  const { token, invitationId } = await invitedLeaver(app);
  const survey = await app.inject({ url: `/s/${token}` });
  const join = /"join":"([\w-]+)"/.exec(survey.body)![1]!;
  const own = await app.inject({ url: `/thanks?lang=ja&join=${join}` });
  t.match(own.body, new RegExp(`href="/alumni/join/${join}\\?lang=ja"`), 'the survey page hands its own join link to the thank-you page');
  t.notMatch(join, invitationId.replace(/-/g, ''), 'the join link does not carry the invitation');
  t.match(own.body, `href="?lang=en&amp;join=${join}"`, 'switching language keeps the join link');
  const forged = await app.inject({ url: `/thanks?lang=ja&join=${join.slice(0, -2)}xx` });
  t.match(forged.body, /href="\/alumni\?lang=ja"/, 'a forged join link is not offered');
  const alumni = await app.inject({ url: '/alumni?lang=en' });
  t.match(alumni.body, /You said, we did/);
});
