import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { conflict, invalid } from '../errors/app-error.ts';
import { type InvitationContext, type IssuedInvitation, issueInvitation, scheduledInviteDay } from '../invitations/issue.ts';
import { resolveDepartment } from './departments.ts';
import { lockEmployeeIds } from './employee-lock.ts';
import { type HrFields, type LeaverInput, leaverInputProblems } from './leaver-input.ts';

/** A leaver still scheduled, or with a survey still open: another record for the same employee would clash. */
export const LEAVER_IS_OPEN = sql<boolean>`(leaver.invite_on IS NOT NULL OR EXISTS (
  SELECT 1 FROM invitation i WHERE i.leaver_id = leaver.id AND i.completed_on IS NULL AND i.expires_on >= current_date))`;

/** Whether this employee already has a leaver record still scheduled or with a survey still open. */
export async function hasOpenLeaver(db: Kysely<Database>, employeeId: string, except?: string): Promise<boolean> {
  const row = await db
    .selectFrom('leaver')
    .select('leaver.id')
    .where('leaver.employee_id', '=', employeeId)
    .$if(except !== undefined, (q) => q.where('leaver.id', '!=', except!))
    .where(LEAVER_IS_OPEN)
    .executeTakeFirst();
  return row !== undefined;
}

export type Registered = {
  id: string /** Set when the settings put the invitation off until this day. */;
  scheduledFor?: string;
} & Partial<IssuedInvitation>;

/**
 * Registers a leaver and issues their invitation in one transaction: the record,
 * the link and the queued mail exist together or not at all. When the settings
 * invite N days before the last day and that day is still ahead, the leaver is
 * scheduled instead and the worker invites them on the day.
 */
export async function registerLeaver(
  db: Kysely<Database>,
  ctx: InvitationContext & { survey: string },
  input: LeaverInput,
  hr?: HrFields,
): Promise<Registered> {
  const problems = leaverInputProblems(input);
  if (problems.length > 0) throw invalid(problems);
  return db.transaction().execute(async (trx) => {
    await lockEmployeeIds(trx, [input.employeeId]);
    if (await hasOpenLeaver(trx, input.employeeId)) {
      throw conflict('error.leaver_exists', { employeeId: input.employeeId });
    }
    const departmentId = await resolveDepartment(trx, input.department);
    const inviteOn = scheduledInviteDay(ctx.settings, input.lastDay);
    const { id } = await trx
      .insertInto('leaver')
      .values({
        employee_id: input.employeeId,
        name: input.name,
        email: input.email,
        department_id: departmentId,
        hire_date: input.hireDate,
        last_day: input.lastDay,
        exit_type: input.exitType,
        locale: input.locale,
        regrettable: hr?.regrettable ?? null,
        rehire_eligibility: hr?.rehireEligibility ?? null,
        rehire_note: hr?.rehireNote ?? null,
        invite_on: inviteOn ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (inviteOn) return { id, scheduledFor: inviteOn };
    const invitation = await issueInvitation(
      trx,
      ctx,
      { id, name: input.name, email: input.email, lastDay: input.lastDay, locale: input.locale },
      ctx.survey,
    );
    return { id, ...invitation };
  });
}
