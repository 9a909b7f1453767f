import type { FastifyPluginAsync } from 'fastify';
import { alumniStaffRoutes } from '../alumni/staff-routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { departmentRoutes } from '../departments/routes.ts';
import { improvementRoutes } from '../improvements/routes.ts';
import { insightStaffRoutes } from '../insights/staff-routes.ts';
import { invitationStaffRoutes } from '../invitations/staff-routes.ts';
import { leaverImportStaffRoutes } from '../leavers/import/staff-routes.ts';
import { leaverEditRoutes } from '../leavers/staff-edit-routes.ts';
import { leaverStaffRoutes } from '../leavers/staff-routes.ts';
import { newsletterRoutes } from '../newsletters/routes.ts';
import { reportRoutes } from '../reports/routes.ts';
import { settingsRoutes } from '../settings/routes.ts';
import { loadStaffSession } from '../staff/auth-plugin.ts';
import { staffRoutes } from '../staff/routes.ts';
import { setupRoutes } from '../staff/setup-routes.ts';
import { staffSignInRoutes } from '../staff/sign-in-routes.ts';
import { tokenRoutes } from '../staff/token-routes.ts';
import { userRoutes } from '../staff/user-routes.ts';
import { protectForms } from '../web/csrf-hooks.ts';
import { noStore } from '../web/no-store.ts';
import { markArea } from './area.ts';

/**
 * HR, admins and managers. Every route here has the staff session read and its
 * form posts checked for CSRF; those of the signed-in workspace also refuse
 * anyone not signed in, before their body is validated. Roles are per route.
 */
export const staffArea: FastifyPluginAsync = async (app) => {
  markArea(app, 'staff-entry');
  app.addHook('onRequest', loadStaffSession(app));
  protectForms(app);
  noStore(app);
  // Signing in, a forgotten password, one-time set-up and password links.
  await app.register(staffSignInRoutes);
  await app.register(setupRoutes);

  await app.register(async (workspace) => {
    markArea(workspace, 'staff');
    workspace.addHook('preValidation', workspace.requireStaff());
    for (const routes of [
      staffRoutes,
      userRoutes,
      tokenRoutes,
      auditRoutes,
      settingsRoutes,
      departmentRoutes,
      leaverStaffRoutes,
      leaverEditRoutes,
      invitationStaffRoutes,
      leaverImportStaffRoutes,
      insightStaffRoutes,
      reportRoutes,
      improvementRoutes,
      newsletterRoutes,
      alumniStaffRoutes,
    ]) {
      await workspace.register(routes);
    }
  });
};
