import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { StaffRole } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { createSession, loadSession } from './sessions.ts';
import type { StaffUser } from './users.ts';

export const SESSION_COOKIE = 'honne_session';
const SESSION_COOKIE_SECONDS = 7 * 24 * 3600;

type PreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: a signed-in staff member (with one of `roles`, when given); else sign-in page, 401 or 403. */
    requireStaff(roles?: readonly StaffRole[]): PreHandler;
    /** Opens a session for the user and hands its cookie to the browser. */
    startSession(reply: FastifyReply, userId: string): Promise<void>;
  }
  interface FastifyRequest {
    staff: StaffUser | null;
  }
}

/**
 * Staff sessions (the cookie holds a random id; PostgreSQL holds its hash, so every
 * instance shares them) and role checks. The staff area (areas/staff.ts) loads the
 * session for its routes with `loadStaffSession`; nothing here looks at URLs.
 */
export const staffAuthPlugin = fp(
  async (app) => {
    app.decorateRequest('staff', null);
    app.decorate('startSession', async (reply: FastifyReply, userId: string) => {
      reply.setCookie(SESSION_COOKIE, await createSession(app.db, userId), app.cookieOptions(SESSION_COOKIE_SECONDS));
    });
    app.decorate(
      'requireStaff',
      (roles?: readonly StaffRole[]): PreHandler =>
        async (request, reply) => {
          if (!request.staff) {
            if (request.method === 'GET') {
              return reply.redirect(`/staff/sign-in?next=${encodeURIComponent(request.url)}`, 303);
            }
            throw new AppError({ code: 'unauthorized', status: 401, messageKey: 'error.unauthorized' });
          }
          if (roles && !roles.includes(request.staff.role)) {
            throw new AppError({ code: 'forbidden', status: 403, messageKey: 'error.forbidden' });
          }
        },
    );
  },
  { name: 'honne-staff-auth', dependencies: ['honne-config', 'honne-db', 'honne-i18n', 'honne-views', 'honne-cookies'] },
);

/** onRequest for the staff area: who is signed in, in their language, and handed to the page layout. */
export function loadStaffSession(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    request.staff = token ? ((await loadSession(app.db, token)) ?? null) : null;
    if (request.staff?.locale && !request.localeChosen) request.locale = request.staff.locale;
    Object.assign(reply.locals ?? {}, { staff: request.staff });
  };
}
