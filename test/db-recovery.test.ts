import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import postgres from 'postgres';
import t from 'tap';
import { buildApp } from '../server/app.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { createLogger } from '../server/logging.ts';
import { logCapture, memoryTransport, testConfig } from './helpers/app.ts';
import { postgresBinDir, throwawayPostgres } from './helpers/throwaway-postgres.ts';

/**
 * The instance survives a PostgreSQL outage: its backends terminated mid-query, then the
 * server stopped and started again, under a steady load of requests and transactions.
 * Runs on a PostgreSQL server of its own (never the suite's shared one), so only when
 * the suite runs on PostgreSQL: embedded PGlite has no server to lose.
 */
const skip = !process.env.DATABASE_URL
  ? 'embedded PGlite has no server to restart (set DATABASE_URL to run this on PostgreSQL)'
  : !postgresBinDir()
    ? 'needs the PostgreSQL server binaries (/usr/lib/postgresql/<n>/bin) for a throwaway server'
    : false;

const HANG_MS = 10_000;

interface Outcome {
  status: number | 'hang' | 'thrown';
  code?: string | undefined;
  ms: number;
}

t.test('recovers from terminated backends and a restart under load', { skip }, async (t) => {
  const server = await throwawayPostgres();
  t.teardown(() => server.remove());

  const database = await connect({ databaseUrl: server.url });
  let databaseClosed = false;
  t.teardown(() => (databaseClosed ? undefined : database.close()));
  await migrateToLatest(database.db);
  const { lines, stream } = logCapture();
  const app = await buildApp(testConfig(t, { DATABASE_URL: server.url }), {
    db: database.db,
    logger: createLogger('warn', stream),
    mailTransport: memoryTransport(),
  });
  await app.ready();
  let appClosed = false;
  t.teardown(() => (appClosed ? undefined : app.close()));

  /** One request or transaction, bounded: a hang is reported, not waited for. */
  async function bounded(work: () => Promise<Pick<Outcome, 'status' | 'code'>>): Promise<Outcome> {
    const start = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hang = new Promise<Pick<Outcome, 'status'>>((resolve) => (timer = setTimeout(() => resolve({ status: 'hang' }), HANG_MS)));
    const outcome = await Promise.race([work(), hang]).finally(() => clearTimeout(timer));
    return { ...outcome, ms: performance.now() - start };
  }
  const request = (url: string) =>
    bounded(async () => {
      const response = await app.inject({ url, headers: { accept: 'application/json' } });
      return { status: response.statusCode, code: response.statusCode === 200 ? undefined : response.json()?.error?.code };
    });
  /** A transaction as the worker runs them: several statements on one reserved connection. */
  const transaction = () =>
    bounded(async () => {
      try {
        await database.db.transaction().execute(async (trx) => {
          await sql`SELECT pg_sleep(0.005)`.execute(trx);
          await sql`SELECT count(*) FROM answer_pool`.execute(trx);
        });
        return { status: 200 };
      } catch (error) {
        return { status: (error as { statusCode?: number }).statusCode ?? 'thrown', code: (error as { code?: string }).code };
      }
    });
  const kinds = [() => request('/healthz'), () => request('/readyz'), transaction];

  /** A steady load: `workers` loops, each one request at a time, until stopped. */
  function load(workers: number) {
    const outcomes: Outcome[] = [];
    let stopped = false;
    const loops = Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; !stopped; i++) outcomes.push(await kinds[(worker + i) % kinds.length]!());
    });
    return {
      outcomes,
      async stop() {
        stopped = true;
        await Promise.all(loops);
        return outcomes;
      },
    };
  }

  /** `count` requests and transactions, `concurrency` at a time: all must succeed. */
  async function batch(count: number, concurrency = 20): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) outcomes.push(await kinds[next++ % kinds.length]!());
      }),
    );
    return outcomes;
  }

  /** Polls readiness until it answers 200, with a bound: the instance must come back by itself. */
  async function readyAgain(label: string) {
    const start = performance.now();
    for (let attempt = 1; attempt <= 150; attempt++) {
      const outcome = await request('/readyz');
      if (outcome.status === 200) {
        t.pass(`${label}: ready again after ${attempt} attempt(s), ${Math.round(performance.now() - start)} ms`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.fail(`${label}: not ready 15 s after the database came back`);
  }

  function summary(outcomes: Outcome[]) {
    const counts: Record<string, number> = {};
    for (const { status, code } of outcomes)
      counts[`${status}${code ? ` ${code}` : ''}`] = (counts[`${status}${code ? ` ${code}` : ''}`] ?? 0) + 1;
    return counts;
  }

  function checkFaultWindow(label: string, outcomes: Outcome[]) {
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    t.ok(outcomes.length > 50, `${label}: the load ran (${outcomes.length} requests, ${JSON.stringify(summary(outcomes))})`);
    t.same(
      failed.filter((outcome) => outcome.status !== 503),
      [],
      `${label}: what failed answered 503 (no 500, no hang, no uncaught error)`,
    );
    const slowest = Math.max(...outcomes.map((outcome) => outcome.ms));
    t.ok(slowest < 6_000, `${label}: no request took more than 6 s (slowest ${Math.round(slowest)} ms)`);
  }

  async function checkRecovered(label: string) {
    const outcomes = await batch(200);
    t.same(summary(outcomes), { 200: 200 }, `${label}: afterwards, 200 of 200 requests and transactions succeed`);
    const slowest = Math.max(...outcomes.map((outcome) => outcome.ms));
    t.ok(slowest < 2_000, `${label}: afterwards, none is slow (slowest ${Math.round(slowest)} ms)`);
  }

  t.same(summary(await batch(60)), { 200: 60 }, 'the load works before any fault');

  // 1. Every backend is terminated mid-query (57P01), the server stays up.
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  {
    const running = load(12);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`;
    await new Promise((resolve) => setTimeout(resolve, 300));
    checkFaultWindow('terminated backends', await running.stop());
  }
  await readyAgain('terminated backends');
  await checkRecovered('terminated backends');
  await admin.end();

  // 2. The server is stopped under load (fast shutdown: 57P01, then refused connections) and started again.
  {
    const running = load(12);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.stop();
    const down: Outcome[] = [];
    for (let i = 0; i < 5; i++) {
      down.push(await request('/readyz'));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.same(
      down.map((outcome) => outcome.status),
      [503, 503, 503, 503, 503],
      'while the database is down, /readyz answers 503',
    );
    t.ok(Math.max(...down.map((outcome) => outcome.ms)) < 2_500, 'and answers within the 2 s check');
    const health = await app.inject({ url: '/healthz' });
    t.equal(health.statusCode, 503, 'so does /healthz');
    t.equal((await app.inject({ url: '/livez' })).statusCode, 200, '/livez, the liveness check, stays 200');
    const page = await request('/healthz');
    t.equal(page.status, 503, 'a request that needs the database answers 503 quickly, not after 30 s');
    await server.start();
    checkFaultWindow('restart', await running.stop());
  }
  await readyAgain('restart');
  await checkRecovered('restart');

  // 3. Graceful shutdown does not hang on the pool.
  const start = performance.now();
  await app.close();
  appClosed = true;
  await database.close();
  databaseClosed = true;
  t.ok(
    performance.now() - start < 3_000,
    `app.close() and the database's close finish promptly (${Math.round(performance.now() - start)} ms)`,
  );
  t.notOk(
    lines.some((line) => /"level":(50|60)/.test(line) && /TypeError/.test(line)),
    'no TypeError from the driver was logged',
  );
});
