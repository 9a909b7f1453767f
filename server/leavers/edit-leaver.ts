import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, conflict, invalid } from '../errors/app-error.ts';
import { addDays } from '../shared/dates.ts';
import { resolveDepartment } from './departments.ts';
import { type HrFields, type LeaverInput, leaverInputProblems } from './leaver-input.ts';


const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });

/**
 * Updates a leaver in one transaction. A new last day moves the expiry of an
 * invitation still open; another open leaver with the same employee id is a conflict.
 */
export async function updateLeaver(db: Kysely<Database>, id: string, input: LeaverInput, hr: HrFields, expiryDays: number): Promise<void> {
  const problems = leaverInputProblems(input);
  if (problems.length > 0) throw invalid(problems);
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`leaver:${input.employeeId}`}, 0))`.execute(trx);
    const clash = await trx
      .selectFrom('leaver')
      .innerJoin('invitation', 'invitation.leaver_id', 'leaver.id')
      .select('leaver.id')
      .where('leaver.employee_id', '=', input.employeeId)
      .where('leaver.id', '!=', id)
      .where('invitation.completed_on', 'is', null)
      .where('invitation.expires_on', '>=', sql<string>`current_date`)
      .executeTakeFirst();
    if (clash) throw conflict('error.leaver_exists', { employeeId: input.employeeId });
    const updated = await trx
      .updateTable('leaver')
      .set({
        employee_id: input.employeeId,
        name: input.name,
        email: input.email,
        department_id: await resolveDepartment(trx, input.department),
        hire_date: input.hireDate,
        last_day: input.lastDay,
        exit_type: input.exitType,
        locale: input.locale,
        regrettable: hr.regrettable,
        rehire_eligibility: hr.rehireEligibility,
        rehire_note: hr.rehireNote,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw notFound();
    await trx
      .updateTable('invitation')
      .set({ expires_on: addDays(input.lastDay, expiryDays) })
      .where('leaver_id', '=', id)
      .where('completed_on', 'is', null)
      .execute();
  });
}

/**
 * Deletes the leaver's personal record and invitations. Their anonymous answers,
 * if any, stay: nothing links them to the record, so nothing could delete them by it.
 */
export async function deleteLeaver(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // A mail not sent yet must not go out to someone HR has removed.
    await trx
      .deleteFrom('mail_outbox')
      .where('sent_at', 'is', null)
      .where('invitation_id', 'in', (eb) => eb.selectFrom('invitation').select('id').where('leaver_id', '=', id))
      .execute();
    const deleted = await trx.deleteFrom('leaver').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw notFound();
  });
}
