import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.ts';
import { type Alumnus, createAlumniSession, loadAlumniSession as sessionOf } from './sessions.ts';

export const ALUMNI_COOKIE = 'honne_alumni';
const COOKIE_SECONDS = 24 * 3600;

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: a signed-in member of the alumni network; else the sign-in page (GET) or 401. */
    requireAlumnus: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    startAlumniSession(reply: FastifyReply, alumniId: string): Promise<void>;
  }
  interface FastifyRequest {
    alumnus: Alumnus | null;
  }
}

/** Portal sessions for alumni, apart from staff sessions: another cookie, another table, only in the alumni area. */
export const alumniAuthPlugin = fp(
  async (app) => {
    app.decorateRequest('alumnus', null);
    app.decorate('startAlumniSession', async (reply: FastifyReply, alumniId: string) => {
      reply.setCookie(ALUMNI_COOKIE, await createAlumniSession(app.db, alumniId), {
        ...app.cookieOptions(COOKIE_SECONDS),
        path: '/alumni',
      });
    });
    app.decorate('requireAlumnus', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.alumnus) return;
      if (request.method === 'GET') return reply.redirect(`/alumni/sign-in?lang=${request.locale}`, 303);
      throw new AppError({ code: 'unauthorized', status: 401, messageKey: 'alumni.error.signed_out' });
    });
  },
  { name: 'honne-alumni-auth', dependencies: ['honne-db', 'honne-i18n', 'honne-cookies'] },
);

/** onRequest for the alumni area: the signed-in member, in their language, read by the layout when it renders. */
export function loadAlumniSession(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[ALUMNI_COOKIE];
    request.alumnus = token ? ((await sessionOf(app.db, token)) ?? null) : null;
    if (request.alumnus && !request.localeChosen) request.locale = request.alumnus.locale;
    // A getter: a route that ends the membership (erasure) clears request.alumnus and the menu follows.
    if (reply.locals) Object.defineProperty(reply.locals, 'alumnus', { get: () => request.alumnus, enumerable: true });
  };
}
