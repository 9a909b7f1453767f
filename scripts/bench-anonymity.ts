/**
 * bench:anonymity: what k-anonymous release costs in detail, for several
 * RELEASE_MAX_DAYS. Seeds the demo company (2,000 leavers over 8 quarters) in its
 * own database, takes each completed leaver's cohort as the pool held it, lets
 * each complete on a day within four weeks of their last day, and replays the
 * release day by day (plan.ts, as the worker does; k = ANONYMITY_K, default 5).
 * Reports, per wait, the share of answers stored with each attribute coarser than
 * it was, the share kept fully exact, and how many still wait. Also the one-batch
 * release the demo itself does. Needs DATABASE_URL (an admin connection).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cohort, quarterOf, regrettableOf, tenureBand } from '../server/answers/cohort.ts';
import { departmentPaths } from '../server/answers/generalize.ts';
import { type OpenedRow, planRelease } from '../server/answers/plan.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { seededRandom } from '../server/demo/answers.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { createLogger } from '../server/logging.ts';
import { addDays, today } from '../server/shared/dates.ts';
import { scratchDatabase } from './bench/scratch-database.ts';

const K = Number(process.env.ANONYMITY_K ?? 5);
const WAITS = [7, 30, 91];
const scratch = await scratchDatabase('bench:anonymity');
const handle = await connect({ databaseUrl: scratch.url, maxConnections: 4 });
const dataDir = mkdtempSync(join(tmpdir(), 'honne-bench-anonymity-'));
try {
  await migrateToLatest(handle.db);
  const config = loadConfig({
    SECRET: randomBytes(32).toString('base64url'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: scratch.url,
  });
  const app = await buildApp(config, {
    db: handle.db,
    logger: createLogger('silent'),
    mailTransport: { send: async () => 'none', close() {} },
  });
  await seedDemo(app, 2000);
  const departments = await app.db.selectFrom('department').select(['id', 'parent_id']).execute();
  const paths = departmentPaths(departments);
  const leavers = await app.db
    .selectFrom('leaver')
    .innerJoin('invitation', 'invitation.leaver_id', 'leaver.id')
    .select(['leaver.department_id', 'leaver.hire_date', 'leaver.last_day', 'leaver.exit_type', 'leaver.regrettable'])
    .where('invitation.completed_on', 'is not', null)
    .execute();
  await app.close();
  const random = seededRandom(11);
  const now = today();
  const answers = leavers.map((l, i) => {
    const cohort: Cohort = {
      departmentId: l.department_id!,
      tenureBand: tenureBand(l.hire_date, l.last_day),
      exitType: l.exit_type,
      regrettable: regrettableOf(l.regrettable),
      quarter: quarterOf(l.last_day),
    };
    // Days compare as strings ('YYYY-MM-DD'); nobody completes after today.
    const completed = [addDays(l.last_day, Math.floor(random() * 28)), now].sort()[0]!;
    return { id: String(i), cohort, completed };
  });
  console.log(`bench:anonymity: demo company, ${answers.length} answers, k = ${K}`);
  console.log(
    'release'.padEnd(22),
    'exact',
    'organisation',
    'parent dept',
    'year only',
    'any tenure',
    'any exit',
    'any regret',
    'waiting'.padStart(8),
  );
  for (const wait of [...WAITS, 'one batch' as const])
    report(String(wait === 'one batch' ? wait : `RELEASE_MAX_DAYS=${wait}`), replay(answers, paths, wait));
} finally {
  await handle.close();
  await scratch.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

type Answer = { id: string; cohort: Cohort; completed: string };
type Released = ReturnType<typeof planRelease>['released'];

/** Day by day: the day's completions join the pool, then one release pass. */
function replay(answers: Answer[], paths: Map<string, string[]>, wait: number | 'one batch'): { released: Released; waiting: number } {
  const row = (a: Answer): OpenedRow => ({
    id: a.id,
    waitingSince: a.completed,
    answers: [{ surveyVersionId: 'v', cohort: a.cohort, answers: {} }],
  });
  if (wait === 'one batch') {
    const plan = planRelease(answers.map(row), paths, { k: K, maxDays: 0, force: true });
    return { released: plan.released, waiting: answers.length - plan.released.length };
  }
  const days = [...new Set(answers.map((a) => a.completed))].sort();
  const released: Released = [];
  let pool: OpenedRow[] = [];
  for (let day = days[0]!; day <= addDays(today(), wait); day = addDays(day, 1)) {
    pool.push(...answers.filter((a) => a.completed === day).map(row));
    const plan = planRelease(pool, paths, { k: K, maxDays: wait }, day);
    released.push(...plan.released);
    const gone = new Set(plan.released.map((r) => r.pooled));
    pool = pool.filter((r) => !gone.has(r.answers[0]!));
  }
  return { released, waiting: pool.length };
}

function report(label: string, { released, waiting }: { released: Released; waiting: number }) {
  const share = (test: (r: Released[number]) => boolean) =>
    `${((100 * released.filter(test).length) / released.length).toFixed(0)}%`.padStart(6);
  const exact = (r: Released[number]) =>
    r.cohort.departmentId === r.pooled.cohort.departmentId &&
    r.cohort.quarter !== null &&
    r.cohort.tenureBand !== null &&
    r.cohort.exitType !== null &&
    r.cohort.regrettable !== null;
  console.log(
    label.padEnd(22),
    share(exact),
    share((r) => r.cohort.departmentId === null).padStart(12),
    share((r) => r.cohort.departmentId !== null && r.cohort.departmentId !== r.pooled.cohort.departmentId).padStart(11),
    share((r) => r.cohort.quarter === null).padStart(9),
    share((r) => r.cohort.tenureBand === null).padStart(10),
    share((r) => r.cohort.exitType === null).padStart(8),
    share((r) => r.cohort.regrettable === null).padStart(10),
    String(waiting).padStart(8),
  );
}
