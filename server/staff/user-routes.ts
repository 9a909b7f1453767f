import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { departmentTree } from '../departments/tree.ts';
import { loadSettings } from '../settings/settings.ts';
import { CsrfField } from '../web/csrf.ts';
import { changeStaffUser, deleteStaffUser, inviteStaffUser, listStaffUsers } from './manage-users.ts';
import { ROLES } from './users.ts';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
// Checkboxes: one value is a string, several an array, none absent.
const Departments = Type.Optional(
  Type.Union([Type.String({ format: 'uuid' }), Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500 })]),
);
const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const Role = Type.Enum([...ROLES]);

/** Admins add colleagues (who set their own password from a mailed link), change roles and departments, remove accounts. */
export const userRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireStaff(['admin']);

  app.get(
    '/staff/users',
    {
      preHandler: adminOnly,
      schema: { querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const [users, departments] = await Promise.all([listStaffUsers(app.db), departmentTree(app.db)]);
      return reply.view('staff/users', {
        title: request.t('users.title'),
        users,
        departments,
        roles: ROLES,
        saved: request.query.saved === '1',
        now: new Date(),
      });
    },
  );

  app.post(
    '/staff/users',
    {
      preHandler: adminOnly,
      schema: {
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 254 }),
            role: Role,
            locale: Type.Enum(['ja', 'en']),
            departments: Departments,
            ...CsrfField,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const settings = await loadSettings(app.db);
      const ctx = {
        outboxKey: app.keys.outbox,
        render: app.mail.render,
        publicUrl: app.config.publicUrl,
        company: settings.senderName ?? app.config.orgName,
      };
      const { role, locale } = request.body;
      const departmentIds = asList(request.body.departments);
      await app.db.transaction().execute(async (trx) => {
        const user = await inviteStaffUser(trx, ctx, { email: request.body.email, role, locale, departmentIds });
        await recordAudit(trx, {
          action: 'user_created',
          actor: request.staff,
          target: user.email,
          ip: request.ip,
          details: { role, departments: role === 'manager' ? departmentIds.length : 0 },
        });
      });
      app.worker.wake();
      return reply.redirect('/staff/users?saved=1', 303);
    },
  );

  app.post(
    '/staff/users/:id',
    {
      preHandler: adminOnly,
      schema: {
        params: Params,
        body: Type.Object({ role: Role, departments: Departments, ...CsrfField }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const departmentIds = asList(request.body.departments);
      await app.db.transaction().execute(async (trx) => {
        const { email, roleChanged } = await changeStaffUser(trx, request.params.id, request.body.role, departmentIds);
        await recordAudit(trx, {
          action: 'user_updated',
          actor: request.staff,
          target: email,
          ip: request.ip,
          details: { role: request.body.role, roleChanged, departments: departmentIds.length },
        });
      });
      return reply.redirect('/staff/users?saved=1', 303);
    },
  );

  app.post(
    '/staff/users/:id/delete',
    { preHandler: adminOnly, schema: { params: Params, body: Type.Object(CsrfField) } },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        const email = await deleteStaffUser(trx, request.params.id, request.staff!.id);
        await recordAudit(trx, { action: 'user_deleted', actor: request.staff, target: email, ip: request.ip });
      });
      return reply.redirect('/staff/users?saved=1', 303);
    },
  );

  // Every staff member: their own language, else the browser's.
  app.get(
    '/staff/account',
    {
      preHandler: app.requireStaff(),
      schema: { querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => reply.view('staff/account', { title: request.t('account.title'), saved: request.query.saved === '1' }),
  );

  app.post(
    '/staff/account',
    {
      preHandler: app.requireStaff(),
      schema: { body: Type.Object({ locale: Type.Enum(['', 'ja', 'en']), ...CsrfField }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const locale = request.body.locale || null;
      await app.db.updateTable('staff_user').set({ locale }).where('id', '=', request.staff!.id).execute();
      return reply.redirect(`/staff/account?saved=1${locale ? `&lang=${locale}` : ''}`, 303);
    },
  );
};
