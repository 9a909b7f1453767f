import type { FastifyPluginAsync } from 'fastify';
import { respondentRoutes } from '../respondent/routes.ts';
import { markArea } from './area.ts';

/** The leaver's survey: the link's token is the only credential; no cookie, no session. */
export const respondentArea: FastifyPluginAsync = async (app) => {
  markArea(app, 'respondent');
  await app.register(respondentRoutes);
};
