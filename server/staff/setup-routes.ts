import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CsrfField } from '../web/csrf.ts';
import { recordAudit } from '../audit/record.ts';
import { AppError } from '../errors/app-error.ts';
import { findUsableLink, spendLink } from './one-time-links.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.ts';
import { adminExists, createStaffUser } from './users.ts';

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
const Password = Type.String({ maxLength: 1024 });
const invalidLink = () =>
  new AppError({ code: 'link_invalid', status: 404, messageKey: 'staff.setup.invalid', titleKey: 'staff.setup.title' });

/** The first administrator (from the link `npm start` prints) and set-a-password links. */
export const setupRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tooShort = (password: string) => password.length < MIN_PASSWORD_LENGTH;

  app.get('/setup/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    if ((await adminExists(app.db)) || !(await findUsableLink(app.db, request.params.token, 'setup'))) throw invalidLink();
    return reply.view('staff/setup', { title: request.t('staff.setup.title'), mode: 'setup', error: null, email: '' });
  });

  app.post(
    '/setup/:token',
    {
      schema: {
        params: TokenParams,
        body: Type.Object(
          { email: Type.String({ format: 'email', maxLength: 254 }), password: Password, ...CsrfField },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      if (tooShort(password)) {
        return reply.code(400).view('staff/setup', {
          title: request.t('staff.setup.title'),
          mode: 'setup',
          email,
          error: request.t('staff.password.too_short', { min: MIN_PASSWORD_LENGTH }),
        });
      }
      const passwordHash = await hashPassword(password);
      const user = await app.db.transaction().execute(async (trx) => {
        if ((await adminExists(trx)) || !(await spendLink(trx, request.params.token, 'setup'))) throw invalidLink();
        const admin = await createStaffUser(trx, { email, role: 'admin', passwordHash, locale: request.locale });
        await recordAudit(trx, { action: 'setup_admin', actor: admin, target: admin.email, ip: request.ip });
        return admin;
      });
      request.log.info({ staffId: user.id }, 'first administrator created');
      await app.startSession(reply, user.id);
      return reply.redirect('/staff', 303);
    },
  );

  app.get('/staff/password/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    if (!(await findUsableLink(app.db, request.params.token, 'password'))) throw invalidLink();
    return reply.view('staff/setup', { title: request.t('staff.password.title'), mode: 'password', error: null, email: '' });
  });

  app.post(
    '/staff/password/:token',
    { schema: { params: TokenParams, body: Type.Object({ password: Password, ...CsrfField }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { password } = request.body;
      if (tooShort(password)) {
        return reply.code(400).view('staff/setup', {
          title: request.t('staff.password.title'),
          mode: 'password',
          email: '',
          error: request.t('staff.password.too_short', { min: MIN_PASSWORD_LENGTH }),
        });
      }
      const link = await findUsableLink(app.db, request.params.token, 'password');
      if (!link) throw invalidLink();
      const passwordHash = await hashPassword(password);
      await app.db.transaction().execute(async (trx) => {
        if (!(await spendLink(trx, request.params.token, 'password'))) throw invalidLink();
        await trx
          .updateTable('staff_user')
          .set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null })
          .where('id', '=', link.user_id!)
          .execute();
        // A new password ends every existing session.
        await trx.deleteFrom('staff_session').where('user_id', '=', link.user_id!).execute();
        const user = await trx.selectFrom('staff_user').select(['id', 'email']).where('id', '=', link.user_id!).executeTakeFirstOrThrow();
        await recordAudit(trx, { action: 'password_set', actor: user, target: user.email, ip: request.ip });
      });
      request.log.info({ staffId: link.user_id }, 'staff password set');
      await app.startSession(reply, link.user_id!);
      return reply.redirect('/staff', 303);
    },
  );
};
