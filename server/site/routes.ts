import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';

export const siteRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) =>
    reply.view('message', { title: 'Honne', state: 'home', message: request.t('home.body') }),
  );

  /** For load balancers: the process answers and the database does. */
  app.get('/healthz', async () => {
    await sql`SELECT 1`.execute(app.db);
    return { status: 'ok' };
  });
};
