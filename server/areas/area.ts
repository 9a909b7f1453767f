import type { FastifyInstance } from 'fastify';

/** The parts of the product a route can belong to; each carries its own guards (see docs/architecture.md). */
export const AREAS = ['public', 'respondent', 'staff-entry', 'staff', 'alumni', 'alumni-member', 'api'] as const;
export type Area = (typeof AREAS)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by the area a route is registered in; the route list test reads it. */
    area?: Area;
  }
}

/** Marks every route registered in `context` (and below, unless a narrower area marks it again) as `area`'s. */
export function markArea(context: FastifyInstance, area: Area): void {
  context.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), area };
  });
}
