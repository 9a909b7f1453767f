import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthorized } from '../errors/app-error.ts';
import { verifyApiToken } from './api-tokens.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for /api routes: a valid `Authorization: Bearer <token>`, or 401. */
    requireApiToken(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
  interface FastifyRequest {
    apiTokenId: string | null;
  }
}

export const apiAuthPlugin = fp(
  async (app) => {
    app.decorateRequest('apiTokenId', null);
    app.decorate('requireApiToken', async (request: FastifyRequest, reply: FastifyReply) => {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      const id = match ? await verifyApiToken(app.db, match[1]!) : undefined;
      if (!id) {
        reply.header('www-authenticate', 'Bearer');
        throw unauthorized();
      }
      request.apiTokenId = id;
    });
  },
  { name: 'honne-api-auth', dependencies: ['honne-db'] },
);
