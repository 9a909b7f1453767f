import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { alumniAuthPlugin } from './alumni/auth-plugin.ts';
import { alumniJoinRoutes } from './alumni/join-routes.ts';
import { alumniPortalRoutes } from './alumni/portal-routes.ts';
import { alumniPublicRoutes } from './alumni/public-routes.ts';
import { alumniSignInRoutes } from './alumni/sign-in-routes.ts';
import { alumniStaffRoutes } from './alumni/staff-routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { improvementRoutes } from './improvements/routes.ts';
import { newsletterRoutes } from './newsletters/routes.ts';
import { apiAuthPlugin } from './auth/api-auth-plugin.ts';
import type { Config } from './config/config.ts';
import { configPlugin } from './config/plugin.ts';
import { dbPlugin } from './db/plugin.ts';
import type { Database } from './db/schema.ts';
import { errorHandlerPlugin } from './errors/handler.ts';
import { i18nPlugin } from './i18n/plugin.ts';
import { leaverRoutes } from './leavers/routes.ts';
import { departmentRoutes } from './departments/routes.ts';
import { insightApiRoutes } from './insights/api-routes.ts';
import { insightsPlugin } from './insights/plugin.ts';
import { insightStaffRoutes } from './insights/staff-routes.ts';
import { invitationStaffRoutes } from './invitations/staff-routes.ts';
import { leaverImportApiRoutes } from './leavers/import/api-routes.ts';
import { leaverImportStaffRoutes } from './leavers/import/staff-routes.ts';
import { leaverEditRoutes } from './leavers/staff-edit-routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { settingsRoutes } from './settings/routes.ts';
import { openApiPlugin } from './site/openapi.ts';
import { leaverStaffRoutes } from './leavers/staff-routes.ts';
import { createLogger } from './logging.ts';
import { mailPlugin } from './mail/plugin.ts';
import type { MailTransport } from './mail/transport.ts';
import { respondentRoutes } from './respondent/routes.ts';
import { siteRoutes } from './site/routes.ts';
import { staffAuthPlugin } from './staff/auth-plugin.ts';
import { staffRoutes } from './staff/routes.ts';
import { setupRoutes } from './staff/setup-routes.ts';
import { userRoutes } from './staff/user-routes.ts';
import { tokenRoutes } from './staff/token-routes.ts';
import { surveysPlugin } from './surveys/plugin.ts';
import { csrfPlugin } from './web/csrf-plugin.ts';
import { textHygienePlugin } from './web/text-hygiene.ts';
import { viewsPlugin } from './web/views-plugin.ts';
import { workerPlugin } from './worker/plugin.ts';

export interface AppOptions {
  /** The database, opened (and later closed) by the caller: main.ts, the CLI or a test. */
  db: Kysely<Database>;
  logger?: Logger;
  /** Run the background worker loop (main.ts); tests and the CLI call `app.worker.runOnce()`. */
  worker?: boolean;
  mailTransport?: MailTransport;
  surveysDir?: string;
}

/** Builds the whole application without listening: main.ts, the CLI and tests share it. */
export async function buildApp(config: Config, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    // Unknown properties are an error, not silently dropped; types are not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });

  await app.register(configPlugin, { config });
  await app.register(dbPlugin, { db: options.db });
  await app.register(i18nPlugin);
  await app.register(viewsPlugin);
  await app.register(errorHandlerPlugin);
  await app.register(textHygienePlugin);
  await app.register(formbody);
  await app.register(mailPlugin, options.mailTransport ? { transport: options.mailTransport } : {});
  await app.register(surveysPlugin, options.surveysDir ? { dir: options.surveysDir } : {});
  await app.register(apiAuthPlugin);
  await app.register(staffAuthPlugin);
  await app.register(alumniAuthPlugin);
  await app.register(csrfPlugin);
  await app.register(insightsPlugin);
  await app.register(workerPlugin, { enabled: options.worker ?? false });

  // Before the routes: it collects their schemas as they are added.
  await app.register(openApiPlugin);
  await app.register(siteRoutes);
  await app.register(leaverRoutes);
  await app.register(respondentRoutes);
  await app.register(staffRoutes);
  await app.register(tokenRoutes);
  await app.register(setupRoutes);
  await app.register(auditRoutes);
  await app.register(leaverStaffRoutes);
  await app.register(leaverEditRoutes);
  await app.register(invitationStaffRoutes);
  await app.register(leaverImportStaffRoutes);
  await app.register(leaverImportApiRoutes);
  await app.register(settingsRoutes);
  await app.register(departmentRoutes);
  await app.register(userRoutes);
  await app.register(insightApiRoutes);
  await app.register(insightStaffRoutes);
  await app.register(reportRoutes);
  await app.register(alumniPublicRoutes);
  await app.register(alumniJoinRoutes);
  await app.register(alumniSignInRoutes);
  await app.register(alumniPortalRoutes);
  await app.register(alumniStaffRoutes);
  await app.register(improvementRoutes);
  await app.register(newsletterRoutes);
  return app;
}
