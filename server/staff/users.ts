import type { Kysely } from 'kysely';
import type { Database, Locale, StaffRole } from '../db/schema.ts';
import { refuseUnknownDepartment } from '../departments/tree.ts';
import { AppError } from '../errors/app-error.ts';
import { refusing } from '../errors/violation.ts';

export const ROLES = ['admin', 'hr', 'manager'] as const satisfies readonly StaffRole[];

export interface StaffUser {
  id: string;
  email: string;
  role: StaffRole;
  locale: Locale | null;
}

export async function findStaffByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('staff_user').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function adminExists(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('staff_user').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst()) !== undefined;
}

/** Departments by exact name or id; an unknown one is an error (a typo must not widen access). */
export async function departmentIds(db: Kysely<Database>, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names.map((n) => n.trim()).filter(Boolean)) {
    const rows = await db
      .selectFrom('department')
      .select('id')
      .where((eb) => eb.or([eb('name', '=', name), eb(eb.cast('id', 'text'), '=', name)]))
      .execute();
    if (rows.length !== 1) {
      throw new AppError({
        code: 'department_unknown',
        status: 400,
        messageKey: rows.length ? 'error.department_ambiguous' : 'error.department_unknown',
        params: { department: name },
      });
    }
    ids.push(rows[0]!.id);
  }
  return ids;
}

export async function createStaffUser(
  db: Kysely<Database>,
  user: { email: string; role: StaffRole; passwordHash: string | null; locale?: Locale | null; departmentIds?: string[] },
): Promise<StaffUser> {
  const email = user.email.trim().toLowerCase();
  const exists = () => new AppError({ code: 'conflict', status: 409, messageKey: 'error.staff_exists', params: { email } });
  if (await findStaffByEmail(db, email)) throw exists();
  // Two admins adding the same colleague at once both pass the look-up; the unique key decides, without an error that aborts the transaction.
  const created = await db
    .insertInto('staff_user')
    .values({ email, role: user.role, password_hash: user.passwordHash, locale: user.locale ?? null })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(['id', 'email', 'role', 'locale'])
    .executeTakeFirst();
  if (!created) throw exists();
  if (user.departmentIds?.length) {
    await refusing(
      db
        .insertInto('staff_department')
        .values(user.departmentIds.map((id) => ({ user_id: created.id, department_id: id })))
        .execute(),
      refuseUnknownDepartment,
    );
  }
  return created;
}
