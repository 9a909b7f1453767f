import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invitationContext } from '../invitations/context.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';
import { LeaverInput } from './leaver-input.ts';
import { registerLeaver } from './register-leaver.ts';

const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

export const leaverRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/v1/leavers',
    {
      preHandler: app.requireApiToken,
      schema: {
        body: LeaverInput,
        response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }), 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = await registerLeaver(app.db, { ...invitationContext(app), survey: DEFAULT_SURVEY }, request.body);
      request.log.info({ leaverId: id }, 'leaver registered');
      app.worker.wake();
      return reply.code(201).send({ id });
    },
  );
};
