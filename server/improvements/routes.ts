import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { AppError } from '../errors/app-error.ts';
import { reasonLabels } from '../insights/labels.ts';
import { loadDepartments } from '../insights/load.ts';
import { CsrfField } from '../web/csrf.ts';
import { ActionForm, parseActionForm } from './action-form.ts';
import { ACTION_STATUSES, type ActionInput, deleteAction, listActions, saveAction } from './actions.ts';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
const EMPTY: ActionInput = {
  titleJa: '',
  titleEn: '',
  descriptionJa: '',
  descriptionEn: '',
  reasonCodes: [],
  departmentIds: [],
  status: 'planned',
  startedOn: null,
  doneOn: null,
  published: false,
};

/** "You said, we did": HR records what changed because of exit feedback. */
export const improvementRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);
  const labels = (request: FastifyRequest) => reasonLabels(app.surveys, request.locale);

  const form = async (request: FastifyRequest, id: string | null, values: ActionInput, errors: Record<string, string> = {}) => ({
    title: request.t(id ? 'improvements.edit' : 'improvements.new'),
    id,
    values,
    errors,
    statuses: ACTION_STATUSES,
    reasonLabels: labels(request),
    departments: await loadDepartments(app.db),
  });

  app.get(
    '/staff/improvements',
    {
      preHandler: hrOnly,
      schema: { querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const [actions, departments] = await Promise.all([listActions(app.db), loadDepartments(app.db)]);
      return reply.view('staff/improvements', {
        title: request.t('improvements.title'),
        actions,
        departments,
        reasonLabels: labels(request),
        saved: request.query.saved === '1',
      });
    },
  );

  app.get('/staff/improvements/new', { preHandler: hrOnly }, async (request, reply) =>
    reply.view('staff/improvement-form', await form(request, null, EMPTY)),
  );

  app.get('/staff/improvements/:id', { preHandler: hrOnly, schema: { params: Params } }, async (request, reply) => {
    const [action] = await listActions(app.db, { ids: [request.params.id] });
    if (!action) throw notFound();
    return reply.view('staff/improvement-form', await form(request, action.id, action));
  });

  const save = (id: string | null) => async (request: FastifyRequest<{ Body: ActionForm }>, reply: FastifyReply) => {
    const { input, errors } = parseActionForm(request.body, Object.keys(labels(request)));
    if (Object.keys(errors).length > 0) return reply.code(400).view('staff/improvement-form', await form(request, id, input, errors));
    await app.db.transaction().execute(async (trx) => {
      const savedId = await saveAction(trx, id ?? undefined, input);
      if (!savedId) throw notFound();
      await recordAudit(trx, {
        action: 'improvement_saved',
        actor: request.staff,
        ip: request.ip,
        details: { actionId: savedId, published: input.published, status: input.status },
      });
    });
    return reply.redirect('/staff/improvements?saved=1', 303);
  };
  app.post('/staff/improvements', { preHandler: hrOnly, schema: { body: ActionForm } }, save(null));
  app.post('/staff/improvements/:id', { preHandler: hrOnly, schema: { params: Params, body: ActionForm } }, async (request, reply) =>
    save(request.params.id)(request, reply),
  );

  app.post(
    '/staff/improvements/:id/delete',
    { preHandler: hrOnly, schema: { params: Params, body: Type.Object(CsrfField, { additionalProperties: false }) } },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        if (!(await deleteAction(trx, request.params.id))) throw notFound();
        await recordAudit(trx, {
          action: 'improvement_deleted',
          actor: request.staff,
          ip: request.ip,
          details: { actionId: request.params.id },
        });
      });
      return reply.redirect('/staff/improvements?saved=1', 303);
    },
  );
};
