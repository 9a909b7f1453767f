import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * The API's OpenAPI document, built from the routes' own TypeBox schemas (only
 * routes tagged for the API are in it), at /docs/json and browsable at /docs.
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
          description: 'Register and manage leavers from an HR system. Every call needs an API token (created by an admin under Staff > API tokens) as `Authorization: Bearer <token>`. Messages follow Accept-Language (ja or en).',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
  },
  { name: 'honne-openapi' },
);
