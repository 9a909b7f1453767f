import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { leaversWithInvitation, STATUS } from './list-leavers.ts';

/** One leaver with their department and the state of their newest invitation (never their answers). */
export async function findLeaver(db: Kysely<Database>, id: string) {
  const row = await leaversWithInvitation(db)
    .selectAll('leaver')
    .select([
      'department.name as department',
      sql<string | null>`inv.created_at::date::text`.as('invited_on'),
      sql<string | null>`inv.expires_on::text`.as('expires_on'),
      sql<number>`coalesce(inv.reminders_sent, 0)`.as('reminders_sent'),
      STATUS.as('status'),
    ])
    .where('leaver.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
  return row;
}

export type LeaverDetail = Awaited<ReturnType<typeof findLeaver>>;

/** The API's view of a leaver: camelCase, HR fields included, nothing about answers. */
export function leaverJson(row: LeaverDetail) {
  return {
    id: row.id,
    employeeId: row.employee_id,
    name: row.name,
    email: row.email,
    department: row.department,
    departmentId: row.department_id,
    hireDate: row.hire_date,
    lastDay: row.last_day,
    exitType: row.exit_type,
    locale: row.locale,
    regrettable: row.regrettable,
    rehireEligibility: row.rehire_eligibility,
    rehireNote: row.rehire_note,
    status: row.status,
    invitedOn: row.invited_on,
    scheduledFor: row.invite_on,
    expiresOn: row.expires_on,
    remindersSent: Number(row.reminders_sent),
    erased: row.erased_at !== null,
  };
}
