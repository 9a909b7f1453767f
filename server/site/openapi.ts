import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The API's OpenAPI document, built from the routes' own TypeBox schemas (only
 * routes tagged for the API are in it); served by api-docs-routes.ts. Registered
 * before the areas: it collects their schemas as routes are added.
 */
export const openApiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      hideUntagged: true,
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Honne API',
          version: 'v1',
          description:
            'Register and manage leavers from an HR system. Every call needs an API token (created by an admin under Staff > API tokens) as `Authorization: Bearer <token>`. Messages follow Accept-Language (ja or en).',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
    });
  },
  { name: 'honne-openapi' },
);

/** The document at /docs/json, browsable at /docs: public, like any API's reference. */
export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
};
