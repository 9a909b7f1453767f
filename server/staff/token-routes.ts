import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CsrfField } from '../web/csrf.ts';
import { recordAudit } from '../audit/record.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/api-tokens.ts';

/** API tokens, created and revoked by administrators; a new token is shown once. */
export const tokenRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireStaff(['admin']);

  const listPage = async (request: FastifyRequest, reply: FastifyReply, created: string | null) => {
    const tokens = await listApiTokens(app.db);
    return reply.view('staff/tokens', { title: request.t('staff.tokens.title'), tokens, created });
  };

  app.get('/staff/tokens', { preHandler: adminOnly }, async (request, reply) => listPage(request, reply, null));

  app.post(
    '/staff/tokens',
    {
      preHandler: adminOnly,
      schema: { body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), ...CsrfField }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const { id, token } = await createApiToken(app.db, request.body.name.trim());
      request.log.info({ staffId: request.staff!.id, apiTokenId: id }, 'api token created');
      await recordAudit(app.db, {
        action: 'api_token_created',
        actor: request.staff,
        target: request.body.name.trim(),
        ip: request.ip,
        details: { apiTokenId: id },
      });
      reply.code(201).header('cache-control', 'no-store');
      return listPage(request, reply, token);
    },
  );

  app.post(
    '/staff/tokens/:id/revoke',
    { preHandler: adminOnly, schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Type.Object(CsrfField) } },
    async (request, reply) => {
      const revoked = await revokeApiToken(app.db, request.params.id);
      if (revoked)
        await recordAudit(app.db, {
          action: 'api_token_revoked',
          actor: request.staff,
          target: revoked,
          ip: request.ip,
          details: { apiTokenId: request.params.id },
        });
      request.log.info({ staffId: request.staff!.id, apiTokenId: request.params.id }, 'api token revoked');
      return reply.redirect('/staff/tokens', 303);
    },
  );
};
