import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfValid, newCsrfCookieValue } from './csrf.ts';

/**
 * Installs the CSRF check on every route registered in `area` (and below): each
 * form post must carry the field signed for this browser's cookie, and every page
 * gets the field to embed. Checked before validation, so a forged post is refused
 * whatever its body; a multipart body exists only later, so it is checked then.
 */
export function protectForms(area: FastifyInstance): void {
  const check = (request: FastifyRequest) => {
    const field = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!csrfValid(area.keys.csrf, request.cookies[CSRF_COOKIE], field))
      throw new AppError({ code: 'csrf', status: 403, messageKey: 'error.csrf' });
  };
  const posted = (request: FastifyRequest) => request.method !== 'GET' && request.method !== 'HEAD';
  const multipart = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').startsWith('multipart/');
  area.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    let cookie = request.cookies[CSRF_COOKIE];
    if (!cookie) {
      cookie = newCsrfCookieValue();
      reply.setCookie(CSRF_COOKIE, cookie, area.cookieOptions());
    }
    Object.assign(reply.locals ?? {}, { csrf: csrfToken(area.keys.csrf, cookie) });
  });
  area.addHook('preValidation', async (request) => {
    if (posted(request) && !multipart(request)) check(request);
  });
  area.addHook('preHandler', async (request) => {
    if (posted(request) && multipart(request)) check(request);
  });
}
