import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { alumniAuthPlugin } from './alumni/auth-plugin.ts';
import { apiAuthPlugin } from './auth/api-auth-plugin.ts';
import type { Config } from './config/config.ts';
import { configPlugin } from './config/plugin.ts';
import { dbPlugin } from './db/plugin.ts';
import type { Database } from './db/schema.ts';
import { errorHandlerPlugin } from './errors/handler.ts';
import { i18nPlugin } from './i18n/plugin.ts';
import { insightsPlugin } from './insights/plugin.ts';
import { openApiPlugin } from './site/openapi.ts';
import { createLogger } from './logging.ts';
import { mailPlugin } from './mail/plugin.ts';
import type { MailTransport } from './mail/transport.ts';
import { staffAuthPlugin } from './staff/auth-plugin.ts';
import { surveysPlugin } from './surveys/plugin.ts';
import { textHygienePlugin } from './web/text-hygiene.ts';
import { viewsPlugin } from './web/views-plugin.ts';
import { cookiesPlugin } from './web/cookies-plugin.ts';
import { alumniArea } from './areas/alumni.ts';
import { apiArea } from './areas/api.ts';
import { publicArea } from './areas/public.ts';
import { respondentArea } from './areas/respondent.ts';
import { staffArea } from './areas/staff.ts';
import { workerPlugin } from './worker/plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, its `config.area` set by its area: for the route list test and tooling. */
    registeredRoutes: readonly RouteOptions[];
  }
}

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
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Unknown properties are an error, not silently dropped; types are not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });

  // Shared services: each a named plugin that decorates the instance.
  await app.register(configPlugin, { config });
  await app.register(dbPlugin, { db: options.db });
  await app.register(i18nPlugin);
  await app.register(viewsPlugin);
  await app.register(errorHandlerPlugin);
  await app.register(textHygienePlugin);
  await app.register(formbody);
  await app.register(cookiesPlugin);
  await app.register(mailPlugin, options.mailTransport ? { transport: options.mailTransport } : {});
  await app.register(surveysPlugin, options.surveysDir ? { dir: options.surveysDir } : {});
  await app.register(apiAuthPlugin);
  await app.register(staffAuthPlugin);
  await app.register(alumniAuthPlugin);
  await app.register(insightsPlugin);
  await app.register(workerPlugin, { enabled: options.worker ?? false });
  // Before the areas: it collects the API routes' schemas as they are added.
  await app.register(openApiPlugin);

  // The product, area by area: a route is guarded by the area it is registered in (areas/).
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (route) => void registered.push(route));
  app.decorate('registeredRoutes', registered);
  await app.register(publicArea);
  await app.register(respondentArea);
  await app.register(staffArea);
  await app.register(alumniArea);
  await app.register(apiArea);
  return app;
}
