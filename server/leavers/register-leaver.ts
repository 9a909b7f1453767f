import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { conflict, invalid } from '../errors/app-error.ts';
import { type InvitationContext, type IssuedInvitation, issueInvitation } from '../invitations/issue.ts';
import { resolveDepartment } from './departments.ts';
import { type HrFields, type LeaverInput, leaverInputProblems } from './leaver-input.ts';

/** Whether this employee already has a leaver record whose survey is still open. */
async function hasOpenLeaver(db: Kysely<Database>, employeeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('leaver')
    .innerJoin('invitation', 'invitation.leaver_id', 'leaver.id')
    .select('leaver.id')
    .where('leaver.employee_id', '=', employeeId)
    .where('invitation.completed_on', 'is', null)
    .where('invitation.expires_on', '>=', sql<string>`current_date`)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Registers a leaver and issues their invitation in one transaction: the record,
 * the link and the queued mail exist together or not at all.
 */
export async function registerLeaver(
  db: Kysely<Database>,
  ctx: InvitationContext & { survey: string },
  input: LeaverInput,
  hr?: HrFields,
): Promise<{ id: string } & IssuedInvitation> {
  const problems = leaverInputProblems(input);
  if (problems.length > 0) throw invalid(problems);
  return db.transaction().execute(async (trx) => {
    // Serialises registrations of one employee id across instances, so the check below holds.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`leaver:${input.employeeId}`}, 0))`.execute(trx);
    if (await hasOpenLeaver(trx, input.employeeId)) {
      throw conflict('error.leaver_exists', { employeeId: input.employeeId });
    }
    const departmentId = await resolveDepartment(trx, input.department);
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
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const invitation = await issueInvitation(
      trx,
      ctx,
      { id, name: input.name, email: input.email, lastDay: input.lastDay, locale: input.locale },
      ctx.survey,
    );
    return { id, ...invitation };
  });
}
