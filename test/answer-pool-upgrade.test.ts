import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import { sql } from 'kysely';
import t from 'tap';
import { releaseAnswers } from '../server/answers/release.ts';
import { deriveKey, seal } from '../server/crypto/seal.ts';
import { MIGRATIONS_DIR, migrateToLatest } from '../server/db/migrate.ts';
import { testDatabase } from './helpers/database.ts';
import { validAnswers } from './helpers/fixtures.ts';

t.test('answers pooled one per row before migration 0011 count 1 each and are released after it', async (t) => {
  const database = await testDatabase(t, { empty: true });
  const migrator = new Migrator({ db: database.db, provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }) });
  t.notOk((await migrator.migrateTo('2026-11-21T0010_regrettable_cohort')).error);
  const key = deriveKey('a-secret-of-at-least-32-characters-long', 'answer-pool');
  const { id: department } = await database.db
    .insertInto('department')
    .values({ name: '営業部', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: version } = await database.db
    .insertInto('survey_version')
    .values({ survey: 'exit-interview', hash: 'h', definition: sql<string>`'{}'::jsonb` })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const enps of [3, 9]) {
    // As the code before 0011 pooled them: one answer, sealed as a single object.
    const id = crypto.randomUUID();
    const pooled = {
      surveyVersionId: version,
      answers: validAnswers({ enps }),
      cohort: { departmentId: department, tenureBand: '1to3', exitType: 'voluntary', regrettable: 'no', quarter: '2026-Q3' },
    };
    const sealed = seal(key, JSON.stringify(pooled), id);
    await database.db
      .insertInto('answer_pool')
      .values({ id, sealed, waiting_since: '2026-11-01' } as never)
      .execute();
  }
  await migrateToLatest(database.db);
  const counts = await database.db.selectFrom('answer_pool').select('answer_count').execute();
  t.same(
    counts.map((row) => row.answer_count),
    [1, 1],
  );
  await t.rejects(
    database.db
      .insertInto('answer_pool')
      .values({ sealed: Buffer.from('x'), waiting_since: '2026-11-01' } as never)
      .execute(),
    'a new row must say how many answers it holds',
  );
  t.equal(await releaseAnswers(database.db, key, { k: 2, maxDays: 7 }), 2);
  const released = await database.db.selectFrom('response').select(['answers', 'regrettable']).execute();
  t.same(released.map((row) => row.answers.enps).sort(), [3, 9]);
  t.same(
    released.map((row) => row.regrettable),
    ['no', 'no'],
  );
});
