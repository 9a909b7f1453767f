import t from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { readImportFile } from '../server/leavers/import/read-file.ts';
import { buildTestApp } from './helpers/app.ts';

const EN_HEADER = 'employee_id,name,email,department,hire_date,last_day,exit_type,locale';
const fields = (problems: Array<{ line: number; field?: string }>) => problems.map((p) => `${p.line}:${p.field}`).sort();

t.test('the preview lists every problem of every row, not only the first of each', async (t) => {
  const read = readImportFile(
    Buffer.from(
      [
        EN_HEADER,
        // A bad exit type, a bad email and a last day before the hire date.
        'E1,Ann,not-an-email,Sales,2020-01-06,2019-03-31,quit,en',
        // A blank name beside another problem; an unreadable day is not also "out of order".
        'E2,   ,b@example.com,Sales,2020-02-30,2019-03-31,voluntary,xx',
        // A NUL in one field does not hide the others' problems.
        'E3\u0000,Cy,c@,,2020-01-06,2099-03-31,voluntary,en',
      ].join('\n'),
    ),
    'en',
  );
  t.same(fields(read.problems), [
    '2:email',
    '2:exitType',
    '2:lastDay',
    '3:hireDate',
    '3:locale',
    '3:name',
    '4:department',
    '4:email',
    '4:employeeId',
  ]);
  const byField = Object.fromEntries(read.problems.filter((p) => p.line === 2).map((p) => [p.field, p]));
  t.match(byField.lastDay, { messageKey: 'error.dates_order' });
  t.match(byField.exitType, { messageKey: 'import.error.exit_type', params: { value: 'quit' } });
  t.match(
    read.problems.find((p) => p.line === 3 && p.field === 'hireDate'),
    { messageKey: 'import.error.date' },
  );
  t.same(read.rows, []);
});

t.test("the API import answers with all of them, in the reader's language", async (t) => {
  const { app } = await buildTestApp(t);
  const { token } = await createApiToken(app.db, 'hris');
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/leavers/import?dryRun=true',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
    payload: `${EN_HEADER}\nE1,Ann,not-an-email,Sales,2020-01-06,2019-03-31,quit,en\n`,
  });
  t.equal(res.statusCode, 400);
  const body = res.json();
  t.match(body.error, { message: /^3 problems/ });
  t.same(body.problems.map((p: { field: string }) => p.field).sort(), ['email', 'exitType', 'lastDay']);
  t.match(body.problems.find((p: { field: string }) => p.field === 'lastDay').message, 'The last day must not be before the hire date.');
});
