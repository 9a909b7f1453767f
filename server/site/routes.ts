import type { FastifyPluginAsync } from 'fastify';
import { poolHealth } from '../answers/pool-health.ts';

export const siteRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) =>
    reply.view('message', { title: 'Honne', state: 'home', message: request.t('home.body') }),
  );

  /**
   * For load balancers: the process answers and the database does. It also counts
   * answers set aside because they could not be released, for monitoring to alert
   * on. Not the answers waiting: watched from outside, that count would tell when
   * someone completes.
   */
  app.get('/healthz', async () => {
    const { setAside } = await poolHealth(app.db);
    return { status: 'ok', answersSetAside: setAside };
  });
};
