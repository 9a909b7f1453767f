import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { isDayInRange, normaliseDay } from '../server/shared/dates.ts';
import { buildTestApp } from './helpers/app.ts';
import { leaverInput } from './helpers/fixtures.ts';
import { postForm, staffCookie } from './helpers/staff.ts';

// Hire dates, last days and improvement dates are taken from 1900-01-01 to 2200-12-31:
// PostgreSQL has no year 0, and a last day near 9999 overflows the expiry's arithmetic.
const RANGE_EN = 'Give a day from 1900-01-01 to 2200-12-31.';
const RANGE_JA = '1900-01-01 から 2200-12-31 までの日付を入力してください。';

t.test('days: real calendar dates only, and only from 1900-01-01 to 2200-12-31', async (t) => {
  const days = [
    '2026/4/1',
    ' 2024-02-29 ',
    '2000-02-29',
    '2023-02-29',
    '1900-02-29',
    '2100-02-29',
    '2026-04-31',
    '2026-00-10',
    '2026-13-01',
    '2026-01-00',
    '2026-1-32',
    '0000-01-01',
    '26-01-01',
  ];
  t.same(days.map(normaliseDay), [
    '2026-04-01',
    '2024-02-29',
    '2000-02-29',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    '0000-01-01',
    undefined,
  ]);
  const bounds = ['1899-12-31', '1900-01-01', '2200-12-31', '2201-01-01', '9999-12-31', '2026-02-30', '2026/01/05', ' 2026-01-05'];
  t.same(bounds.map(isDayInRange), [false, true, true, false, false, false, false, false]);
});

async function setup(t: Test) {
  const ctx = await buildTestApp(t);
  const { token } = await createApiToken(ctx.app.db, 'hris');
  const call = (method: 'POST' | 'PUT', url: string, payload: unknown, lang = 'en') =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'accept-language': lang }, payload: payload as object });
  const importCsv = (rows: string[], dryRun: boolean) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/v1/leavers/import${dryRun ? '?dryRun=true' : ''}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
      payload: ['employee_id,name,email,department,hire_date,last_day,exit_type,locale', ...rows].join('\n'),
    });
  const leavers = async () => (await ctx.app.db.selectFrom('leaver').select('employee_id').execute()).length;
  return { ...ctx, call, importCsv, leavers };
}

t.test('API: days outside the range and text of only spaces are a 400 naming the field; nothing is written', async (t) => {
  const { app, call, leavers } = await setup(t);
  const refused = async (overrides: Record<string, string>, errors: Array<{ field: string; message: string }>, lang = 'en') => {
    const res = await call('POST', '/api/v1/leavers', leaverInput(overrides), lang);
    t.equal(res.statusCode, 400, JSON.stringify(overrides));
    t.same(res.json().errors, errors);
  };
  await refused({ hireDate: '0000-01-01' }, [{ field: 'hireDate', message: RANGE_EN }]);
  await refused({ hireDate: '1899-12-31' }, [{ field: 'hireDate', message: RANGE_EN }]);
  await refused({ lastDay: '9970-01-01' }, [{ field: 'lastDay', message: RANGE_EN }]);
  await refused(
    { hireDate: '0000-01-01', lastDay: '9999-12-31' },
    [
      { field: 'hireDate', message: RANGE_JA },
      { field: 'lastDay', message: RANGE_JA },
    ],
    'ja',
  );
  const blank = 'Enter more than spaces.';
  await refused({ name: '   ', employeeId: ' \u3000', department: '\t' }, [
    { field: 'employeeId', message: blank },
    { field: 'name', message: blank },
    { field: 'department', message: blank },
  ]);
  await refused({ name: '  ' }, [{ field: 'name', message: '空白だけでなく、文字を入力してください。' }], 'ja');
  t.equal(await leavers(), 0, 'nothing written');

  t.equal(
    (await call('POST', '/api/v1/leavers', leaverInput({ hireDate: '1900-01-01', lastDay: '2200-12-31' }))).statusCode,
    201,
    'the bounds themselves are days',
  );
  const { id } = (await call('POST', '/api/v1/leavers', leaverInput({ employeeId: 'E-PUT', name: 'Put Me' }))).json();
  const put = await call('PUT', `/api/v1/leavers/${id}`, leaverInput({ employeeId: 'E-PUT', lastDay: '9999-12-31', name: ' ' }));
  t.equal(put.statusCode, 400);
  t.same(
    put.json().errors.map((e: { field: string }) => e.field),
    ['name', 'lastDay'],
  );
  const stored = await app.db.selectFrom('leaver').select(['name', 'last_day']).where('id', '=', id).executeTakeFirstOrThrow();
  t.same(stored, { name: 'Put Me', last_day: '2099-03-31' }, 'a refused PUT changes nothing');
});

t.test('CSV import: year 0000 and last days past 2200 are row problems, in the dry run too', async (t) => {
  const { importCsv, leavers } = await setup(t);
  const rows = [
    'E1,Ann,a@example.com,Sales,0000/01/01,2099/03/31,voluntary,en',
    'E2,Bo,b@example.com,Sales,2020-01-06,9990-01-01,voluntary,en',
    'E3,Cy,c@example.com,Sales,2020-01-06,2099-03-31,voluntary,en',
  ];
  for (const dryRun of [true, false]) {
    const res = await importCsv(rows, dryRun);
    t.equal(res.statusCode, 400, dryRun ? 'dry run' : 'import');
    t.same(res.json().problems, [
      { line: 2, field: 'hireDate', message: RANGE_EN },
      { line: 3, field: 'lastDay', message: RANGE_EN },
    ]);
  }
  t.equal(await leavers(), 0, 'nothing written');
});

t.test('improvement form: a start or done day outside the range is a 400 on the form; nothing saved', async (t) => {
  const { app } = await setup(t);
  const hr = await staffCookie(app, 'hr');
  const base = {
    titleJa: '',
    titleEn: 'One-on-ones',
    descriptionJa: '',
    descriptionEn: '',
    status: 'done',
    startedOn: '2026-01-05',
    doneOn: '2026-03-31',
  };
  for (const dates of [{ startedOn: '0000-01-01' }, { doneOn: '9999-12-31' }]) {
    const res = await postForm(app, '/staff/improvements?lang=en', { ...base, ...dates }, hr);
    t.equal(res.statusCode, 400, JSON.stringify(dates));
    if ('doneOn' in dates) t.match(res.body, RANGE_EN, 'the message sits by the field');
  }
  t.equal((await app.db.selectFrom('improvement_action').selectAll().execute()).length, 0, 'nothing saved');
  t.equal((await postForm(app, '/staff/improvements', base, hr)).statusCode, 303, 'days in the range are saved');
});
