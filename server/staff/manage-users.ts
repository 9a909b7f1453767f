import type { Kysely } from 'kysely';
import type { Database, Locale, StaffRole } from '../db/schema.ts';
import { refuseUnknownDepartment } from '../departments/tree.ts';
import { AppError } from '../errors/app-error.ts';
import { refusing } from '../errors/violation.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { MailRenderer } from '../mail/render.ts';
import { createOneTimeLink } from './one-time-links.ts';
import { createStaffUser, type StaffUser } from './users.ts';

/** A new colleague's link to set their password: a week, once. */
const WELCOME_LINK_HOURS = 24 * 7;

export interface WelcomeContext {
  outboxKey: Buffer;
  render: MailRenderer;
  publicUrl: string;
  company: string;
}

/** Every staff account with its departments (managers), for the admin page. */
export async function listStaffUsers(db: Kysely<Database>) {
  const users = await db
    .selectFrom('staff_user')
    .select(['id', 'email', 'role', 'locale', 'locked_until', 'password_hash', 'created_at'])
    .orderBy('email')
    .execute();
  const links = await db.selectFrom('staff_department').select(['user_id', 'department_id']).execute();
  return users.map(({ password_hash, ...user }) => ({
    ...user,
    passwordSet: password_hash !== null,
    departmentIds: links.filter((l) => l.user_id === user.id).map((l) => l.department_id),
  }));
}

/** Creates the account and mails a link to set its password, in one transaction. */
export async function inviteStaffUser(
  trx: Kysely<Database>,
  ctx: WelcomeContext,
  input: { email: string; role: StaffRole; locale: Locale; departmentIds: string[] },
): Promise<StaffUser> {
  const user = await createStaffUser(trx, {
    email: input.email,
    role: input.role,
    passwordHash: null,
    locale: input.locale,
    departmentIds: input.role === 'manager' ? input.departmentIds : [],
  });
  const token = await createOneTimeLink(trx, 'password', user.id, WELCOME_LINK_HOURS);
  const message = ctx.render.staffWelcome(user.email, {
    locale: input.locale,
    link: `${ctx.publicUrl}/staff/password/${token}`,
    company: ctx.company,
  });
  await enqueueMail(trx, ctx.outboxKey, { kind: 'staff_welcome', message });
  return user;
}

const lastAdmin = () => new AppError({ code: 'last_admin', status: 409, messageKey: 'users.error.last_admin' });

/** At least one admin must remain, or nobody could manage users and settings again. */
async function assertAnotherAdmin(trx: Kysely<Database>, userId: string) {
  const others = await trx
    .selectFrom('staff_user')
    .select('id')
    .where('role', '=', 'admin')
    .where('id', '!=', userId)
    .limit(1)
    .forUpdate()
    .execute();
  if (others.length === 0) throw lastAdmin();
}

/** A new role and, for a manager, departments; a changed role ends the user's sessions. */
export async function changeStaffUser(
  trx: Kysely<Database>,
  id: string,
  role: StaffRole,
  departmentIds: string[],
): Promise<{ email: string; roleChanged: boolean }> {
  const user = await trx.selectFrom('staff_user').select(['email', 'role']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!user) throw new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
  if (user.role === 'admin' && role !== 'admin') await assertAnotherAdmin(trx, id);
  await trx.updateTable('staff_user').set({ role }).where('id', '=', id).execute();
  await trx.deleteFrom('staff_department').where('user_id', '=', id).execute();
  if (role === 'manager' && departmentIds.length > 0) {
    await refusing(
      trx
        .insertInto('staff_department')
        .values(departmentIds.map((departmentId) => ({ user_id: id, department_id: departmentId })))
        .execute(),
      refuseUnknownDepartment,
    );
  }
  if (user.role !== role) await trx.deleteFrom('staff_session').where('user_id', '=', id).execute();
  return { email: user.email, roleChanged: user.role !== role };
}

export async function deleteStaffUser(trx: Kysely<Database>, id: string, actorId: string): Promise<string> {
  if (id === actorId) throw new AppError({ code: 'self_delete', status: 409, messageKey: 'users.error.self' });
  const user = await trx.selectFrom('staff_user').select(['email', 'role']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!user) throw new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
  if (user.role === 'admin') await assertAnotherAdmin(trx, id);
  await trx.deleteFrom('staff_user').where('id', '=', id).execute();
  return user.email;
}
