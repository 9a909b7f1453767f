import type { FastifyPluginAsync } from 'fastify';
import { loadAlumniSession } from '../alumni/auth-plugin.ts';
import { alumniJoinRoutes } from '../alumni/join-routes.ts';
import { alumniPortalRoutes } from '../alumni/portal-routes.ts';
import { alumniPublicRoutes } from '../alumni/public-routes.ts';
import { alumniSignInRoutes } from '../alumni/sign-in-routes.ts';
import { protectForms } from '../web/csrf-hooks.ts';
import { noStore } from '../web/no-store.ts';
import { markArea } from './area.ts';

/**
 * The alumni network's own pages: the member session is read and form posts are
 * checked for CSRF everywhere here; the portal also refuses anyone not signed in.
 * (One-click unsubscribe is public: its signed link is the proof.)
 */
export const alumniArea: FastifyPluginAsync = async (app) => {
  markArea(app, 'alumni');
  app.addHook('onRequest', loadAlumniSession(app));
  protectForms(app);
  noStore(app);
  await app.register(alumniPublicRoutes);
  await app.register(alumniJoinRoutes);
  await app.register(alumniSignInRoutes);
  await app.register(async (members) => {
    markArea(members, 'alumni-member');
    members.addHook('preValidation', members.requireAlumnus);
    await members.register(alumniPortalRoutes);
  });
};
