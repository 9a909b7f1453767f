import type { FastifyPluginAsync } from 'fastify';
import { alumniUnsubscribeRoutes } from '../alumni/unsubscribe-routes.ts';
import { apiDocsRoutes } from '../site/openapi.ts';
import { siteRoutes } from '../site/routes.ts';
import { assetRoutes } from '../web/assets-routes.ts';
import { markArea } from './area.ts';

/**
 * Anyone: the home page, health, assets, the API's reference, and one-click
 * unsubscribe (the mail client posts it without cookies, RFC 8058; its signed
 * link is the proof). Nothing here reads a session or a cookie.
 */
export const publicArea: FastifyPluginAsync = async (app) => {
  markArea(app, 'public');
  await app.register(siteRoutes);
  await app.register(alumniUnsubscribeRoutes);
  await app.register(assetRoutes);
  await app.register(apiDocsRoutes);
};
