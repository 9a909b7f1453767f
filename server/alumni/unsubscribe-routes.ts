import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../errors/app-error.ts';
import { withdrawConsent } from './member-data.ts';
import { verifySignedId } from './signed-id.ts';

const Lang = Type.Object({ lang: Type.Optional(Type.String()) });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
// RFC 8058: the mail client posts `List-Unsubscribe=One-Click`; our own page posts its CSRF field, unneeded here.
const UnsubscribeBody = Type.Optional(
  Type.Object(
    { 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: 20 })), _csrf: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
);

/**
 * One-click unsubscribe from the newsletter. The mail client posts it without any
 * cookie (RFC 8058), so it has no CSRF check: the signed link is its proof.
 */
export const alumniUnsubscribeRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const memberOf = (token: string) => {
    const alumniId = verifySignedId(app.keys.alumniLinks, 'unsubscribe', token);
    if (!alumniId) throw new AppError({ code: 'alumni_link_unknown', status: 404, messageKey: 'alumni.unsubscribe.unknown' });
    return alumniId;
  };

  app.get('/alumni/unsubscribe/:token', { schema: { params: TokenParams, querystring: Lang } }, async (request, reply) => {
    memberOf(request.params.token);
    return reply.view('alumni/unsubscribe', { title: request.t('alumni.unsubscribe.title'), token: request.params.token, done: false });
  });

  // Takes effect at once; a member already erased or already unsubscribed gets the same answer.
  app.post('/alumni/unsubscribe/:token', { schema: { params: TokenParams, body: UnsubscribeBody } }, async (request, reply) => {
    const alumniId = memberOf(request.params.token);
    const withdrawn = await withdrawConsent(app.db, alumniId, 'newsletter');
    request.log.info({ withdrawn }, 'newsletter unsubscribe');
    return reply.view('alumni/unsubscribe', { title: request.t('alumni.unsubscribe.title'), token: request.params.token, done: true });
  });
};
