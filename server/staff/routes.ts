import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { poolHealth } from '../answers/pool-health.ts';
import { CsrfField } from '../web/csrf.ts';
import { recordAudit } from '../audit/record.ts';
import { SESSION_COOKIE } from './auth-plugin.ts';
import { endAllSessions } from './sessions.ts';

/** The workspace's home and signing out everywhere. */
export const staffRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/staff/sign-out-everywhere',
    { preHandler: app.requireStaff(), schema: { body: Type.Object(CsrfField) } },
    async (request, reply) => {
      const ended = await endAllSessions(app.db, request.staff!.id);
      request.log.info({ staffId: request.staff!.id, sessions: ended }, 'staff signed out everywhere');
      await recordAudit(app.db, { action: 'sign_out_everywhere', actor: request.staff, ip: request.ip, details: { sessions: ended } });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/staff/sign-in', 303);
    },
  );

  app.get('/staff', { preHandler: app.requireStaff() }, async (request, reply) =>
    reply.view('staff/home', { title: request.t('staff.title'), pool: request.staff!.role === 'admin' ? await poolHealth(app.db) : null }),
  );
};
