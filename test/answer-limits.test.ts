import { readFileSync } from 'node:fs';
import t from 'tap';
import { hashDefinition, storeSurveyVersions } from '../server/surveys/registry.ts';
import { checkAnswers } from '../server/surveys/validate-answers.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };
const current = JSON.parse(readFileSync(new URL('../surveys/exit-interview.json', import.meta.url), 'utf8'));

t.test('free text: 400 UTF-16 code units pass, 401 are refused, on completion and in drafts', async (t) => {
  const { app } = await buildTestApp(t);
  const complete = async (answers: Record<string, unknown>, lang = 'en') => {
    const { token } = await invitedLeaver(app, { locale: 'en' });
    return app.inject({
      method: 'POST',
      url: `/s/${token}/complete?lang=${lang}`,
      headers: json,
      payload: { answers: validAnswers(answers) },
    });
  };
  const { token } = await invitedLeaver(app, { locale: 'en' });
  const draft = (answers: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/s/${token}/draft?lang=en`, headers: json, payload: { answers, page: 0 } });

  for (const [name, text] of [
    ['ascii', 'x'],
    ['Japanese', 'あ'],
  ] as const) {
    t.equal((await complete({ comments: text.repeat(400) })).statusCode, 201, `400 ${name} characters are accepted`);
    const refused = await complete({ comments: text.repeat(401) });
    t.equal(refused.statusCode, 400, `401 ${name} characters are refused`);
    t.same(refused.json().errors, [{ question: 'comments', message: 'At most 400 characters.' }]);
    t.equal((await draft({ comments: text.repeat(400) })).statusCode, 204, `a draft with 400 ${name} characters is saved`);
    const refusedDraft = await draft({ comments: text.repeat(401) });
    t.equal(refusedDraft.statusCode, 400, `a draft with 401 ${name} characters is refused`);
    t.same(refusedDraft.json().errors, [{ question: 'comments', message: 'At most 400 characters.' }]);
  }
  t.match((await complete({ improvement: 'x'.repeat(401) }, 'ja')).json().errors, [
    { question: 'improvement', message: '400 文字以内で入力してください。' },
  ]);
  t.equal((await complete({ comments: '😀'.repeat(200) })).statusCode, 201, '200 emoji are 400 code units');
  t.equal((await complete({ comments: `${'😀'.repeat(200)}x` })).statusCode, 400, '…and one more character is too many');
  t.same(
    (await complete({ primary_reason: 'other', primary_reason_other: 'x'.repeat(401) })).json().errors,
    [{ question: 'primary_reason_other', message: 'At most 200 characters.' }],
    'a lower limit in the definition still applies, with its own message',
  );
});

t.test('control characters other than tab, LF and CR are refused in free text', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await invitedLeaver(app, { locale: 'en' });
  const bell = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete?lang=en`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'ring\u0007', comments: 'esc\u001b[31m' }) },
  });
  t.equal(bell.statusCode, 400);
  t.same(
    bell
      .json()
      .errors.map((e: { question: string }) => e.question)
      .sort(),
    ['comments', 'improvement'],
  );
  t.match(bell.json().errors[0].message, /control characters/);
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/s/${token}/draft?lang=en`,
        headers: json,
        payload: { answers: { comments: '\u0001' }, page: 0 },
      })
    ).statusCode,
    400,
  );
  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 0);
  const fine = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'one\r\ntwo\n\tthree' }) },
  });
  t.equal(fine.statusCode, 201);
});

t.test('a version that allowed 4,000 characters: its drafts still resume and complete, within 400', async (t) => {
  const { app } = await buildTestApp(t);
  const old = structuredClone(current);
  for (const page of old.pages) for (const element of page.elements) if (element.type === 'comment') element.maxLength = 4000;
  const [stored] = await storeSurveyVersions(app.db, [{ survey: 'exit-interview', hash: hashDefinition(old), definition: old }]);
  t.not(stored!.id, app.surveys.current('exit-interview').id);

  const { token } = await invitedLeaver(app, { locale: 'en' });
  const saved = await app.inject({
    method: 'PUT',
    url: `/s/${token}/draft`,
    headers: json,
    payload: { answers: { comments: 'from before' }, page: 0, surveyVersion: stored!.id },
  });
  t.equal(saved.statusCode, 204);
  const page = await app.inject({ url: `/s/${token}` });
  const data = JSON.parse(/<script type="application\/json" id="survey-data">(.*?)<\/script>/s.exec(page.body)![1]!);
  t.equal(data.versionId, stored!.id, 'the draft resumes on its own version');
  t.same(data.draft.answers, { comments: 'from before' });

  const complete = (comments: string) =>
    app.inject({
      method: 'POST',
      url: `/s/${token}/complete?lang=en`,
      headers: json,
      payload: { answers: validAnswers({ comments }), surveyVersion: stored!.id },
    });
  t.same(
    (await complete('x'.repeat(401))).json().errors,
    [{ question: 'comments', message: 'At most 400 characters.' }],
    'whatever the version says',
  );
  t.equal((await complete('x'.repeat(400))).statusCode, 201);
});

t.test('every string in an answer counts, however nested (the full survey-core model)', async (t) => {
  const definition = { pages: [{ elements: [{ type: 'multipletext', name: 'contact', items: [{ name: 'note' }] }] }] };
  t.same(checkAnswers(definition, { contact: { note: 'x'.repeat(400) } }, 'en').errors, []);
  t.same(checkAnswers(definition, { contact: { note: 'x'.repeat(401) } }, 'en').errors, [
    { question: 'contact', message: 'At most 400 characters.' },
  ]);
  t.same(checkAnswers(definition, { contact: { note: 'a\u0000' } }, 'en').errors, [
    { question: 'contact', message: 'Contains characters that cannot be used (control characters).' },
  ]);
});
