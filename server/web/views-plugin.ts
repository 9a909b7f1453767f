import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyReply {
    /** Merged by @fastify/view into every template's data. */
    locals: Record<string, unknown> | null;
  }
}

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

// Pages carry no third-party resource; no-referrer keeps a survey link out of Referer headers.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Eta templates under views/, the layout, and the headers every page carries. Assets: web/assets-routes.ts. */
export const viewsPlugin = fp(
  async (app) => {
    await app.register(fastifyView, {
      engine: { eta: new Eta() },
      root: VIEWS_DIR,
      layout: 'layout',
      production: true,
    });
    // onRequest, not later: an error page for a body refused before the handler (schema, text hygiene) needs them too.
    app.addHook('onRequest', async (request, reply) => {
      // Getters are read at render time, so a route that settles the locale later is honoured.
      reply.locals = {
        t: request.t.bind(request),
        get locale() {
          return request.locale;
        },
        // Every page offers the other language: the same page, with its other parameters, asked for again with ?lang=.
        get switchLocaleHref() {
          const params = new URLSearchParams(request.url.split('?')[1] ?? '');
          params.set('lang', request.locale === 'ja' ? 'en' : 'ja');
          return `?${params}`;
        },
      };
    });
    // Served over https, browsers are told to keep to it (a year; the operator's proxy terminates TLS).
    const https = app.config.publicUrl.startsWith('https:');
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('x-frame-options', 'DENY');
      }
      return payload;
    });
  },
  { name: 'honne-views', dependencies: ['honne-config', 'honne-i18n'] },
);
