import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { EXIT_TYPES, REGRETTABLE } from '../answers/cohort.ts';
import { boomerangsByYear } from '../alumni/directory.ts';
import { recordAudit } from '../audit/record.ts';
import { actionsByReason, relatedDepartments } from '../improvements/for-reasons.ts';
import { groupComments } from './comments.ts';
import { summaryCsv } from './export.ts';
import { reasonLabels } from './labels.ts';
import { ALL, childrenOf, subtree } from './lattice.ts';
import { loadDepartments } from './load.ts';
import { departmentsInScope, scopeOf, yearsWithData } from './scope.ts';
import { GROUP_BY, parsePeriod } from './summary.ts';

const Filters = Type.Object(
  {
    year: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
    quarter: Type.Optional(Type.Enum(['', 'Q1', 'Q2', 'Q3', 'Q4'])),
    department: Type.Optional(Type.String({ maxLength: 64 })),
    exitType: Type.Optional(Type.Union([Type.Enum([...EXIT_TYPES]), Type.Literal('')])),
    regrettable: Type.Optional(Type.Union([Type.Enum([...REGRETTABLE]), Type.Literal('')])),
    groupBy: Type.Optional(Type.Enum([...GROUP_BY])),
    format: Type.Optional(Type.Enum(['csv', 'json'])),
    reason: Type.Optional(Type.String({ maxLength: 64 })),
    lang: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type Filters = Static<typeof Filters>;

/** The dashboard (HR, admins, and managers for their departments), its exports and the comments view. */
export const insightStaffRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const anyStaff = app.requireStaff(['admin', 'hr', 'manager']);

  /** The filters as the engine takes them; the year defaults to the newest with answers. */
  const resolve = async (request: FastifyRequest, query: Filters) => {
    const years = await yearsWithData(app.db);
    const year = query.year ? Number(query.year) : (years[0] ?? new Date().getUTCFullYear());
    const period = query.quarter
      ? { from: `${year}-${query.quarter}`, to: `${year}-${query.quarter}` }
      : { from: `${year}-Q1`, to: `${year}-Q4` };
    const scope = await scopeOf(app.db, request.staff!);
    const base = {
      ...period,
      ...(query.department ? { department: query.department } : {}),
      ...(query.exitType ? { exitType: query.exitType } : {}),
      ...(query.regrettable ? { regrettable: query.regrettable } : {}),
    };
    return { years, year, scope, base, query };
  };

  app.get('/staff/insights', { preHandler: anyStaff, schema: { querystring: Filters } }, async (request, reply) => {
    const { years, year, scope, base, query } = await resolve(request, request.query);
    const k = app.config.anonymityK;
    const total = await app.insights.summarize(base, scope);
    const scoped = { ...base, department: total.department?.id ?? ALL };
    const [trend, byDepartment, byTenure, byExitType, byRegrettable] = await Promise.all([
      app.insights.summarize({ ...scoped, from: `${year - 1}-Q1`, to: `${year}-Q4`, groupBy: 'quarter' }, scope),
      app.insights.summarize({ ...scoped, groupBy: 'department' }, scope),
      // Tenure is not crossed with regrettable loss (lattice.ts): that chart is left out, with a note.
      query.regrettable ? null : app.insights.summarize({ ...scoped, groupBy: 'tenure' }, scope),
      app.insights.summarize({ ...scoped, groupBy: 'exitType' }, scope),
      app.insights.summarize({ ...scoped, groupBy: 'regrettable' }, scope),
    ]);
    const departments = await loadDepartments(app.db);
    const allowed = departmentsInScope(departments, scope);
    const roots = total.department ? [total.department.id] : scope.all ? undefined : scope.departmentIds;
    const [actions, boomerangs] = await Promise.all([
      actionsByReason(app.db, request.locale, roots && relatedDepartments(departments, roots)),
      // Identified people, not answers: HR's figure, for the whole company.
      scope.all ? boomerangsByYear(app.db) : Promise.resolve(null),
    ]);
    await recordAudit(app.db, {
      action: 'report_viewed',
      actor: request.staff,
      ip: request.ip,
      details: { report: 'dashboard', from: base.from, to: base.to, department: total.department?.id ?? 'all' },
    });
    return reply.view('staff/insights', {
      title: request.t('insights.title'),
      k,
      years: years.length ? years : [year],
      filters: {
        year,
        quarter: query.quarter ?? '',
        department: total.department?.id ?? '',
        exitType: query.exitType ?? '',
        regrettable: query.regrettable ?? '',
      },
      departments: allowed,
      wholeOrg: scope.all,
      reasonLabels: reasonLabels(app.surveys, request.locale),
      reports: { total, trend, byDepartment, byTenure, byExitType, byRegrettable },
      actions,
      boomerangs,
    });
  });

  app.get('/staff/insights/export', { preHandler: anyStaff, schema: { querystring: Filters } }, async (request, reply) => {
    const { base, scope, query } = await resolve(request, request.query);
    const summary = await app.insights.summarize({ ...base, ...(query.groupBy ? { groupBy: query.groupBy } : {}) }, scope);
    const format = query.format ?? 'csv';
    await recordAudit(app.db, {
      action: 'report_exported',
      actor: request.staff,
      ip: request.ip,
      details: { format, from: base.from, to: base.to, groupBy: query.groupBy ?? 'none' },
    });
    const name = `honne-${base.from}-${base.to}${query.groupBy ? `-by-${query.groupBy}` : ''}`;
    if (format === 'json') {
      return reply.header('content-disposition', `attachment; filename="${name}.json"`).type('application/json').send(summary);
    }
    const codes = Object.keys(reasonLabels(app.surveys, request.locale));
    const csv = summaryCsv(summary, codes, {
      group: request.t('insights.group'),
      suppressed: 'suppressed',
      lessDetailed: request.t('insights.less_detailed', { k: app.config.anonymityK }),
    });
    return reply.header('content-disposition', `attachment; filename="${name}.csv"`).type('text/csv; charset=utf-8').send(csv);
  });

  app.get('/staff/insights/comments', { preHandler: anyStaff, schema: { querystring: Filters } }, async (request, reply) => {
    const { base, scope, year, query } = await resolve(request, request.query);
    const k = app.config.anonymityK;
    const summary = await app.insights.summarize(base, scope);
    const total = summary.total;
    const reasonCount =
      query.reason && total && !total.suppressed ? (total.primaryReasons.find((r) => r.code === query.reason)?.count ?? 0) : undefined;
    // Shown only when the group itself is shown and, filtered by a reason, that reason's group has at least k
    // and no view could be subtracted from another to single anyone out (year-data.ts, reasonsSeparable).
    const shown = !summary.rolledUp && total !== null && !total.suppressed && (reasonCount === undefined || reasonCount >= k);
    const reasonRefused = shown && reasonCount !== undefined && !(await app.insights.reasonsSeparable(summary));
    const visible = shown && !reasonRefused;
    const departments = await loadDepartments(app.db);
    const comments = visible
      ? await groupComments(app.db, {
          year,
          period: parsePeriod(base.from, base.to).period,
          departmentIds: subtree(childrenOf(departments), summary.department?.id ?? ALL).filter((id) => id !== ALL),
          wholeOrganisation: summary.department === null,
          ...(query.exitType ? { exitType: query.exitType } : {}),
          ...(query.regrettable ? { regrettable: query.regrettable } : {}),
          ...(query.reason ? { primaryReason: query.reason } : {}),
        })
      : [];
    await recordAudit(app.db, {
      action: 'report_viewed',
      actor: request.staff,
      ip: request.ip,
      details: { report: 'comments', from: base.from, to: base.to },
    });
    return reply.view('staff/insights-comments', {
      title: request.t('insights.comments'),
      k,
      visible,
      reasonRefused,
      comments,
      reasonLabels: reasonLabels(app.surveys, request.locale),
      filters: { ...request.query, reason: query.reason ?? '' },
      summary,
    });
  });
};
