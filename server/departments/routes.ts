import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { CsrfField } from '../web/csrf.ts';
import { createDepartment, deleteDepartment, departmentTree, setDepartmentManagers, updateDepartment } from './tree.ts';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const DepartmentForm = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')]),
    ...CsrfField,
  },
  { additionalProperties: false },
);
// A multi-select sends one value as a string, several as an array, none at all.
const ManagersForm = Type.Object(
  {
    managers: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200 })])),
    ...CsrfField,
  },
  { additionalProperties: false },
);

/** HR and admins arrange the department tree and say which managers see which part of it. */
export const departmentRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);
  const back = '/staff/departments?saved=1';

  app.get(
    '/staff/departments',
    {
      preHandler: hrOnly,
      schema: { querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const [departments, managers] = await Promise.all([
        departmentTree(app.db),
        app.db.selectFrom('staff_user').select(['id', 'email']).where('role', '=', 'manager').orderBy('email').execute(),
      ]);
      return reply.view('staff/departments', {
        title: request.t('departments.title'),
        departments,
        managers,
        saved: request.query.saved === '1',
      });
    },
  );

  app.post('/staff/departments', { preHandler: hrOnly, schema: { body: DepartmentForm } }, async (request, reply) => {
    const name = request.body.name.trim();
    await app.db.transaction().execute(async (trx) => {
      const id = await createDepartment(trx, name, request.body.parentId || null);
      await recordAudit(trx, {
        action: 'department_created',
        actor: request.staff,
        target: name,
        ip: request.ip,
        details: { departmentId: id },
      });
    });
    return reply.redirect(back, 303);
  });

  app.post('/staff/departments/:id', { preHandler: hrOnly, schema: { params: Params, body: DepartmentForm } }, async (request, reply) => {
    const name = request.body.name.trim();
    await app.db.transaction().execute(async (trx) => {
      await updateDepartment(trx, request.params.id, name, request.body.parentId || null);
      await recordAudit(trx, {
        action: 'department_updated',
        actor: request.staff,
        target: name,
        ip: request.ip,
        details: { departmentId: request.params.id, parentId: request.body.parentId },
      });
    });
    return reply.redirect(back, 303);
  });

  app.post(
    '/staff/departments/:id/delete',
    { preHandler: hrOnly, schema: { params: Params, body: Type.Object(CsrfField) } },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        await deleteDepartment(trx, request.params.id);
        await recordAudit(trx, {
          action: 'department_deleted',
          actor: request.staff,
          ip: request.ip,
          details: { departmentId: request.params.id },
        });
      });
      return reply.redirect(back, 303);
    },
  );

  app.post(
    '/staff/departments/:id/managers',
    { preHandler: hrOnly, schema: { params: Params, body: ManagersForm } },
    async (request, reply) => {
      const chosen = request.body.managers;
      const userIds = chosen === undefined ? [] : Array.isArray(chosen) ? chosen : [chosen];
      await app.db.transaction().execute(async (trx) => {
        await setDepartmentManagers(trx, request.params.id, userIds);
        await recordAudit(trx, {
          action: 'user_updated',
          actor: request.staff,
          ip: request.ip,
          details: { departmentId: request.params.id, managers: userIds },
        });
      });
      return reply.redirect(back, 303);
    },
  );
};
