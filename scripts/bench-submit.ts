/**
 * bench:submit: 64 connections completing pre-issued survey links through the real
 * server (`server/main.ts`: survey-core validation, sealing, the pool, its worker
 * releasing), then the same load on a bare Fastify route doing one postgres.js
 * INSERT of the same payload, in alternating rounds. Each server runs in its own
 * process, started afresh each round; the load generator runs in this one.
 * Needs DATABASE_URL (an admin connection); creates and drops its own database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { scratchDatabase } from './bench/scratch-database.ts';
import { connect } from '../server/db/connect.ts';
import { newToken, sha256 } from '../server/crypto/seal.ts';
import { migrateToLatest } from '../server/db/migrate.ts';

const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
// Rounds alternate honne and bare, so that both meet the same machine: on a shared
// VM one 10-second run can be 15% off the next. The median round is the result.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 2;
const TOKENS = Number(process.env.BENCH_TOKENS ?? 8_000 * (DURATION_S + WARMUP_S) * ROUNDS);
const BODY = JSON.stringify({
  answers: {
    primary_reason: 'career_growth',
    reasons: ['pay_benefits', 'manager'],
    manager_aspects: ['growth_support'],
    manager_support: 2,
    enps: 6,
    would_return: 4,
    improvement: '評価の基準をもっと透明にしてほしい。成長の機会も欲しかった。',
  },
});

const scratch = await scratchDatabase('bench:submit');
const url = scratch.url;
const ROOT = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  // BENCH_CPU_PROF=DIR writes a CPU profile of each server to DIR (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, base };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${script} did not start`);
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function load(target: string, path: () => string): Promise<autocannon.Result> {
  // Steady state is what is measured: both servers first take WARMUP_S of the same load
  // (JIT, prepared statements, caches). autocannon takes `warmup`; its types do not list it.
  const options: autocannon.Options & { warmup: { connections: number; duration: number } } = {
    url: target,
    connections: CONNECTIONS,
    duration: DURATION_S,
    warmup: { connections: CONNECTIONS, duration: WARMUP_S },
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: BODY,
    requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }],
  };
  // The promise form, not a callback: given a callback, autocannon skips `warmup` and measures from a cold start.
  return autocannon(options);
}

try {
  const database = await connect({ databaseUrl: url, maxConnections: 2 });
  await migrateToLatest(database.db);
  await database.close();

  // Pre-issue the links: 1,000 leavers, TOKENS invitations among them (each request uses one up).
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const [dept] = await sql`INSERT INTO department (name) VALUES ('Bench') RETURNING id`;
  const leavers = await sql`
    INSERT INTO leaver (employee_id, name, email, department_id, hire_date, last_day, exit_type, locale)
    SELECT 'B' || g, 'Bench ' || g, 'b' || g || '@example.com', ${dept!.id}, '2018-04-01', '2099-12-31', 'voluntary', 'ja'
    FROM generate_series(1, 1000) g RETURNING id`;
  const tokens = Array.from({ length: TOKENS }, () => newToken());
  for (let start = 0; start < TOKENS; start += 5000) {
    const hashes = tokens.slice(start, start + 5000).map((token) => sha256(token).toString('hex'));
    await sql`
      INSERT INTO invitation (leaver_id, survey, token_hash, expires_on)
      SELECT (${sql.array(leavers.map((l) => l.id))}::uuid[])[1 + (i % 1000)], 'exit-interview', decode(h, 'hex'), '2100-01-01'
      FROM unnest(${sql.array(hashes)}::text[]) WITH ORDINALITY AS u(h, i)`;
  }
  await sql`CREATE TABLE bench_bare (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), payload jsonb NOT NULL)`;
  const SECRET = randomBytes(32).toString('hex');

  const line = (label: string, r: autocannon.Result) =>
    `  ${label.padEnd(30)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(
    `bench:submit: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s each (after ${WARMUP_S} s of warm-up), on PostgreSQL`,
  );
  let next = 0;
  let failed = 0;
  const rounds: { ratio: number; p99: number; bareP99: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const honne = await startServer('server/main.ts', { DATABASE_URL: url, SECRET, LOG_LEVEL: 'warn' });
    const real = await load(honne.base, () => `/s/${tokens[next++]}/complete`);
    await stop(honne.child);
    const bareServer = await startServer('scripts/bench/bare-server.ts', { DATABASE_URL: url });
    const bare = await load(bareServer.base, () => '/bare');
    await stop(bareServer.child);
    failed += real.non2xx + real.errors;
    rounds.push({ ratio: real.requests.average / bare.requests.average, p99: real.latency.p99, bareP99: bare.latency.p99 });
    console.log(`round ${round}: ratio ${rounds.at(-1)!.ratio.toFixed(2)}`);
    console.log(line('honne POST /s/:token/complete', real));
    console.log(line('bare INSERT', bare));
  }
  const [stored] = await sql`
    SELECT (SELECT count(*) FROM invitation WHERE completed_on IS NOT NULL) AS completed,
      (SELECT coalesce(sum(answer_count), 0) FROM answer_pool) AS waiting, (SELECT count(*) FROM response) AS released`;
  await sql.end();

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `median of ${ROUNDS} rounds: ratio ${median(rounds.map((r) => r.ratio)).toFixed(2)} (target >= 0.6), honne p99 ${median(rounds.map((r) => r.p99))} ms (target < 50 ms; worst round ${Math.max(...rounds.map((r) => r.p99))} ms; bare route's median p99 on this machine ${median(rounds.map((r) => r.bareP99))} ms)`,
  );
  if (next > TOKENS || failed > 0)
    console.log(
      `WARNING: ${failed} completions failed (${next} requests for ${TOKENS} links; raise BENCH_TOKENS): the figures above do not count`,
    );
  const [completed, waiting, released] = [Number(stored!.completed), Number(stored!.waiting), Number(stored!.released)];
  // Links marked used and answers kept must match: a completion acknowledged without its answers would be a lost survey.
  console.log(
    `links completed: ${completed} (of ${next} requests set up); answers stored: ${waiting + released} (${released} released by the worker, ${waiting} still waiting)`,
  );
  if (completed !== waiting + released) console.log('WARNING: completed links and stored answers differ');
} finally {
  await scratch.drop();
}
