import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inLocale, listActions } from '../improvements/actions.ts';

const Lang = Type.Object({ lang: Type.Optional(Type.String()) });

/** The public alumni page ("you said, we did"). */
export const alumniPublicRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/alumni', { schema: { querystring: Lang } }, async (request, reply) => {
    const actions = (await listActions(app.db, { published: true })).map((action) => ({ ...action, ...inLocale(action, request.locale) }));
    return reply.view('alumni/home', { title: request.t('alumni.title'), actions });
  });
};
