import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { quarterOf } from '../answers/cohort.ts';
import { recordAudit } from '../audit/record.ts';
import { today } from '../shared/dates.ts';
import { loadDepartments } from '../insights/load.ts';
import { departmentsInScope, scopeOf } from '../insights/scope.ts';
import { buildQuarterlyReport } from './build.ts';
import { previousQuarter } from '../shared/dates.ts';

const QUARTERS_LISTED = 4;

/** Staff download a department's quarterly PDF; managers only their own departments (and below). */
export const reportRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const anyStaff = app.requireStaff(['admin', 'hr', 'manager']);

  app.get(
    '/staff/reports',
    { preHandler: anyStaff, schema: { querystring: Type.Object({ lang: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const scope = await scopeOf(app.db, request.staff!);
      const departments = await loadDepartments(app.db);
      const allowed = departmentsInScope(departments, scope);
      const quarters = [quarterOf(today())];
      while (quarters.length < QUARTERS_LISTED) quarters.push(previousQuarter(quarters.at(-1)!));
      return reply.view('staff/reports', { title: request.t('reports.page_title'), departments: allowed, quarters });
    },
  );

  app.get(
    '/reports/quarterly/:file',
    {
      preHandler: anyStaff,
      schema: {
        params: Type.Object({ file: Type.String({ pattern: '^[0-9]{4}-Q[1-4]\\.pdf$' }) }),
        querystring: Type.Object(
          { department: Type.String({ format: 'uuid' }), lang: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const quarter = request.params.file.slice(0, 7);
      const scope = await scopeOf(app.db, request.staff!);
      const { pdf, department } = await buildQuarterlyReport(app, quarter, request.query.department, scope, request.locale);
      await recordAudit(app.db, {
        action: 'report_exported',
        actor: request.staff,
        ip: request.ip,
        details: { report: 'quarterly_pdf', quarter, departmentId: department.id },
      });
      const name = `honne-${quarter}-${department.name}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="honne-${quarter}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(pdf);
    },
  );
};
