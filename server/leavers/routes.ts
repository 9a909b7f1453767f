import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type AuditAction, recordAudit } from '../audit/record.ts';
import { invitationContext } from '../invitations/context.ts';
import { loadSettings } from '../settings/settings.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';
import { ErrorBody, LeaverJson, LeaverQuery, LeaverUpdate } from './api-schemas.ts';
import { deleteLeaver, updateLeaver } from './edit-leaver.ts';
import { findLeaver, leaverJson } from './find-leaver.ts';
import { LeaverInput } from './leaver-input.ts';
import { listLeavers } from './list-leavers.ts';
import { registerLeaver } from './register-leaver.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['leavers'];
const security = [{ bearer: [] }];

/** The leavers API for HR systems: Bearer token, JSON, every write audited under the token. */
export const leaverRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const audit = (request: FastifyRequest, action: AuditAction, leaverId: string, target?: string) =>
    recordAudit(app.db, {
      action,
      actorLabel: `api-token:${request.apiTokenId}`,
      ip: request.ip,
      ...(target ? { target } : {}),
      details: { leaverId },
    });

  app.post(
    '/api/v1/leavers',
    {
      schema: {
        tags,
        security,
        summary: 'Register a leaver and invite them (or schedule the invitation)',
        body: LeaverInput,
        response: {
          201: Type.Object({ id: Type.String({ format: 'uuid' }), scheduledFor: Type.Optional(Type.String({ format: 'date' })) }),
          400: ErrorBody,
          401: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id, scheduledFor } = await registerLeaver(
        app.db,
        { ...(await invitationContext(app)), survey: DEFAULT_SURVEY },
        request.body,
      );
      request.log.info({ leaverId: id }, 'leaver registered');
      await audit(request, 'leaver_created', id, request.body.employeeId);
      app.worker.wake();
      return reply.code(201).send(scheduledFor ? { id, scheduledFor } : { id });
    },
  );

  app.get(
    '/api/v1/leavers',
    {
      schema: {
        tags,
        security,
        summary: 'List leavers (50 per page) with their invitation status',
        querystring: LeaverQuery,
        response: {
          200: Type.Object({ leavers: Type.Array(LeaverJson), total: Type.Integer(), page: Type.Integer(), pages: Type.Integer() }),
          400: ErrorBody,
          401: ErrorBody,
        },
      },
    },
    async (request) => {
      const { q, department, status, from, to } = request.query;
      const page = Number(request.query.page ?? 1);
      const result = await listLeavers(app.db, {
        page,
        ...(q ? { q } : {}),
        ...(department ? { departmentId: department } : {}),
        ...(status ? { status } : {}),
        ...(from ? { lastDayFrom: from } : {}),
        ...(to ? { lastDayTo: to } : {}),
      });
      const leavers = await Promise.all(result.leavers.map(async (l) => leaverJson(await findLeaver(app.db, l.id))));
      return { leavers, total: result.total, page, pages: result.pages };
    },
  );

  app.get(
    '/api/v1/leavers/:id',
    { schema: { tags, security, summary: 'One leaver', params: IdParams, response: { 200: LeaverJson, 401: ErrorBody, 404: ErrorBody } } },
    async (request) => {
      const leaver = leaverJson(await findLeaver(app.db, request.params.id));
      await audit(request, 'leaver_viewed_by_api', leaver.id);
      return leaver;
    },
  );

  app.put(
    '/api/v1/leavers/:id',
    {
      schema: {
        tags,
        security,
        summary: "Replace a leaver's details",
        params: IdParams,
        body: LeaverUpdate,
        response: { 200: LeaverJson, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const { regrettable = null, rehireEligibility = null, rehireNote = null, ...input } = request.body;
      await updateLeaver(app.db, request.params.id, input, { regrettable, rehireEligibility, rehireNote }, await loadSettings(app.db));
      await audit(request, 'leaver_updated', request.params.id, input.employeeId);
      return leaverJson(await findLeaver(app.db, request.params.id));
    },
  );

  app.delete(
    '/api/v1/leavers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a leaver (anonymous answers stay)',
        params: IdParams,
        response: { 204: Type.Null(), 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await deleteLeaver(app.db, request.params.id);
      await audit(request, 'leaver_deleted', request.params.id);
      return reply.code(204).send(null);
    },
  );
};
