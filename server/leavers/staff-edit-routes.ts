import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { CsrfField } from '../web/csrf.ts';
import { recordAudit } from '../audit/record.ts';
import { AppError } from '../errors/app-error.ts';
import { fieldErrors } from '../errors/validation-messages.ts';
import { invitationContext } from '../invitations/context.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';
import { deleteLeaver, updateLeaver } from './edit-leaver.ts';
import { findLeaver } from './find-leaver.ts';
import { LeaverInput } from './leaver-input.ts';
import { registerLeaver } from './register-leaver.ts';
import { loadSettings } from '../settings/settings.ts';

const HrFields = {
  regrettable: Type.Optional(Type.Enum(['', 'yes', 'no'])),
  rehireEligibility: Type.Optional(Type.Enum(['', 'eligible', 'conditional', 'not_eligible'])),
  rehireNote: Type.Optional(Type.String({ maxLength: 2000 })),
};
const LeaverForm = Type.Object({ ...LeaverInput.properties, ...HrFields, ...CsrfField }, { additionalProperties: false });
type LeaverForm = Static<typeof LeaverForm>;
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const hrFields = (form: LeaverForm) => ({
  regrettable: form.regrettable ? form.regrettable === 'yes' : null,
  rehireEligibility: form.rehireEligibility || null,
  rehireNote: form.rehireNote?.trim() || null,
});
const leaverInput = ({ employeeId, name, email, department, hireDate, lastDay, exitType, locale }: LeaverForm) =>
  ({ employeeId, name, email, department, hireDate, lastDay, exitType, locale }) as LeaverInput;

/** HR adds, edits and deletes leavers; a form with mistakes comes back with a message beside each field. */
export const leaverEditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Record<string, string> = {},
    status = 200,
  ) =>
    reply.code(status).view('staff/leaver-form', {
      title: request.t(values.id ? 'leavers.edit' : 'leavers.new'),
      values,
      errors,
      saved: false,
      invitation: null,
      done: null,
    });

  /** Validation and domain errors become messages on the form; anything else goes to the error handler. */
  const withFormErrors = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    action: () => Promise<unknown>,
  ) => {
    if (request.validationError) {
      const errors = Object.fromEntries(
        fieldErrors(request.locale, request.validationError.validation ?? []).map((e) => [e.field, e.message]),
      );
      return form(request, reply, values, errors, 400);
    }
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof AppError) || ![400, 409].includes(error.statusCode)) throw error;
      const errors = Object.fromEntries(
        (error.errors ?? [{ field: '_', messageKey: error.messageKey }]).map((e) => [
          e.field ?? '_',
          e.messageKey ? request.t(e.messageKey, error.params) : (e.message ?? ''),
        ]),
      );
      if (!error.errors) errors._ = request.t(error.messageKey, error.params);
      return form(request, reply, values, errors, error.statusCode);
    }
  };

  app.get('/staff/leavers/new', { preHandler: hrOnly }, async (request, reply) =>
    form(request, reply, { locale: 'ja', exitType: 'voluntary' }),
  );

  app.post('/staff/leavers', { preHandler: hrOnly, attachValidation: true, schema: { body: LeaverForm } }, async (request, reply) =>
    withFormErrors(request, reply, request.body, async () => {
      const { id } = await registerLeaver(
        app.db,
        { ...(await invitationContext(app)), survey: DEFAULT_SURVEY },
        leaverInput(request.body),
        hrFields(request.body),
      );
      await recordAudit(app.db, {
        action: 'leaver_created',
        actor: request.staff,
        target: request.body.employeeId,
        ip: request.ip,
        details: { leaverId: id },
      });
      app.worker.wake();
      return reply.redirect(`/staff/leavers/${id}?saved=1`, 303);
    }),
  );

  app.get(
    '/staff/leavers/:id',
    {
      preHandler: hrOnly,
      schema: {
        params: IdParams,
        querystring: Type.Object({
          saved: Type.Optional(Type.String()),
          done: Type.Optional(Type.Enum(['issued', 'resent', 'new_link'])),
          lang: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const row = await findLeaver(app.db, request.params.id);
      const values = {
        id: row.id,
        employeeId: row.employee_id,
        name: row.name,
        email: row.email,
        department: row.department,
        hireDate: row.hire_date,
        lastDay: row.last_day,
        exitType: row.exit_type,
        locale: row.locale,
        regrettable: row.regrettable === null ? '' : row.regrettable ? 'yes' : 'no',
        rehireEligibility: row.rehire_eligibility ?? '',
        rehireNote: row.rehire_note ?? '',
      };
      const invitation = {
        status: row.status,
        scheduledFor: row.invite_on,
        expiresOn: row.expires_on,
        remindersSent: Number(row.reminders_sent),
        erased: row.erased_at !== null,
      };
      return reply.view('staff/leaver-form', {
        title: request.t('leavers.edit'),
        values,
        errors: {},
        saved: request.query.saved === '1',
        invitation,
        done: request.query.done ?? null,
      });
    },
  );

  app.post(
    '/staff/leavers/:id',
    { preHandler: hrOnly, attachValidation: true, schema: { params: IdParams, body: LeaverForm } },
    async (request, reply) =>
      withFormErrors(request, reply, { ...request.body, id: request.params.id }, async () => {
        await updateLeaver(app.db, request.params.id, leaverInput(request.body), hrFields(request.body), await loadSettings(app.db));
        await recordAudit(app.db, {
          action: 'leaver_updated',
          actor: request.staff,
          target: request.body.employeeId,
          ip: request.ip,
          details: { leaverId: request.params.id },
        });
        return reply.redirect(`/staff/leavers/${request.params.id}?saved=1`, 303);
      }),
  );

  app.post(
    '/staff/leavers/:id/delete',
    { preHandler: hrOnly, schema: { params: IdParams, body: Type.Object(CsrfField) } },
    async (request, reply) => {
      await deleteLeaver(app.db, request.params.id);
      await recordAudit(app.db, {
        action: 'leaver_deleted',
        actor: request.staff,
        ip: request.ip,
        details: { leaverId: request.params.id },
      });
      return reply.redirect('/staff/leavers', 303);
    },
  );
};
