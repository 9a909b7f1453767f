import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, conflict, invalid } from '../errors/app-error.ts';
import { expiryFor, scheduledInviteDay } from '../invitations/issue.ts';
import type { OrgSettings } from '../settings/settings.ts';
import { hasOpenLeaver } from './register-leaver.ts';
import { resolveDepartment } from './departments.ts';
import { lockEmployeeIds } from './employee-lock.ts';
import { type HrFields, type LeaverInput, leaverInputProblems } from './leaver-input.ts';

const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });

/**
 * Writes a leaver's new details in the caller's transaction. A new last day moves
 * the expiry of an invitation still open, or the day a scheduled one goes out.
 * Without `hr`, the HR-only fields stay as they are (a CSV import does not carry them).
 */
export async function applyLeaverChanges(
  trx: Kysely<Database>,
  id: string,
  input: LeaverInput,
  settings: OrgSettings,
  hr?: HrFields,
): Promise<void> {
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
      ...(hr ? { regrettable: hr.regrettable, rehire_eligibility: hr.rehireEligibility, rehire_note: hr.rehireNote } : {}),
      // Still scheduled: the new day, or today (the worker's next pass) when it has passed.
      invite_on: sql<
        string | null
      >`CASE WHEN invite_on IS NULL THEN NULL ELSE coalesce(${scheduledInviteDay(settings, input.lastDay) ?? null}::date, current_date) END`,
    })
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw notFound();
  await trx
    .updateTable('invitation')
    .set({ expires_on: expiryFor(input.lastDay, settings.expiryDays) })
    .where('leaver_id', '=', id)
    .where('completed_on', 'is', null)
    .where('closed_at', 'is', null)
    .execute();
}

/** Updates a leaver in one transaction; another open leaver with the same employee id is a conflict. */
export async function updateLeaver(
  db: Kysely<Database>,
  id: string,
  input: LeaverInput,
  hr: HrFields,
  settings: OrgSettings,
): Promise<void> {
  const problems = leaverInputProblems(input);
  if (problems.length > 0) throw invalid(problems);
  await db.transaction().execute(async (trx) => {
    await lockEmployeeIds(trx, [input.employeeId]);
    if (await hasOpenLeaver(trx, input.employeeId, id)) throw conflict('error.leaver_exists', { employeeId: input.employeeId });
    await applyLeaverChanges(trx, id, input, settings, hr);
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
