import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CsrfField } from '../../web/csrf.ts';
import { invitationContext } from '../../invitations/context.ts';
import { DEFAULT_SURVEY } from '../../surveys/plugin.ts';
import { ImportRefused, importLeavers } from './apply.ts';
import { planImport } from './plan.ts';
import { readImportFile } from './read-file.ts';
import type { RowProblem } from './rows.ts';
import { discardStagedImport, loadStagedImport, stageImport } from './staging.ts';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const SAMPLE = 20;

const Upload = Type.Object(
  { file: Type.Optional(Type.Object({ fileName: Type.String(), bytes: Type.Unsafe<Buffer>({}) })), ...CsrfField },
  { additionalProperties: false },
);

/** HR uploads a CSV, sees what it would do, and confirms; the file waits sealed in the database meanwhile. */
export const leaverImportStaffRoutes: FastifyPluginAsync = async (fastify) => {
  // Files become { fileName, bytes } in the body, beside the CSRF field.
  await fastify.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5 },
    async onFile(part) {
      (part as unknown as { value: unknown }).value = { fileName: part.filename || 'upload.csv', bytes: await part.toBuffer() };
    },
  });
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);
  const describe = (request: FastifyRequest, problems: RowProblem[]) =>
    problems.map((p) => ({ line: p.line, field: p.field ?? '', message: p.message ?? request.t(p.messageKey, p.params) }));
  const uploadForm = (request: FastifyRequest, reply: FastifyReply, error: string | null = null, status = 200) =>
    reply.code(status).view('staff/import', { title: request.t('import.title'), error });

  app.get('/staff/leavers/import', { preHandler: hrOnly }, async (request, reply) => uploadForm(request, reply));

  app.post('/staff/leavers/import', { preHandler: hrOnly, schema: { body: Upload } }, async (request, reply) => {
    const { file } = request.body;
    if (!file || file.bytes.length === 0) return uploadForm(request, reply, request.t('import.error.no_file'), 400);
    const read = readImportFile(file.bytes, request.locale);
    const plan = read.problems.length > 0 ? undefined : await planImport(app.db, read.rows);
    const problems = describe(request, read.problems.length > 0 ? read.problems : plan!.problems);
    const stagedId =
      problems.length === 0 ? await stageImport(app.db, app.keys.stagedImport, request.staff!.id, file.fileName, file.bytes) : null;
    return reply.code(problems.length > 0 ? 400 : 200).view('staff/import-preview', {
      title: request.t('import.title'),
      fileName: file.fileName,
      encoding: read.encoding ?? '',
      problems,
      stagedId,
      counts: plan ? { create: plan.create.length, update: plan.update.length, unchanged: plan.unchanged.length } : null,
      creates: plan?.create.slice(0, SAMPLE).map((row) => row.input) ?? [],
      updates: plan?.update.slice(0, SAMPLE).map((u) => ({ ...u.row.input, changes: u.changes })) ?? [],
      sample: SAMPLE,
    });
  });

  app.post(
    '/staff/leavers/import/:id',
    {
      preHandler: hrOnly,
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(CsrfField, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const staged = await loadStagedImport(app.db, app.keys.stagedImport, request.params.id, request.staff!.id);
      if (!staged) return uploadForm(request, reply, request.t('import.expired'), 410);
      const read = readImportFile(staged.bytes, request.locale);
      try {
        const result = await importLeavers(app.db, await invitationContext(app), read.rows, DEFAULT_SURVEY, {
          actor: request.staff,
          ip: request.ip,
          fileName: staged.fileName,
        });
        await discardStagedImport(app.db, request.params.id);
        request.log.info({ ...result }, 'leavers imported');
        app.worker.wake();
        return reply.view('staff/import-done', { title: request.t('import.title'), message: request.t('import.done', { ...result }) });
      } catch (error) {
        if (!(error instanceof ImportRefused)) throw error;
        // Someone changed the leavers since the preview: show the file's problems now.
        return reply.code(409).view('staff/import-preview', {
          title: request.t('import.title'),
          fileName: staged.fileName,
          encoding: read.encoding ?? '',
          problems: describe(request, error.plan.problems),
          stagedId: null,
          counts: null,
          creates: [],
          updates: [],
          sample: SAMPLE,
        });
      }
    },
  );
};
