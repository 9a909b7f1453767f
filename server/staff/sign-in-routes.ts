import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { AppError } from '../errors/app-error.ts';
import { CsrfField } from '../web/csrf.ts';
import { SESSION_COOKIE } from './auth-plugin.ts';
import { requestPasswordReset } from './password-reset.ts';
import { endSession } from './sessions.ts';
import { signIn } from './sign-in.ts';

/** Only a path inside the workspace: never another site (no open redirect). */
export const safeNext = (next: string | undefined) => (next && /^\/staff(\/|$|\?)/.test(next) ? next : '/staff');

/** The pages of someone not (or no longer) signed in: sign-in, sign-out, a forgotten password. */
export const staffSignInRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/staff/sign-in',
    { schema: { querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), lang: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      if (request.staff) return reply.redirect(safeNext(request.query.next), 303);
      return reply.view('staff/sign-in', {
        title: request.t('staff.sign_in.title'),
        next: request.query.next ?? '',
        email: '',
        error: null,
      });
    },
  );

  app.post(
    '/staff/sign-in',
    {
      schema: {
        body: Type.Object(
          {
            email: Type.String({ maxLength: 254 }),
            password: Type.String({ maxLength: 1024 }),
            next: Type.Optional(Type.String({ maxLength: 500 })),
            ...CsrfField,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { email, password, next } = request.body;
      try {
        const user = await signIn(app.db, { email, password, ip: request.ip });
        request.log.info({ staffId: user.id }, 'staff signed in');
        await recordAudit(app.db, { action: 'sign_in', actor: user, ip: request.ip });
        await app.startSession(reply, user.id);
        return reply.redirect(safeNext(next), 303);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        request.log.info({ code: error.code }, 'staff sign-in refused');
        await recordAudit(app.db, {
          action: 'sign_in_failed',
          actorLabel: email.trim().toLowerCase().slice(0, 254),
          ip: request.ip,
          details: { reason: error.code },
        });
        return reply.code(error.statusCode).view('staff/sign-in', {
          title: request.t('staff.sign_in.title'),
          next: next ?? '',
          email,
          error: request.t(error.messageKey, error.params),
        });
      }
    },
  );

  app.post('/staff/sign-out', { schema: { body: Type.Object(CsrfField) } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(app.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/staff/sign-in', 303);
  });

  app.get('/staff/forgot', async (request, reply) => reply.view('staff/forgot', { title: request.t('staff.reset.title'), sent: false }));

  app.post(
    '/staff/forgot',
    { schema: { body: Type.Object({ email: Type.String({ maxLength: 254 }), ...CsrfField }, { additionalProperties: false }) } },
    async (request, reply) => {
      await requestPasswordReset(app, request.body.email, request.locale, request.ip);
      return reply.view('staff/forgot', { title: request.t('staff.reset.title'), sent: true });
    },
  );
};
