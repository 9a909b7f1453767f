import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { AppError } from '../errors/app-error.ts';
import { invitationContext } from '../invitations/context.ts';
import { CsrfField } from '../web/csrf.ts';
import { ALUMNI_COOKIE } from './auth-plugin.ts';
import { claimSignInLink, findUsableAlumniLink, spendAlumniLink, verifyAddress } from './links.ts';
import { queueAlumniLinkMail } from './mails.ts';
import { endAlumniSession } from './sessions.ts';

const LinkParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const Lang = Type.Object({ lang: Type.Optional(Type.String()) });
const linkGone = () =>
  new AppError({ code: 'alumni_link_gone', status: 410, titleKey: 'alumni.link.gone_title', messageKey: 'alumni.link.gone' });

/** Passwordless sign-in: an emailed one-time link, confirmed by a button (mail scanners follow links, not forms). */
export const alumniSignInRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/alumni/sign-in', { schema: { querystring: Lang } }, async (request, reply) => {
    if (request.alumnus) return reply.redirect('/alumni/me', 303);
    return reply.view('alumni/sign-in', { title: request.t('alumni.sign_in.title') });
  });

  // The same answer whether or not the address is a member's: the page tells nobody who is one.
  app.post(
    '/alumni/sign-in',
    {
      schema: {
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), ...CsrfField }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim();
      const member = await app.db
        .selectFrom('alumni')
        .select(['id', 'name', 'locale', 'email', 'email_verified_on'])
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst();
      if (member) {
        const ctx = await invitationContext(app);
        // Not verified yet: the mail is a fresh verification link, which also signs in.
        const purpose = member.email_verified_on ? 'sign_in' : 'verify';
        const queued = await app.db.transaction().execute(async (trx) => {
          const token = await claimSignInLink(trx, member.id, purpose, member.email);
          if (token) await queueAlumniLinkMail(trx, ctx, purpose, member, member.email, token);
          return token !== undefined;
        });
        if (queued) app.worker.wake();
      }
      return reply.view('message', {
        title: request.t('alumni.sign_in.title'),
        state: 'check-mail',
        message: request.t('alumni.sign_in.sent'),
      });
    },
  );

  app.get('/alumni/link/:token', { schema: { params: LinkParams, querystring: Lang } }, async (request, reply) => {
    const link = await findUsableAlumniLink(app.db, request.params.token);
    if (!link) throw linkGone();
    reply.header('cache-control', 'no-store');
    return reply.view('alumni/confirm-link', {
      title: request.t(`alumni.link.${link.purpose}_title`),
      purpose: link.purpose,
      token: request.params.token,
    });
  });

  app.post(
    '/alumni/link/:token',
    { schema: { params: LinkParams, body: Type.Object(CsrfField, { additionalProperties: false }) } },
    async (request, reply) => {
      const alumniId = await app.db.transaction().execute(async (trx) => {
        const link = await spendAlumniLink(trx, request.params.token);
        if (!link) throw linkGone();
        if (link.purpose === 'verify' && !(await verifyAddress(trx, link.alumni_id, link.email))) throw linkGone();
        return link.alumni_id;
      });
      await app.startAlumniSession(reply, alumniId);
      return reply.redirect('/alumni/me', 303);
    },
  );

  app.post('/alumni/sign-out', { schema: { body: Type.Object(CsrfField, { additionalProperties: false }) } }, async (request, reply) => {
    const token = request.cookies[ALUMNI_COOKIE];
    if (token) await endAlumniSession(app.db, token);
    reply.clearCookie(ALUMNI_COOKIE, { path: '/alumni' });
    return reply.redirect(`/alumni?lang=${request.locale}`, 303);
  });
};
