import type { FastifyInstance } from 'fastify';

/**
 * Every answer of the routes registered in `area` carries personal data or reports
 * (pages, exports, PDFs): no browser or proxy cache may keep it, whatever the route said.
 */
export function noStore(area: FastifyInstance): void {
  area.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
}
