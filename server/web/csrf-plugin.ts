import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.ts';
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfValid, newCsrfCookieValue } from './csrf.ts';

// Pages with forms that act for a signed-in person: staff, set-up links, reports, the alumni portal.
const FORM_PATHS = /^\/(staff|setup|reports|alumni)(\/|\?|$)/;
// One-click unsubscribe (RFC 8058) is posted by the mail client, which holds no cookie;
// the signed link itself is its proof.
const EXEMPT = /^\/alumni\/unsubscribe\//;

/** (Cookies and their options come from the staff-auth plugin.) Checks the CSRF field of every form post on those paths, and hands each page the field to embed. */
export const csrfPlugin = fp(
  async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      if (!FORM_PATHS.test(request.url) || EXEMPT.test(request.url)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const field = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        if (!csrfValid(app.keys.csrf, request.cookies[CSRF_COOKIE], field)) {
          throw new AppError({ code: 'csrf', status: 403, messageKey: 'error.csrf' });
        }
      }
      let cookie = request.cookies[CSRF_COOKIE];
      if (!cookie) {
        cookie = newCsrfCookieValue();
        reply.setCookie(CSRF_COOKIE, cookie, app.cookieOptions());
      }
      Object.assign(reply.locals ?? {}, { csrf: csrfToken(app.keys.csrf, cookie) });
    });
  },
  { name: 'honne-csrf', dependencies: ['honne-config', 'honne-staff-auth'] },
);
