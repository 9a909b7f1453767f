import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { poolHealth } from '../answers/pool-health.ts';

/** How long the readiness checks wait for the database before they answer 503. */
const READY_TIMEOUT_MS = 2_000;

/** Resolves with the check's result, or with `undefined` when it fails or takes longer than the timeout. */
async function within<T>(check: () => Promise<T>, ms = READY_TIMEOUT_MS): Promise<T | undefined> {
  let timedOut!: (value: undefined) => void;
  const timeout = new Promise<undefined>((resolve) => (timedOut = resolve));
  const timer = setTimeout(() => timedOut(undefined), ms);
  try {
    return await Promise.race([check(), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export const siteRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => reply.view('message', { title: 'Honne', state: 'home', message: request.t('home.body') }));

  /** Liveness: the process answers. It never touches the database, so an outage does not get instances restarted. */
  app.get('/livez', async () => ({ status: 'ok' }));

  /** Readiness: the database answers `SELECT 1` within 2 s; 503 otherwise. */
  app.get('/readyz', async (_request, reply) => {
    const ok = await within(async () => (await sql`SELECT 1`.execute(app.db), true));
    if (!ok) return reply.code(503).send({ status: 'unavailable' });
    return { status: 'ok' };
  });

  /**
   * For load balancers and the Docker health check: the process answers and the
   * database does (503 when it does not within 2 s). It also counts answers set aside
   * because they could not be released, for monitoring to alert on. Not the answers
   * waiting: watched from outside, that count would tell when someone completes.
   */
  app.get('/healthz', async (_request, reply) => {
    const health = await within(() => poolHealth(app.db));
    if (!health) return reply.code(503).send({ status: 'unavailable' });
    return { status: 'ok', answersSetAside: health.setAside };
  });
};
