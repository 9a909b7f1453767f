import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invitationContext } from '../../invitations/context.ts';
import { DEFAULT_SURVEY } from '../../surveys/plugin.ts';
import { ErrorBody } from '../api-schemas.ts';
import { ImportRefused, importLeavers } from './apply.ts';
import { planImport } from './plan.ts';
import { readImportFile } from './read-file.ts';
import type { RowProblem } from './rows.ts';
import { MAX_IMPORT_BYTES } from './staff-routes.ts';

const Problems = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  problems: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
});
const Counts = {
  dryRun: Type.Boolean(),
  encoding: Type.String(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  invited: Type.Optional(Type.Integer()),
  scheduled: Type.Optional(Type.Integer()),
};

/** The CSV import for HR systems: the same reading, plan and all-or-nothing write as the staff page. */
export const leaverImportApiRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
    (_request, body, done) => done(null, body),
  );
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const refuse = (request: FastifyRequest, problems: RowProblem[]) => ({
    error: { code: 'import_invalid', message: request.t('import.error.refused', { count: problems.length }) },
    problems: problems.map((p) => ({ line: p.line, field: p.field ?? '', message: p.message ?? request.t(p.messageKey, p.params) })),
  });

  app.post(
    '/api/v1/leavers/import',
    {
      schema: {
        tags: ['leavers'],
        security: [{ bearer: [] }],
        summary: 'Import leavers from a CSV file (UTF-8, UTF-8 with BOM or Shift_JIS); all rows or none',
        consumes: ['text/csv'],
        querystring: Type.Object({ dryRun: Type.Optional(Type.Enum(['true', 'false'])) }, { additionalProperties: false }),
        body: Type.Unsafe<Buffer>({ description: 'The CSV file, as sent by the HR system' }),
        // A file's problems, or a request refused before the file is read (its query, say).
        response: { 200: Type.Object(Counts), 400: Type.Union([Problems, ErrorBody]), 401: ErrorBody, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      const read = readImportFile(request.body, request.locale);
      if (read.problems.length > 0) return reply.code(400).send(refuse(request, read.problems));
      const encoding = read.encoding ?? '';
      if (request.query.dryRun === 'true') {
        const plan = await planImport(app.db, read.rows);
        if (plan.problems.length > 0) return reply.code(400).send(refuse(request, plan.problems));
        return { dryRun: true, encoding, created: plan.create.length, updated: plan.update.length, unchanged: plan.unchanged.length };
      }
      try {
        const result = await importLeavers(app.db, await invitationContext(app), read.rows, DEFAULT_SURVEY, {
          actorLabel: `api-token:${request.apiTokenId}`,
          ip: request.ip,
          fileName: 'api',
        });
        request.log.info({ ...result }, 'leavers imported');
        app.worker.wake();
        return { dryRun: false, encoding, ...result };
      } catch (error) {
        if (error instanceof ImportRefused) return reply.code(400).send(refuse(request, error.plan.problems));
        throw error;
      }
    },
  );
};
