import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { CONSENT_PURPOSES } from '../db/alumni-schema.ts';
import { AppError } from '../errors/app-error.ts';
import { childrenOf, subtree } from '../insights/lattice.ts';
import { loadDepartments } from '../insights/load.ts';
import { toCsv } from '../shared/csv.ts';
import { CsrfField } from '../web/csrf.ts';
import { type DirectoryFilter, exportRows, listDirectory, PAGE_SIZE } from './directory.ts';
import { memberRecord } from './member-data.ts';

const ELIGIBILITY = ['eligible', 'conditional', 'not_eligible', 'unknown'] as const;
const Query = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    consent: Type.Optional(Type.Union([Type.Enum([...CONSENT_PURPOSES]), Type.Literal('')])),
    department: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')])),
    leftYear: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{4}$' }), Type.Literal('')])),
    eligibility: Type.Optional(Type.Union([Type.Enum([...ELIGIBILITY]), Type.Literal('')])),
    rehired: Type.Optional(Type.Enum(['', 'yes', 'no'])),
    page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
    lang: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type Query = Static<typeof Query>;
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RehireForm = Type.Object(
  {
    rehiredOn: Type.Union([Type.String({ format: 'date' }), Type.Literal('')]),
    departmentId: Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')]),
    ...CsrfField,
  },
  { additionalProperties: false },
);

/** HR's alumni directory, its consent-bound export, and recording a boomerang hire. Managers see none of it. */
export const alumniStaffRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);

  const filterOf = (query: Query, departments: Awaited<ReturnType<typeof loadDepartments>>): DirectoryFilter => ({
    ...(query.q?.trim() ? { q: query.q } : {}),
    ...(query.consent ? { consent: query.consent } : {}),
    ...(query.department ? { departmentIds: subtree(childrenOf(departments), query.department) } : {}),
    ...(query.leftYear ? { leftYear: Number(query.leftYear) } : {}),
    ...(query.eligibility ? { eligibility: query.eligibility } : {}),
    ...(query.rehired ? { rehired: query.rehired === 'yes' } : {}),
  });

  app.get('/staff/alumni', { preHandler: hrOnly, schema: { querystring: Query } }, async (request, reply) => {
    const page = Number(request.query.page ?? '1');
    const departments = await loadDepartments(app.db);
    const [result, years] = await Promise.all([
      listDirectory(app.db, filterOf(request.query, departments), page),
      app.db.selectFrom('alumni').select('left_year').distinct().orderBy('left_year', 'desc').execute(),
    ]);
    const filter = { q: '', consent: '', department: '', leftYear: '', eligibility: '', rehired: '', ...request.query };
    const { lang: _lang, page: _page, ...kept } = filter;
    const pageHref = (n: number) => `?${new URLSearchParams({ ...kept, page: String(n) })}`;
    const exportHref = (purpose: string) => `/staff/alumni/export?${new URLSearchParams({ ...kept, consent: purpose })}`;
    return reply.view('staff/alumni', {
      title: request.t('alumni.staff.title'),
      ...result,
      page,
      pageSize: PAGE_SIZE,
      filter,
      departments,
      years: years.map((y) => y.left_year),
      purposes: CONSENT_PURPOSES,
      eligibilities: ELIGIBILITY,
      pageHref,
      exportHref,
    });
  });

  // An export is for one purpose: only members who consented to it are in the file.
  app.get('/staff/alumni/export', { preHandler: hrOnly, schema: { querystring: Query } }, async (request, reply) => {
    const purpose = request.query.consent;
    if (!purpose) throw new AppError({ code: 'purpose_required', status: 400, messageKey: 'alumni.staff.export_purpose' });
    const rows = await exportRows(app.db, filterOf(request.query, await loadDepartments(app.db)), purpose);
    await recordAudit(app.db, { action: 'alumni_exported', actor: request.staff, ip: request.ip, details: { purpose, rows: rows.length } });
    const header = [
      'name',
      'email',
      'company',
      'job_title',
      'profile_url',
      'department',
      'left_year',
      'language',
      `consent_${purpose}_given_on`,
    ];
    const csv = toCsv([
      header,
      ...rows.map((r) => [r.name, r.email, r.company, r.job_title, r.profile_url, r.department, r.left_year, r.locale, r.given_on]),
    ]);
    return reply
      .header('content-disposition', `attachment; filename="honne-alumni-${purpose}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });

  app.get(
    '/staff/alumni/:id',
    {
      preHandler: hrOnly,
      schema: { params: Params, querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const record = await memberRecord(app.db, request.params.id);
      if (!record?.email_verified_on) throw new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
      const [hr, departments] = await Promise.all([
        app.db
          .selectFrom('alumni')
          .leftJoin('leaver', 'leaver.id', 'alumni.leaver_id')
          .select(['leaver.rehire_eligibility', 'leaver.rehire_note', 'alumni.rehired_department_id'])
          .where('alumni.id', '=', record.id)
          .executeTakeFirstOrThrow(),
        loadDepartments(app.db),
      ]);
      await recordAudit(app.db, { action: 'alumni_viewed', actor: request.staff, ip: request.ip, details: { alumniId: record.id } });
      return reply.view('staff/alumni-member', { title: record.name, record, hr, departments, saved: request.query.saved === '1' });
    },
  );

  app.post('/staff/alumni/:id/rehire', { preHandler: hrOnly, schema: { params: Params, body: RehireForm } }, async (request, reply) => {
    const { rehiredOn, departmentId } = request.body;
    if (rehiredOn && !departmentId)
      throw new AppError({ code: 'validation', status: 400, messageKey: 'alumni.staff.rehire_department_required' });
    await app.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('alumni')
        .set({ rehired_on: rehiredOn || null, rehired_department_id: rehiredOn ? departmentId : null })
        .where('id', '=', request.params.id)
        .where('email_verified_on', 'is not', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
      await recordAudit(trx, {
        action: 'alumni_rehired',
        actor: request.staff,
        ip: request.ip,
        details: { alumniId: request.params.id, rehiredOn: rehiredOn || 'cleared' },
      });
    });
    return reply.redirect(`/staff/alumni/${request.params.id}?saved=1`, 303);
  });
};
