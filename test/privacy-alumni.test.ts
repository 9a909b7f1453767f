import t from 'tap';
import { sql } from 'kysely';
import { signId } from '../server/alumni/signed-id.ts';
import { linkIn } from './helpers/alumni.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';
import { csrf, postForm } from './helpers/staff.ts';

// The opt-in is about an identified person; the response must stay unlinkable to it.
const ALUMNI = ['alumni', 'alumni_consent', 'alumni_link', 'alumni_session'];
const ANSWERS = ['response', 'answer_pool', 'draft', 'response_rollup'];
/** The member's record itself: kept as long as they are a member. Links and sessions expire within hours. */
const RECORD = ['alumni', 'alumni_consent'];

t.test('the schema: no key between the opt-in and the answers, and no time finer than a day on either record', async (t) => {
  const { app } = await buildTestApp(t);
  const { rows: keys } = await sql<{ from_table: string; to_table: string }>`
    SELECT tc.table_name AS from_table, ccu.table_name AS to_table
    FROM information_schema.table_constraints tc
    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
    WHERE tc.constraint_type = 'FOREIGN KEY'`.execute(app.db);
  const crossing = keys.filter(
    (k) =>
      (ALUMNI.includes(k.from_table) && ANSWERS.includes(k.to_table)) || (ANSWERS.includes(k.from_table) && ALUMNI.includes(k.to_table)),
  );
  t.same(crossing, [], 'no foreign key either way');
  t.same(
    keys.filter((k) => ALUMNI.includes(k.from_table) && ['invitation', 'draft'].includes(k.to_table)),
    [],
    'the opt-in does not reference the invitation',
  );

  const { rows: columns } = await sql<{ table_name: string; column_name: string; data_type: string; column_default: string | null }>`
    SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name IN (${sql.join([...ALUMNI, ...ANSWERS])})`.execute(app.db);
  for (const column of columns.filter((c) => RECORD.includes(c.table_name) || ANSWERS.includes(c.table_name))) {
    t.notMatch(column.data_type, /timestamp|time/, `${column.table_name}.${column.column_name} holds no time of day`);
    t.notMatch(
      column.column_default ?? '',
      /nextval|now\(|clock/,
      `${column.table_name}.${column.column_name} has no sequence or clock default`,
    );
  }
  const named = (tables: string[]) => new Set(columns.filter((c) => tables.includes(c.table_name)).map((c) => c.column_name));
  const answerColumns = named(ANSWERS);
  const shared = [...named(ALUMNI)].filter((name) => answerColumns.has(name)).sort();
  t.same(
    shared,
    ['department_id', 'id'],
    "the only shared names: each table's own random id, and the department (a cohort attribute the leaver record holds anyway)",
  );
});

t.test('the data: a leaver who answers and joins at once leaves no value in common with their response but the department', async (t) => {
  const { app, mail } = await buildTestApp(t, { ANONYMITY_K: '3' });
  const leavers = [await invitedLeaver(app), await invitedLeaver(app), await invitedLeaver(app)];
  const json = { 'content-type': 'application/json' };
  for (const leaver of leavers) {
    const res = await app.inject({
      method: 'POST',
      url: `/s/${leaver.token}/complete`,
      headers: json,
      payload: { answers: validAnswers({ improvement: `comment of ${leaver.input.employeeId}` }) },
    });
    t.equal(res.statusCode, 201);
  }
  const [me] = leavers;
  // Straight from the thank-you page, seconds after answering.
  const join = `/alumni/join/${signId(app.keys.alumniLinks, 'join', me!.id)}`;
  const joined = await app.inject({
    method: 'POST',
    url: join,
    headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: csrf(app).field,
      name: 'Me',
      email: 'me@personal.test',
      locale: 'ja',
      consents: 'newsletter',
    }).toString(),
  });
  t.equal(joined.statusCode, 200);
  // One worker pass sends the verification mail and releases the three answers (k = 3).
  await app.worker.runOnce();
  await postForm(app, linkIn(mail.sent, '/alumni/link/'), {});

  const values = (row: Record<string, unknown>) =>
    new Set(
      Object.values(row)
        .filter((v) => v !== null)
        .map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v))),
    );
  const alumniValues = new Set<string>();
  for (const table of ALUMNI)
    for (const row of await app.db
      .selectFrom(table as 'alumni')
      .selectAll()
      .execute())
      for (const v of values(row)) alumniValues.add(v);
  const responses = await app.db.selectFrom('response').selectAll().execute();
  t.equal(responses.length, 3);
  const mine = responses.find((r) => JSON.stringify(r.answers).includes(me!.input.employeeId))!;
  const common = [...values(mine)].filter((v) => alumniValues.has(v));
  t.same(common, [mine.department_id], 'only the department is in both');
  const record = [
    ...(await app.db.selectFrom('alumni').selectAll().execute()),
    ...(await app.db.selectFrom('alumni_consent').selectAll().execute()),
  ];
  t.notMatch(JSON.stringify(record), /\d{2}:\d{2}/, "the member's record holds no time of day, only days");
  const outbox = await app.db.selectFrom('mail_outbox').select(['invitation_id', 'alumni_id']).where('alumni_id', 'is not', null).execute();
  t.ok(outbox.length > 0 && outbox.every((m) => m.invitation_id === null), 'a mail to a member names the member, never an invitation');
});
