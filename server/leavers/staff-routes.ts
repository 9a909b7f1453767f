import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DayFilter } from '../shared/day-filter.ts';
import { INVITATION_STATUSES, listLeavers } from './list-leavers.ts';

const Query = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  department: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')])),
  status: Type.Optional(Type.Union([Type.Enum([...INVITATION_STATUSES]), Type.Literal('')])),
  from: DayFilter,
  to: DayFilter,
  page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
  lang: Type.Optional(Type.String()),
});

/** HR's list of leavers: search, filters, paging, and each invitation's status. Managers see no leaver data. */
export const leaverStaffRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/staff/leavers', { preHandler: app.requireStaff(['admin', 'hr']), schema: { querystring: Query } }, async (request, reply) => {
    const { q = '', department = '', status = '', from = '', to = '', page = '1' } = request.query;
    const result = await listLeavers(app.db, {
      page: Number(page),
      ...(q.trim() ? { q } : {}),
      ...(department ? { departmentId: department } : {}),
      ...(status ? { status } : {}),
      ...(from ? { lastDayFrom: from } : {}),
      ...(to ? { lastDayTo: to } : {}),
    });
    const departments = await app.db.selectFrom('department').select(['id', 'name']).orderBy('name').execute();
    const pageHref = (n: number) => `?${new URLSearchParams({ q, department, status, from, to, page: String(n) })}`;
    return reply.view('staff/leavers', {
      title: request.t('leavers.title'),
      ...result,
      page: Number(page),
      departments,
      statuses: INVITATION_STATUSES,
      filter: { q, department, status, from, to },
      pageHref,
    });
  });
};
