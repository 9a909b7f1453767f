import iconv from 'iconv-lite';
import t, { type Test } from 'tap';
import { createApiToken } from '../server/auth/api-tokens.ts';
import { decodeCsv } from '../server/leavers/import/decode.ts';
import { parseCsv } from '../server/leavers/import/parse-csv.ts';
import { readImportFile } from '../server/leavers/import/read-file.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf, staffCookie } from './helpers/staff.ts';

const JA_HEADER = '社員番号,氏名,メール,部署,入社日,退職日,退職区分,言語';
const EN_HEADER = 'employee_id,name,email,department,hire_date,last_day,exit_type,locale';
const jaRow = (n: number, overrides: Partial<Record<'name' | 'department' | 'lastDay' | 'email', string>> = {}) =>
  `E${String(n).padStart(5, '0')},${overrides.name ?? `山田 太郎${n}`},${overrides.email ?? `e${n}@example.com`},${overrides.department ?? '営業部'},2018/04/01,${overrides.lastDay ?? '2099/03/31'},自己都合,ja`;

t.test('decoding: UTF-8, UTF-8 with BOM, and Shift_JIS from Excel', async (t) => {
  const text = `${JA_HEADER}\r\n${jaRow(1)}\r\n`;
  t.same(decodeCsv(Buffer.from(text, 'utf8')), { text, encoding: 'utf-8' });
  t.same(
    decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])),
    { text, encoding: 'utf-8-bom' },
    'the BOM is dropped',
  );
  const sjis = iconv.encode(text, 'Shift_JIS');
  t.notOk(sjis.equals(Buffer.from(text, 'utf8')), 'the Shift_JIS bytes differ from UTF-8');
  t.same(decodeCsv(sjis), { text, encoding: 'shift_jis' });
  t.same(decodeCsv(iconv.encode('髙橋,①,～', 'cp932')), { text: '髙橋,①,～', encoding: 'shift_jis' }, 'Windows-31J (Excel) characters too');
});

t.test('CSV parsing: quotes, commas and line breaks inside fields, CRLF, blank lines', async (t) => {
  const parsed = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3');
  t.same(
    parsed,
    {
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
        { line: 5, fields: ['1', '', '3'] },
      ],
    },
    'a record is numbered by the line it starts on',
  );
  t.same(parseCsv('a,b\n"open,c\n'), { unclosedQuoteLine: 2 });
});

t.test('reading a file: Japanese or English headers, both date styles, every problem with its line', async (t) => {
  const ok = readImportFile(Buffer.from(`${EN_HEADER}\nE1,Ann,ann@example.com,Sales,2020-01-06,2099-3-31,voluntary,en\n`), 'en');
  t.same(ok.problems, []);
  t.same(ok.rows, [
    {
      line: 2,
      input: {
        employeeId: 'E1',
        name: 'Ann',
        email: 'ann@example.com',
        department: 'Sales',
        hireDate: '2020-01-06',
        lastDay: '2099-03-31',
        exitType: 'voluntary',
        locale: 'en',
      },
    },
  ]);

  const noLocale = readImportFile(
    Buffer.from('社員番号,氏名,メール,部署,入社日,退職日,退職区分\nE2,花子,h@example.com,開発部,2020/01/06,2099/03/31,定年\n'),
    'ja',
  );
  t.match(
    noLocale.rows[0]!.input,
    { locale: 'ja', exitType: 'retirement', hireDate: '2020-01-06' },
    'Japanese labels; locale defaults to ja',
  );

  const bad = readImportFile(
    Buffer.from(
      [
        JA_HEADER,
        jaRow(1),
        'E2,花子,not-an-email,開発部,2020/01/06,2099/03/31,自己都合,ja',
        'E3,次郎,j@example.com,開発部,2020/02/30,2099/03/31,自己都合,ja',
        'E4,四郎,s@example.com,開発部,2020/01/06,2099/03/31,転職,ja',
        'E5,五郎,g@example.com,開発部,2099/04/01,2099/03/31,自己都合,ja',
      ].join('\n'),
    ),
    'ja',
  );
  t.same(
    bad.problems.map((p) => [p.line, p.field]),
    [
      [3, 'email'],
      [4, 'hireDate'],
      [5, 'exitType'],
      [6, 'lastDay'],
    ],
  );
  t.match(bad.problems[0]!.message, /メールアドレス/, "messages in the reader's language");

  t.match(readImportFile(Buffer.from('社員番号,氏名,趣味\nE1,a,b\n'), 'en').problems, [
    { line: 1, messageKey: 'import.error.unknown_column', params: { column: '趣味' } },
    { line: 1, messageKey: 'import.error.missing_column', params: { column: 'email' } },
  ]);
  t.match(readImportFile(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x80]), 'en').problems, [{ messageKey: 'import.error.encoding' }]);
  t.match(readImportFile(Buffer.from(`${JA_HEADER}\n`), 'en').problems, [{ messageKey: 'import.error.empty' }]);
});

async function setup(t: Test) {
  const ctx = await buildTestApp(t);
  const { token } = await createApiToken(ctx.app.db, 'hris');
  const importCsv = (csv: Buffer | string, dryRun = false) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/v1/leavers/import${dryRun ? '?dryRun=true' : ''}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'ja' },
      payload: typeof csv === 'string' ? Buffer.from(csv) : csv,
    });
  const count = async (table: 'leaver' | 'invitation' | 'mail_outbox' | 'department') =>
    (
      await ctx.app.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  return { ...ctx, importCsv, count };
}

t.test('API import: all or nothing, idempotent, updates what changed', async (t) => {
  const { app, importCsv, count, mail } = await setup(t);
  const file = [JA_HEADER, jaRow(1), jaRow(2, { department: '開発部' }), jaRow(3)].join('\r\n');

  const dry = await importCsv(iconv.encode(file, 'Shift_JIS'), true);
  t.equal(dry.statusCode, 200);
  t.same(dry.json(), { dryRun: true, encoding: 'shift_jis', created: 3, updated: 0, unchanged: 0 });
  t.equal(await count('leaver'), 0, 'a dry run writes nothing');

  const broken = await importCsv(`${file}\r\nE9,壊れた行,broken,営業部,2018/04/01,2099/03/31,自己都合,ja`);
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { error: { code: 'import_invalid', message: /1 件の誤り/ }, problems: [{ line: 5, field: 'email' }] });
  t.equal(await count('leaver'), 0, 'one invalid row: nothing written');
  t.equal(await count('department'), 0, 'not even a department');

  const first = await importCsv(iconv.encode(file, 'Shift_JIS'));
  t.equal(first.statusCode, 200);
  t.match(first.json(), { dryRun: false, created: 3, updated: 0, unchanged: 0, invited: 3, scheduled: 0 });
  t.equal(await count('invitation'), 3);
  await app.worker.runOnce();
  t.equal(mail.sent.length, 3, 'each new leaver is invited');
  t.match(mail.sent.find((m) => m.to === 'e2@example.com')!.text, /山田 太郎2 様/, 'Shift_JIS names arrive intact');

  const again = await importCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file)]));
  t.match(again.json(), { created: 0, updated: 0, unchanged: 3 }, 'the same file again (now UTF-8 with BOM) changes nothing');
  t.equal(await count('leaver'), 3);

  const changed = [
    JA_HEADER,
    jaRow(1, { email: 'new1@example.com' }),
    jaRow(2, { department: '開発部', lastDay: '2099/04/30' }),
    jaRow(3),
    jaRow(4),
  ].join('\n');
  t.match((await importCsv(changed, true)).json(), { created: 1, updated: 2, unchanged: 1 });
  t.match((await importCsv(changed)).json(), { created: 1, updated: 2, unchanged: 1 });
  const e1 = await app.db.selectFrom('leaver').selectAll().where('employee_id', '=', 'E00001').execute();
  t.equal(e1.length, 1);
  t.equal(e1[0]!.email, 'new1@example.com');
  const e2 = await app.db
    .selectFrom('leaver')
    .innerJoin('invitation', 'invitation.leaver_id', 'leaver.id')
    .select(['last_day', 'expires_on'])
    .where('employee_id', '=', 'E00002')
    .executeTakeFirstOrThrow();
  t.same(e2, { last_day: '2099-04-30', expires_on: '2099-05-30' }, "a corrected last day moves the open invitation's expiry");

  const dup = await importCsv([JA_HEADER, jaRow(7), jaRow(7)].join('\n'));
  t.equal(dup.statusCode, 400);
  t.match(dup.json().problems, [{ line: 3, field: 'employeeId', message: /2 行目/ }]);

  const audit = await app.db
    .selectFrom('audit_event')
    .select(['action', 'actor_label', 'details'])
    .where('action', '=', 'leavers_imported')
    .execute();
  t.equal(audit.length, 3, 'each import that wrote is audited');
  t.match(audit[0], { actor_label: /^api-token:/, details: { created: 3 } });
});

t.test('staff import: upload, preview, confirm; managers cannot', async (t) => {
  const { app, count } = await setup(t);
  const hr = await staffCookie(app, 'hr');
  const upload = (cookie: string, bytes: Buffer, name = 'leavers.csv') => {
    const boundary = '----honne-test';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf(app).field}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return app.inject({
      method: 'POST',
      url: '/staff/leavers/import',
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
  };
  const file = iconv.encode([JA_HEADER, jaRow(1), jaRow(2)].join('\r\n'), 'Shift_JIS');

  const preview = await upload(hr, file);
  t.equal(preview.statusCode, 200);
  t.match(preview.body, /shift_jis/);
  t.match(preview.body, /新規登録: 2 件/);
  t.match(preview.body, /山田 太郎1/);
  t.equal(await count('leaver'), 0, 'a preview writes no leaver');
  const staged = /action="\/staff\/leavers\/import\/([0-9a-f-]{36})"/.exec(preview.body)![1]!;
  const stagedRow = await app.db.selectFrom('leaver_import').select('sealed').executeTakeFirstOrThrow();
  t.notOk(stagedRow.sealed.includes(Buffer.from('E00001')), 'the staged file is sealed');

  const otherHr = await staffCookie(app, 'hr');
  const confirm = (cookie: string) =>
    app.inject({
      method: 'POST',
      url: `/staff/leavers/import/${staged}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrf(app).field}`,
    });
  t.equal((await confirm(otherHr)).statusCode, 410, 'only the uploader can confirm their preview');
  const done = await confirm(hr);
  t.equal(done.statusCode, 200);
  t.match(done.body, /新規 2 件/);
  t.equal(await count('leaver'), 2);
  t.equal((await confirm(hr)).statusCode, 410, 'a preview is used once');

  const bad = await upload(hr, Buffer.from(`${EN_HEADER}\nE1,Ann,bad-email,Sales,2020-01-06,2099-03-31,voluntary,en\n`));
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /id="import-problems"/);
  t.notMatch(bad.body, /\/staff\/leavers\/import\/[0-9a-f-]{36}/, 'no confirm button when a row is invalid');

  t.equal((await upload(await staffCookie(app, 'manager'), file)).statusCode, 403);
});
