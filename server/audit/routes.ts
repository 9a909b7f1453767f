import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DayFilter } from '../shared/day-filter.ts';
import { listAuditEvents } from './list-events.ts';
import { AUDIT_ACTIONS } from './record.ts';

const Filter = Type.Object({
  action: Type.Optional(Type.Union([Type.Enum([...AUDIT_ACTIONS]), Type.Literal('')])),
  actor: Type.Optional(Type.String({ maxLength: 254 })),
  from: DayFilter,
  to: DayFilter,
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  lang: Type.Optional(Type.String()),
});

/** Administrators browse and filter the audit log. */
export const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/staff/audit', { preHandler: app.requireStaff(['admin']), schema: { querystring: Filter } }, async (request, reply) => {
    const { action, actor, from, to, before } = request.query;
    const filter = {
      ...(action ? { action } : {}),
      ...(actor?.trim() ? { actor: actor.trim() } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(before ? { before: Number(before) } : {}),
    };
    const { events, next } = await listAuditEvents(app.db, filter);
    const nextHref = next
      ? `?${new URLSearchParams({ action: action ?? '', actor: actor ?? '', from: from ?? '', to: to ?? '', before: String(next) })}`
      : null;
    return reply.view('staff/audit', {
      title: request.t('audit.title'),
      events,
      actions: AUDIT_ACTIONS,
      filter: { action: action ?? '', actor: actor ?? '', from: from ?? '', to: to ?? '' },
      nextHref,
    });
  });
};
