/**
 * bench:pdf: the demo company (2,000 leavers through the respondent route), grown
 * to 500 departments whose extra sections get answers through the release code
 * path (response rows and addToRollup); then one department's quarterly PDF
 * (p50/p95 of 20), and the whole batch of 500 to a temporary folder through the
 * CLI in its own process, with that process's peak RSS. Needs DATABASE_URL (an admin connection): creates and drops
 * its own database, so the embedded engine's memory is not counted as the app's.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase } from './bench/scratch-database.ts';
import { quarterOf, REGRETTABLE, TENURE_BANDS } from '../server/answers/cohort.ts';
import { today } from '../server/shared/dates.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config/config.ts';
import { connect } from '../server/db/connect.ts';
import { jsonb } from '../server/db/jsonb.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { demoAnswers, pick, seededRandom } from '../server/demo/answers.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { addToRollup } from '../server/answers/rollup.ts';
import { createLogger } from '../server/logging.ts';
import { buildQuarterlyReport } from '../server/reports/build.ts';
import { previousQuarter } from '../server/shared/dates.ts';

const DEPARTMENTS = Number(process.env.BENCH_DEPARTMENTS ?? 500);
const scratch = await scratchDatabase('bench:pdf');
const url = scratch.url;
const dataDir = mkdtempSync(join(tmpdir(), 'honne-bench-pdf-'));
const handle = await connect({ databaseUrl: url, maxConnections: 4 });
try {
  await migrateToLatest(handle.db);
  const config = loadConfig({ SECRET: randomBytes(32).toString('base64url'), DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: url });
  const app = await buildApp(config, {
    db: handle.db,
    logger: createLogger('silent'),
    mailTransport: { send: async () => 'none', close() {} },
  });
  await app.ready();
  await seedDemo(app, 2000);
  const random = seededRandom(11);
  const parents = await handle.db.selectFrom('department').select(['id', 'name']).where('parent_id', 'is not', null).execute();
  const [version] = await handle.db.selectFrom('survey_version').select('id').execute();
  const quarter = previousQuarter(quarterOf(today()));
  const quarters = [quarter, previousQuarter(quarter), previousQuarter(previousQuarter(quarter))];
  const existing = (await handle.db.selectFrom('department').select('id').execute()).length;
  for (let i = existing; i < DEPARTMENTS; i++) {
    const parent = parents[i % parents.length]!;
    const { id } = await handle.db
      .insertInto('department')
      .values({ name: `${parent.name} 第${i}課`, parent_id: parent.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const responses = Array.from({ length: 5 + Math.floor(random() * 30) }, () => {
      const exit = pick(random, [
        ['voluntary', 80],
        ['contract_end', 12],
        ['retirement', 4],
        ['involuntary', 4],
      ] as Array<[string, number]>);
      return {
        quarter: quarters[Math.floor(random() * 3)]!,
        department_id: id,
        tenure_band: TENURE_BANDS[Math.floor(random() * 5)]!,
        exit_type: exit,
        regrettable: REGRETTABLE[Math.floor(random() * 3)]!,
        answers: demoAnswers(random, 'ja', exit),
      };
    });
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('response')
        .values(responses.map((r) => ({ ...r, survey_version_id: version!.id, answers: jsonb(r.answers) })) as never)
        .execute();
      await addToRollup(trx, responses);
    });
  }
  const departments = await handle.db.selectFrom('department').select(['id', 'name']).orderBy('name').execute();
  console.log(
    `bench:pdf: ${departments.length} departments, quarter ${quarter} (RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
  );

  const sample = departments.find((d) => d.name.startsWith('営業本部'))!;
  await buildQuarterlyReport(app, quarter, sample.id, { all: true }, 'ja');
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const { pdf } = await buildQuarterlyReport(app, quarter, sample.id, { all: true }, 'ja');
    times.push(performance.now() - started);
    bytes = pdf.length;
  }
  times.sort((a, b) => a - b);
  console.log(
    `one report (${sample.name}, ${(bytes / 1024).toFixed(0)} KiB): p50 ${times[10]!.toFixed(0)} ms, p95 ${times[19]!.toFixed(0)} ms (target < 300 ms)`,
  );

  await app.close();
  console.log(`this process's peak RSS, seeding included: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  // The batch as HR runs it (npm run honne, with its flags): the CLI in its own process, whose peak memory is the batch's alone.
  const out = join(dataDir, 'reports');
  const cli = spawnSync('npm', ['run', '--silent', 'honne', '--', 'reports', 'quarterly', '--quarter', quarter, '--out', out], {
    env: { ...process.env, DATABASE_URL: url, SECRET: config.secret, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  const summary = /Wrote (\d+) report\(s\) to .* in ([\d.]+) s, peak memory (\d+) MiB/.exec(cli.stdout);
  if (cli.status !== 0 || !summary) throw new Error(`the CLI batch failed: ${cli.stdout}${cli.stderr}`);
  console.log(
    `batch (npm run honne -- reports quarterly): ${summary[1]} reports in ${summary[2]} s (target < 60 s), peak RSS ${summary[3]} MiB (target < 400 MiB)`,
  );
} finally {
  await handle.close();
  await scratch.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
