import { type Kysely, sql } from 'kysely';
import t from 'tap';
import { buildApp } from '../server/app.ts';
import type { Database } from '../server/db/schema.ts';
import { createLogger } from '../server/logging.ts';
import { logCapture, memoryTransport, testConfig } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';

/** Real PostgreSQL errors whose detail, message, statement or parameters hold a value. */
const failures: Record<string, (db: Kysely<Database>) => Promise<unknown>> = {
  // Key (email)=(leak-unique@example.com) already exists.
  unique: async (db) => {
    await db.insertInto('staff_user').values({ email: 'leak-unique@example.com', role: 'hr' }).execute();
    await db.insertInto('staff_user').values({ email: 'leak-unique@example.com', role: 'hr' }).execute();
  },
  // Failing row contains (…, LEAK-CHECK…, …).
  check: (db) =>
    db
      .insertInto('department')
      .values({ name: `LEAK-CHECK-${'x'.repeat(200)}` })
      .execute(),
  // invalid input syntax for type uuid: "LEAK-UUID"
  uuid: (db) => sql`SELECT ${'LEAK-UUID'}::uuid`.execute(db),
};

t.test('a PostgreSQL error is logged with its code and names, never the values it carries', async (t) => {
  const database = await testDatabase(t);
  const { lines, stream } = logCapture();
  const app = await buildApp(testConfig(t), { db: database.db, logger: createLogger('trace', stream), mailTransport: memoryTransport() });
  // Through the app's own error handler, as any route's failure is logged.
  app.get('/test/fail/:kind', async (request) => failures[(request.params as { kind: string }).kind]!(app.db));
  await app.ready();
  t.teardown(() => app.close());

  for (const kind of Object.keys(failures)) {
    const res = await app.inject({ url: `/test/fail/${kind}`, headers: { accept: 'application/json' } });
    t.equal(res.statusCode, 500, kind);
    t.notMatch(res.body, /LEAK/i);
  }
  // Wrapped, as a worker task might, and logged by hand.
  const wrapped = await failures.uuid!(app.db).catch((error: unknown) => new Error('task failed', { cause: error }));
  app.log.error({ err: wrapped }, 'background task failed');

  const failed = lines.filter((line) => line.includes('"err"')).map((line) => JSON.parse(line).err);
  t.equal(failed.length, 4, 'every failure is logged');
  t.match(failed[0], {
    type: 'PostgresError',
    code: '23505',
    severity: 'ERROR',
    table: 'staff_user',
    constraint: 'staff_user_email_key',
    message: 'duplicate key value violates unique constraint "staff_user_email_key"',
  });
  t.match(failed[1], { code: '23514', message: 'new row for relation "department" violates check constraint "department_name_check"' });
  t.match(failed[2], {
    code: '22P02',
    message: 'invalid input syntax for type uuid: "…"',
    stack: /^PostgresError: invalid input syntax for type uuid: "…"\n {4}at /,
  });
  t.match(failed[3], { message: 'task failed', cause: { code: '22P02' } });
  for (const err of failed) t.notOk(['detail', 'where', 'query', 'parameters', 'params', 'internalQuery'].some((field) => field in err));
  t.notOk(
    lines.some((line) => /leak/i.test(line)),
    'no log line holds a value',
  );
});
