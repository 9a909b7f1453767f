import t from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { readImportFile } from '../server/leavers/import/read-file.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { csrf, postForm, staffCookie } from './helpers/staff.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };
// The page sends its language with every call (respond.js): the refusal comes before the link is looked up.
const EN_HEADER = 'employee_id,name,email,department,hire_date,last_day,exit_type,locale';
const INVALID_EN = /character that cannot be accepted/;
const INVALID_JA = /使用できない文字/;

t.test('a NUL or a lone surrogate in a survey answer is refused: nothing pooled, the link still open, nothing in the logs', async (t) => {
  const { app, logs } = await buildTestApp(t);
  const { token, invitationId } = await invitedLeaver(app, { locale: 'en' });
  for (const poison of ['POISON-NUL\u0000', 'POISON-SURROGATE x\ud800y', 'POISON-LOW \udc00']) {
    const res = await app.inject({
      method: 'POST',
      url: `/s/${token}/complete?lang=en`,
      headers: json,
      payload: { answers: validAnswers({ comments: poison }) },
    });
    t.equal(res.statusCode, 400, JSON.stringify(poison));
    t.match(res.json(), { error: { code: 'invalid_text', message: INVALID_EN }, errors: [{ field: 'answers.comments' }] });
  }
  const ja = await app.inject({
    method: 'POST',
    url: `/s/${token}/complete?lang=ja`,
    headers: json,
    payload: { answers: validAnswers({ improvement: 'POISON\u0000' }) },
  });
  t.match(ja.json().error.message, INVALID_JA, "in the user's language");

  t.equal((await app.db.selectFrom('answer_pool').selectAll().execute()).length, 0, 'nothing pooled');
  const invitation = await app.db.selectFrom('invitation').select('completed_on').where('id', '=', invitationId).executeTakeFirstOrThrow();
  t.equal(invitation.completed_on, null, 'the link stays open');
  t.equal((await app.inject({ url: `/s/${token}` })).statusCode, 200);
  const done = await app.inject({ method: 'POST', url: `/s/${token}/complete`, headers: json, payload: { answers: validAnswers() } });
  t.equal(done.statusCode, 201, 'and can still be answered');
  t.notOk(
    logs.some((line) => line.includes('POISON')),
    'no log line holds the refused text',
  );
});

t.test('drafts refuse them too, and keep the draft they had', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await invitedLeaver(app, { locale: 'en' });
  const put = (answers: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/s/${token}/draft?lang=en`, headers: json, payload: { answers, page: 0 } });
  t.equal((await put({ comments: 'kept' })).statusCode, 204);
  const refused = await put({ comments: 'x\ud800y' });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().error, { code: 'invalid_text', message: INVALID_EN });
  t.equal((await put({ 'bad\u0000key': 'x' })).statusCode, 400, 'in a key too');
  const page = await app.inject({ url: `/s/${token}` });
  t.match(page.body, /"comments":"kept"/);
});

t.test('the JSON API, query strings and route params', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await createApiToken(app.db, 'hris');
  const auth = { authorization: `Bearer ${token}` };
  const leaver = {
    employeeId: 'E1',
    name: 'Ann Lee',
    email: 'ann@example.com',
    department: 'Sales',
    hireDate: '2021-10-01',
    lastDay: '2099-12-31',
    exitType: 'voluntary',
    locale: 'en',
  };
  for (const [field, value] of [
    ['name', 'Ann\u0000Lee'],
    ['department', 'Sales \ud83d'],
    ['employeeId', '\u0000'],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/leavers',
      headers: { ...auth, 'accept-language': 'en' },
      payload: { ...leaver, [field]: value },
    });
    t.equal(res.statusCode, 400, field);
    t.same(res.json().errors, [{ field, message: res.json().error.message }]);
    t.match(res.json().error.message, INVALID_EN);
  }
  const ja = await app.inject({
    method: 'POST',
    url: '/api/v1/leavers',
    headers: { ...auth, 'accept-language': 'ja' },
    payload: { ...leaver, name: 'a\u0000' },
  });
  t.match(ja.json().error.message, INVALID_JA);
  t.equal((await app.db.selectFrom('leaver').selectAll().execute()).length, 0);

  const search = await app.inject({ url: '/api/v1/leavers?q=a%00b', headers: auth });
  t.equal(search.statusCode, 400, 'a NUL in a query string');
  t.equal(search.json().error.code, 'invalid_text');
  t.equal((await app.inject({ url: '/api/v1/leavers?q=ok', headers: auth })).statusCode, 200);

  const param = await app.inject({ url: '/s/abc%00def', headers: { accept: 'text/html', 'accept-language': 'en' } });
  t.equal(param.statusCode, 400, 'a NUL in a route param');
  t.match(param.body, INVALID_EN);
});

t.test('HTML form posts and multipart file names', async (t) => {
  const { app } = await buildTestApp(t);
  const signIn = await postForm(app, '/staff/sign-in', { email: 'someone\u0000@example.com', password: 'x' });
  t.equal(signIn.statusCode, 400, 'a NUL in a form field');
  t.match(signIn.body, INVALID_JA, 'a page in the default language');

  const hr = await staffCookie(app, 'hr');
  const boundary = '----honne-test';
  const body = Buffer.from(
    [
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf(app).field}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''leavers%00.csv\r\nContent-Type: text/csv\r\n\r\n`,
      `${EN_HEADER}\nE1,Ann,ann@example.com,Sales,2020-01-06,2099-03-31,voluntary,en\r\n--${boundary}--\r\n`,
    ].join(''),
  );
  const upload = await app.inject({
    method: 'POST',
    url: '/staff/leavers/import?lang=en',
    headers: { cookie: hr, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  t.equal(upload.statusCode, 400, "a NUL in an uploaded file's name");
  t.match(upload.body, INVALID_EN);
  t.equal((await app.db.selectFrom('leaver_import').selectAll().execute()).length, 0, 'nothing staged');
});

t.test('CSV import: a NUL in a row is a problem of that row', async (t) => {
  const read = readImportFile(
    Buffer.from(
      `${EN_HEADER}\nE1,Ann\u0000Lee,ann@example.com,Sales,2020-01-06,2099-03-31,voluntary,en\nE2,Bo,bo@example.com,Sales,2020-01-06,2099-03-31,voluntary,en\n`,
    ),
    'en',
  );
  t.match(read.problems, [{ line: 2, field: 'name', messageKey: 'import.error.text' }]);
  t.equal(read.rows.length, 1);

  const { app } = await buildTestApp(t);
  const { token } = await createApiToken(app.db, 'hris');
  const csv = `${EN_HEADER}\nE\u00001,Ann,ann@example.com,Sales,2020-01-06,2099-03-31,voluntary,en\n`;
  for (const dryRun of [true, false]) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/leavers/import?dryRun=${dryRun}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'ja' },
      payload: Buffer.from(csv),
    });
    t.equal(res.statusCode, 400);
    t.match(res.json(), { error: { code: 'import_invalid' }, problems: [{ line: 2, field: 'employeeId', message: /使用できない文字/ }] });
  }
  const query = await app.inject({
    method: 'POST',
    url: '/api/v1/leavers/import?dryRun=%00',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    payload: Buffer.from(csv),
  });
  t.equal(query.statusCode, 400, 'a refused query gets the error body, not a 500 from the response schema');
  t.equal(query.json().error.code, 'invalid_text');
  t.equal((await app.db.selectFrom('leaver').selectAll().execute()).length, 0);
});

t.test('a body nested 100,000 deep is refused with a 400, not a stack overflow', async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await createApiToken(app.db, 'hris');
  const depth = 100_000;
  for (const deep of ['['.repeat(depth) + ']'.repeat(depth), `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/leavers',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en' },
      payload: `{"name":${deep}}`,
    });
    t.equal(res.statusCode, 400);
    t.match(res.json().error, { code: 'too_deep', message: /nested too deeply/ });
  }
  const shallow = await app.inject({ url: '/api/v1/leavers', headers: { authorization: `Bearer ${token}` } });
  t.equal(shallow.statusCode, 200, 'the app carries on');
});
