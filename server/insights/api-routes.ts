import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { recordAudit } from '../audit/record.ts';
import { ErrorBody } from '../leavers/api-schemas.ts';
import { SummaryJson, SummaryQuery } from './api-schemas.ts';

/** The reports API: the same engine and the same suppression as the dashboard. */
export const insightApiRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/reports/summary',
    {
      schema: {
        tags: ['reports'],
        security: [{ bearer: [] }],
        summary:
          'Attrition measures for a quarter or a year, optionally by quarter, department, tenure band, exit type or regrettable loss; small groups are suppressed',
        querystring: SummaryQuery,
        response: { 200: SummaryJson, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request) => {
      const summary = await app.insights.summarize(request.query, { all: true });
      await recordAudit(app.db, {
        action: 'report_viewed',
        actorLabel: `api-token:${request.apiTokenId}`,
        ip: request.ip,
        details: { report: 'summary', ...request.query },
      });
      return summary;
    },
  );
};
