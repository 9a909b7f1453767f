/**
 * bench:reports: 1,000,000 responses in a real PostgreSQL (COPY for the responses,
 * the rollup and invited counts written directly: the seeding fast path), then
 * p50/p95 of the dashboard's summary (summarize(): rollup rows, suppression over
 * the whole lattice, measures; cold, and as served with the year remembered until
 * its data changes) against a naive GROUP BY over the JSON answers
 * computing the same measures, in the same run. Needs DATABASE_URL (an admin
 * connection); creates and drops its own database.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import postgres from 'postgres';
import { scratchDatabase } from './bench/scratch-database.ts';
import { TENURE_BANDS } from '../server/answers/cohort.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { demoAnswers, pick, seededRandom } from '../server/demo/answers.ts';
import { countsOf } from '../server/answers/rollup.ts';
import { memoisedYears } from '../server/insights/plugin.ts';
import { summarize } from '../server/insights/summary.ts';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE_RUNS ?? 10);
const QUARTERS = ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];

const scratch = await scratchDatabase('bench:reports');
const url = scratch.url;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
async function measure(label: string, runs: number, run: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(3, runs); i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const [p50, p95] = [percentile(times, 50), percentile(times, 95)];
  console.log(`${label.padEnd(48)} p50 ${p50.toFixed(1).padStart(8)} ms   p95 ${p95.toFixed(1).padStart(8)} ms   (${runs} runs)`);
  return { p50, p95 };
}

const handle = await connect({ databaseUrl: url, maxConnections: 4 });
const raw = postgres(url, { max: 1, onnotice: () => {} });
try {
  await migrateToLatest(handle.db);
  const random = seededRandom(7);
  // Five divisions, each with departments and sections: 31 departments, some tiny.
  const departments: Array<{ id: string; weight: number }> = [];
  for (let d = 1; d <= 5; d++) {
    const [division] = await raw`INSERT INTO department (name) VALUES (${`本部${d}`}) RETURNING id`;
    departments.push({ id: division!.id, weight: 1 });
    for (let b = 1; b <= 3; b++) {
      const [dept] = await raw`INSERT INTO department (name, parent_id) VALUES (${`部${d}-${b}`}, ${division!.id}) RETURNING id`;
      departments.push({ id: dept!.id, weight: b === 3 && d === 5 ? 0.01 : 6 });
      const [section] = await raw`INSERT INTO department (name, parent_id) VALUES (${`課${d}-${b}`}, ${dept!.id}) RETURNING id`;
      departments.push({ id: section!.id, weight: 3 });
    }
  }
  const [version] =
    await raw`INSERT INTO survey_version (survey, hash, definition) VALUES ('exit-interview', 'bench', '{}'::jsonb) RETURNING id`;

  const rollup = new Map<string, { responses: number; counts: Record<string, number> }>();
  const started = performance.now();
  function* lines() {
    for (let i = 0; i < RESPONSES; i++) {
      const exit = pick(random, [
        ['voluntary', 78],
        ['contract_end', 12],
        ['retirement', 5],
        ['involuntary', 5],
      ] as Array<[string, number]>);
      const department = pick(
        random,
        departments.map((d) => [d.id, d.weight] as [string, number]),
      );
      const band = TENURE_BANDS[Math.floor(random() * TENURE_BANDS.length)]!;
      const quarter = QUARTERS[Math.floor(random() * QUARTERS.length)]!;
      const regrettable = pick(random, [
        ['yes', 30],
        ['no', 45],
        ['unassessed', 25],
      ] as Array<[string, number]>);
      const answers = demoAnswers(random, random() < 0.85 ? 'ja' : 'en', exit);
      const key = `${quarter}|${department}|${band}|${exit}|${regrettable}`;
      const cell = rollup.get(key) ?? { responses: 0, counts: {} };
      cell.responses++;
      countsOf(answers, cell.counts);
      rollup.set(key, cell);
      yield `${version!.id}\t${department}\t${band}\t${exit}\t${regrettable}\t${quarter}\t${JSON.stringify(answers).replaceAll('\\', '\\\\')}\n`;
    }
  }
  const copy =
    await raw`COPY response (survey_version_id, department_id, tenure_band, exit_type, regrettable, quarter, answers) FROM STDIN`.writable();
  await pipeline(Readable.from(lines()), copy);
  const cells = [...rollup].map(([key, cell]) => {
    const [quarter, department_id, tenure_band, exit_type, regrettable] = key.split('|');
    return {
      quarter,
      department_id,
      tenure_band,
      exit_type,
      regrettable,
      responses: cell.responses,
      counts: JSON.stringify(cell.counts),
      invited: Math.round(cell.responses * 1.35),
    };
  });
  for (let i = 0; i < cells.length; i += 1000) {
    const chunk = cells.slice(i, i + 1000);
    await raw`INSERT INTO response_rollup ${raw(chunk.map(({ invited: _i, counts, ...c }) => ({ ...c, counts: raw.json(JSON.parse(counts)) })))}`;
    await raw`INSERT INTO invited_rollup ${raw(chunk.map(({ responses: _r, counts: _c, ...c }) => c))}`;
  }
  await raw`ANALYZE`;
  const [{ n }] = (await raw`SELECT count(*)::int AS n FROM response`) as unknown as [{ n: number }];
  console.log(
    `bench:reports: ${n} responses, ${cells.length} rollup cells, ${departments.length} departments, seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const query = { from: '2026-Q1', to: '2026-Q4', groupBy: 'department' as const };
  // Cold: the suppression decided from scratch, as on the first report after a release.
  await measure('summary, year by department, cold', Math.min(RUNS, 20), () => summarize(handle.db, query, 5, { all: true }));
  // Warm: as the app runs it, the decision remembered until the data changes.
  const years = memoisedYears();
  const fast = await measure('summary, year by department (as served)', RUNS, () => summarize(handle.db, query, 5, { all: true }, years));
  await measure('summary, two years by quarter (as served)', RUNS, () =>
    summarize(handle.db, { from: '2025-Q1', to: '2026-Q4', groupBy: 'quarter' }, 5, { all: true }, years),
  );
  // The same measures straight from the JSON answers, by top-level department (subtrees included).
  const naive = await measure('naive GROUP BY over JSON answers', NAIVE_RUNS, () =>
    sql`
      WITH RECURSIVE tree AS (
        SELECT id, id AS root FROM department WHERE parent_id IS NULL
        UNION ALL SELECT d.id, t.root FROM department d JOIN tree t ON d.parent_id = t.id),
      r AS (SELECT t.root, answers FROM response JOIN tree t ON t.id = response.department_id WHERE quarter BETWEEN '2026-Q1' AND '2026-Q4')
      SELECT root, NULL AS reason, count(*) AS n,
        count(*) FILTER (WHERE (answers ->> 'enps')::int >= 9) AS promoters, count(*) FILTER (WHERE (answers ->> 'enps')::int <= 6) AS detractors,
        avg((answers ->> 'would_return')::int) AS would_return, avg((answers ->> 'manager_support')::int) AS manager_support
      FROM r GROUP BY root
      UNION ALL
      SELECT root, answers ->> 'primary_reason', count(*), NULL, NULL, NULL, NULL FROM r GROUP BY root, answers ->> 'primary_reason'`.execute(
      handle.db,
    ),
  );
  console.log(
    `speed-up at p95: ${(naive.p95 / fast.p95).toFixed(0)}x (target >= 20x); summary p95 ${fast.p95.toFixed(1)} ms (target < 50 ms)`,
  );
} finally {
  await raw.end();
  await handle.close();
  await scratch.drop();
}
