import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../server/db/schema.ts';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import t from 'tap';
import { MIGRATIONS_DIR, migrateToLatest } from '../server/db/migrate.ts';
import { poolRow } from '../server/answers/pool.ts';
import { seal } from '../server/crypto/seal.ts';
import { today } from '../server/shared/dates.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import { countsOf } from '../server/answers/rollup.ts';
import { buildTestApp } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** The rollup, recomputed the slow way from the JSON answers. */
async function naiveRollup(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('response')
    .select(['quarter', 'department_id', 'tenure_band', 'exit_type', 'regrettable', 'answers'])
    .execute();
  const cells = new Map<string, { responses: number; counts: Record<string, number> }>();
  for (const row of rows) {
    const key = [row.quarter, row.department_id, row.tenure_band, row.exit_type, row.regrettable].join('|');
    const cell = cells.get(key) ?? { responses: 0, counts: {} };
    cell.responses++;
    for (const [k, n] of Object.entries(countsOf(row.answers))) cell.counts[k] = (cell.counts[k] ?? 0) + n;
    cells.set(key, cell);
  }
  return cells;
}

/** A department, and pooled answers from it as a completion pools them (one cohort; eNPS and regrettable vary). */
async function pooledAnswersMaker(app: FastifyInstance) {
  const { id: departmentId } = await app.db
    .insertInto('department')
    .values({ name: '営業部', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const surveyVersionId = app.surveys.current('exit-interview').id;
  return ({ enps = 6, regrettable = 'no' }: { enps?: number; regrettable?: 'yes' | 'no' | 'unassessed' } = {}) => ({
    surveyVersionId,
    answers: validAnswers({ enps }),
    cohort: { departmentId, tenureBand: '1to3' as const, exitType: 'voluntary' as const, regrettable, quarter: '2026-Q2' },
  });
}

t.test('released answers are added to the rollup in the release transaction, exactly', async (t) => {
  const { app } = await buildTestApp(t);
  for (let i = 0; i < 12; i++) {
    const leaver = await invitedLeaver(app, {
      employeeId: `R${i}`,
      department: i % 3 ? '営業部' : '開発部',
      lastDay: i % 2 ? '2026-03-31' : '2026-08-31',
      hireDate: '2020-04-01',
    });
    const answers = validAnswers({
      primary_reason: i % 4 ? 'pay_benefits' : 'manager',
      reasons: i % 4 ? ['pay_benefits', 'culture'] : ['manager'],
      enps: i % 11,
      would_return: 1 + (i % 5),
    });
    t.equal(
      (await app.inject({ method: 'POST', url: `/s/${leaver.token}/complete`, headers: json, payload: { answers } })).statusCode,
      201,
    );
    if (i === 5) await app.worker.runOnce();
  }
  await releaseAnswers(app.db, app.keys.answerPool, { k: 1, maxDays: 7, force: true });
  const rollup = await app.db.selectFrom('response_rollup').selectAll().execute();
  const expected = await naiveRollup(app.db);
  t.equal(rollup.length, expected.size);
  for (const row of rollup) {
    const cell = expected.get([row.quarter, row.department_id, row.tenure_band, row.exit_type, row.regrettable].join('|'))!;
    t.same({ responses: row.responses, counts: row.counts }, cell, `cell ${row.quarter} ${row.exit_type}`);
  }
  t.equal(
    rollup.reduce((sum, row) => sum + row.responses, 0),
    12,
  );
});

t.test('a long queue is released whole, a few thousand at a time, and counted exactly once', async (t) => {
  const { app } = await buildTestApp(t);
  const pooled = await pooledAnswersMaker(app);
  // 10,000 answers: 7 columns each would be 70,000 parameters in one INSERT, more than PostgreSQL takes.
  const QUEUE = 10_000;
  const regrets = ['yes', 'no', 'unassessed'] as const;
  const answer = (i: number) => pooled({ enps: i % 11, regrettable: regrets[i % 3]! });
  // Pool rows as busy and quiet hours leave them: batches of 200, 15, 3 and 1, and rows pooled before migration 0011 (one answer, not a list).
  const rows = [];
  for (let i = 0, size = 0; i < QUEUE; i += size) {
    size = Math.min([200, 15, 3, 1, 1][rows.length % 5]!, QUEUE - i);
    if (rows.length % 5 === 4) {
      const id = crypto.randomUUID();
      rows.push({ id, sealed: seal(app.keys.answerPool, JSON.stringify(answer(i)), id), waiting_since: today(), answer_count: 1 });
    } else {
      rows.push(
        poolRow(
          app.keys.answerPool,
          Array.from({ length: size }, (_v, k) => answer(i + k)),
        ),
      );
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await app.db
      .insertInto('answer_pool')
      .values(rows.slice(i, i + 500))
      .execute();
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 7 }), QUEUE);
  // Each release transaction leaves its own xmin on the rows it inserted; whole pool rows, up to 2,000 answers each.
  const { rows: perTransaction } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM response GROUP BY xmin::text`.execute(app.db);
  const sizes = perTransaction.map(({ n }) => n).sort((a, b) => b - a);
  t.ok(
    sizes[0]! <= 2000 && sizes.slice(0, -1).every((n) => n > 1800),
    `whole rows, at most 2,000 answers a transaction: ${sizes.join(', ')}`,
  );
  t.equal((await app.db.selectFrom('answer_pool').select('id').execute()).length, 0, 'the pool is empty');
  const rollup = await app.db.selectFrom('response_rollup').selectAll().execute();
  t.equal(
    rollup.reduce((sum, row) => sum + row.responses, 0),
    QUEUE,
  );
  t.same(rollup.map((row) => [row.regrettable, row.responses]).sort(), [
    ['no', 3333],
    ['unassessed', 3333],
    ['yes', 3334],
  ]);
  const expected = await naiveRollup(app.db);
  for (const row of rollup)
    t.same(row.counts, expected.get([row.quarter, row.department_id, row.tenure_band, row.exit_type, row.regrettable].join('|'))!.counts);
});

t.test('a release stops between transactions once the app is closing, and the rest waits for the next pass', async (t) => {
  const { app } = await buildTestApp(t);
  const answer = (await pooledAnswersMaker(app))();
  const rows = Array.from({ length: 30 }, () =>
    poolRow(
      app.keys.answerPool,
      Array.from({ length: 100 }, () => answer),
    ),
  );
  await app.db.insertInto('answer_pool').values(rows).execute();
  const closing = new AbortController();
  closing.abort();
  t.equal(
    await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 7, signal: closing.signal }),
    2000,
    'one transaction, then it stops',
  );
  t.equal((await app.db.selectFrom('answer_pool').select('id').execute()).length, 10, 'the rest still waits, sealed');
  t.equal(await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 7 }), 1000, 'the next pass releases it');
  const [rollup] = await app.db.selectFrom('response_rollup').select('responses').execute();
  t.equal(rollup!.responses, 3000, 'counted once each');
});

t.test('the migration builds the rollup from responses released before it', async (t) => {
  const database = await testDatabase(t, { empty: true });
  const migrator = new Migrator({ db: database.db, provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }) });
  const before = await migrator.migrateTo('2026-11-21T0005_invitation_lifecycle');
  t.notOk(before.error);
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
  const answers = [validAnswers(), validAnswers({ primary_reason: 'manager', reasons: ['manager', 'manager'], enps: 10 }), { enps: 3 }];
  for (const a of answers) {
    await sql`INSERT INTO response (survey_version_id, department_id, tenure_band, exit_type, quarter, answers)
      VALUES (${version}, ${department}, '3to5', 'voluntary', '2025-Q2', cast(${JSON.stringify(a)}::text AS jsonb))`.execute(database.db);
  }
  await migrateToLatest(database.db);
  const rows = await database.db.selectFrom('response_rollup').selectAll().execute();
  t.equal(rows.length, 1);
  t.equal(rows[0]!.responses, 3);
  t.same(rows[0]!.counts, (await naiveRollup(database.db)).values().next().value!.counts, 'the same counts as the release path computes');
});

t.test('invited counts follow registrations, edits and deletions (triggers)', async (t) => {
  const { app } = await buildTestApp(t);
  const count = async () => {
    const rows = await app.db.selectFrom('invited_rollup').selectAll().where('invited', '!=', 0).orderBy('quarter').execute();
    return rows.map((r) => `${r.quarter} ${r.tenure_band} ${r.exit_type} ${r.invited}`);
  };
  const a = await invitedLeaver(app, { employeeId: 'A', lastDay: '2026-05-15', hireDate: '2021-04-01' });
  await invitedLeaver(app, { employeeId: 'B', lastDay: '2026-06-30', hireDate: '2021-04-01' });
  t.same(await count(), ['2026-Q2 5to10 voluntary 2']);
  const { resendInvitation, issueNewLink } = await import('../server/invitations/resend.ts');
  const { invitationContext } = await import('../server/invitations/context.ts');
  await issueNewLink(app.db, await invitationContext(app), a.id, 'exit-interview');
  await resendInvitation(app.db, await invitationContext(app), a.id, 'exit-interview');
  t.same(await count(), ['2026-Q2 5to10 voluntary 2'], 'a new link or a resend does not count twice');
  await app.db.updateTable('leaver').set({ last_day: '2026-08-01', exit_type: 'involuntary' }).where('id', '=', a.id).execute();
  t.same(await count(), ['2026-Q2 5to10 voluntary 1', '2026-Q3 5to10 involuntary 1'], 'an edit moves the leaver');
  await app.db.deleteFrom('leaver').where('id', '=', a.id).execute();
  t.same(await count(), ['2026-Q2 5to10 voluntary 1'], 'a deletion removes them');
  const { saveSettings, loadSettings } = await import('../server/settings/settings.ts');
  await saveSettings(app.db, { ...(await loadSettings(app.db)), inviteDaysBefore: 10 });
  await invitedLeaver(app, { employeeId: 'C', lastDay: '2099-06-30' });
  t.same(await count(), ['2026-Q2 5to10 voluntary 1'], 'a scheduled leaver is not invited yet');
});
