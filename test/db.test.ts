import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { sql } from 'kysely';
import { connect } from '../server/db/connect.ts';
import { EmbeddedDatabaseBusyError, lockEmbeddedDatabase } from '../server/db/embedded-lock.ts';
import { jsonb } from '../server/db/jsonb.ts';
import { findSurveyVersion, storeSurveyVersions } from '../server/surveys/registry.ts';
import { testDatabase } from './helpers/database.ts';

t.test('both drivers return the same JavaScript types', async (t) => {
  const { db } = await testDatabase(t);
  const { rows } = await sql<Record<string, unknown>>`
    SELECT count(*) AS n, 2::bigint * 3 AS big, 1.5::numeric AS dec, DATE '2026-11-30' AS day,
           now() AS ts, '\\x0102'::bytea AS bytes, ${jsonb({ a: [1, '二'] })} AS doc`.execute(db);
  const row = rows[0]!;
  t.equal(row.n, 1, 'count(*) is a number');
  t.equal(row.big, 6, 'bigint is a number');
  t.equal(row.dec, 1.5, 'numeric is a number');
  t.equal(row.day, '2026-11-30', 'a date is a YYYY-MM-DD string, no time zone shift');
  t.type(row.ts, Date, 'a timestamp is a Date');
  t.ok(Buffer.isBuffer(row.bytes), 'bytea is a Buffer');
  t.same(row.doc, { a: [1, '二'] }, 'jsonb round-trips as an object');
});

t.test('survey versions are stored once per content hash, as objects', async (t) => {
  const { db } = await testDatabase(t);
  const file = { survey: 's', hash: 'h1', definition: { pages: [{ name: 'p' }] } };
  const [first] = await storeSurveyVersions(db, [file]);
  const [again] = await storeSurveyVersions(db, [file]);
  t.equal(first!.id, again!.id);
  const [changed] = await storeSurveyVersions(db, [{ ...file, hash: 'h2', definition: { pages: [] } }]);
  t.not(changed!.id, first!.id);
  t.same((await findSurveyVersion(db, first!.id))!.definition, { pages: [{ name: 'p' }] });
});

t.test('the embedded database is opened by one process at a time', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'honne-lock-'));
  const release = lockEmbeddedDatabase(dir);
  t.throws(() => lockEmbeddedDatabase(dir), EmbeddedDatabaseBusyError, 'a second holder is refused while the first lives');
  await t.rejects(connect({ embeddedDir: dir }), EmbeddedDatabaseBusyError, 'so is a second connection');
  release();
  const again = lockEmbeddedDatabase(dir);
  again();
});

t.test('a lock left by a dead process is taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'honne-lock-'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'honne.lock'), '2147483646');
  const release = lockEmbeddedDatabase(dir);
  t.pass('taken over');
  release();
});

t.test('transactions commit or roll back as a whole, many at once', async (t) => {
  const { db, kind } = await testDatabase(t);
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('department').values({ name: 'Rolled back', parent_id: null }).execute();
      throw new Error('change of mind');
    }),
    /change of mind/,
  );
  t.equal(
    (await db.selectFrom('department').selectAll().where('name', '=', 'Rolled back').execute()).length,
    0,
    'nothing from the failed transaction',
  );

  // More transactions than pooled connections, each reading its own uncommitted row.
  const seen = await Promise.all(
    Array.from({ length: 25 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('department')
          .values({ name: `T${i}`, parent_id: null })
          .execute();
        const mine = await trx.selectFrom('department').select('name').where('name', '=', `T${i}`).executeTakeFirst();
        return mine?.name;
      }),
    ),
  );
  t.same(
    seen,
    Array.from({ length: 25 }, (_, i) => `T${i}`),
  );
  t.equal((await db.selectFrom('department').selectAll().where('name', 'like', 'T%').execute()).length, 25);

  // PGlite's dialect cannot stream (so the app never does); the PostgreSQL driver can.
  if (kind === 'postgres') {
    const streamed: string[] = [];
    for await (const row of db.selectFrom('department').select('name').where('name', 'like', 'T%').orderBy('name').stream(10))
      streamed.push(row.name);
    t.equal(streamed.length, 25, 'large results can be streamed');
  }
});
