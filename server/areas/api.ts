import type { FastifyPluginAsync } from 'fastify';
import { insightApiRoutes } from '../insights/api-routes.ts';
import { leaverImportApiRoutes } from '../leavers/import/api-routes.ts';
import { leaverRoutes } from '../leavers/routes.ts';
import { markArea } from './area.ts';

/** /api/v1: every request needs an API token, checked before its body is read. */
export const apiArea: FastifyPluginAsync = async (app) => {
  markArea(app, 'api');
  app.addHook('onRequest', app.requireApiToken);
  await app.register(leaverRoutes);
  await app.register(leaverImportApiRoutes);
  await app.register(insightApiRoutes);
};
