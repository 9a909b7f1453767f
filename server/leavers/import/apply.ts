import type { Kysely } from 'kysely';
import { type AuditEntry, recordAudit } from '../../audit/record.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import { type InvitationContext, newInvitation, scheduledInviteDay } from '../../invitations/issue.ts';
import { resolveDepartment } from '../departments.ts';
import { applyLeaverChanges } from '../edit-leaver.ts';
import { lockEmployeeIds } from '../employee-lock.ts';
import { type ImportPlan, planImport } from './plan.ts';
import type { ImportRow } from './rows.ts';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Of the created: invited now, or scheduled for later by the settings. */
  invited: number;
  scheduled: number;
}

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

/** The plan changed between preview and import, or rows are invalid: nothing is written. */
export class ImportRefused extends AppError {
  constructor(readonly plan: ImportPlan) {
    super({ code: 'import_invalid', status: 400, messageKey: 'import.error.refused', params: { count: plan.problems.length } });
  }
}

async function createLeavers(trx: Kysely<Database>, ctx: InvitationContext, rows: ImportRow[], survey: string) {
  const departments = new Map<string, string>();
  for (const name of new Set(rows.map((row) => row.input.department.trim()))) departments.set(name, await resolveDepartment(trx, name));
  let invited = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const leavers = [];
    const invitations = [];
    const mails = [];
    for (const { input } of rows.slice(i, i + CHUNK)) {
      const id = crypto.randomUUID();
      const inviteOn = scheduledInviteDay(ctx.settings, input.lastDay);
      leavers.push({
        id,
        employee_id: input.employeeId,
        name: input.name,
        email: input.email,
        department_id: departments.get(input.department.trim())!,
        hire_date: input.hireDate,
        last_day: input.lastDay,
        exit_type: input.exitType,
        locale: input.locale,
        invite_on: inviteOn ?? null,
      });
      if (inviteOn) continue;
      const issued = newInvitation(ctx, { id, name: input.name, email: input.email, lastDay: input.lastDay, locale: input.locale }, survey);
      invitations.push(issued.invitation);
      mails.push(issued.mail);
    }
    await trx.insertInto('leaver').values(leavers).execute();
    if (invitations.length > 0) {
      await trx.insertInto('invitation').values(invitations).execute();
      await trx.insertInto('mail_outbox').values(mails).execute();
    }
    invited += invitations.length;
  }
  return invited;
}

/**
 * Imports all rows or none, in one transaction: the employee ids are locked, the
 * plan is made again against what is committed now (the preview may be stale),
 * and any problem refuses the whole file. New leavers are invited (or scheduled)
 * exactly as when added one by one; the audit entry is part of the same transaction.
 */
export async function importLeavers(
  db: Kysely<Database>,
  ctx: InvitationContext,
  rows: ImportRow[],
  survey: string,
  audit: Omit<AuditEntry, 'action' | 'details'> & { fileName: string },
): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    await lockEmployeeIds(
      trx,
      rows.map((row) => row.input.employeeId),
    );
    const plan = await planImport(trx, rows);
    if (plan.problems.length > 0) throw new ImportRefused(plan);
    const invited = await createLeavers(trx, ctx, plan.create, survey);
    for (const { row, leaverId } of plan.update) await applyLeaverChanges(trx, leaverId, row.input, ctx.settings);
    const result = {
      created: plan.create.length,
      updated: plan.update.length,
      unchanged: plan.unchanged.length,
      invited,
      scheduled: plan.create.length - invited,
    };
    const { fileName, ...who } = audit;
    await recordAudit(trx, { ...who, action: 'leavers_imported', details: { ...result, file: fileName.slice(0, 200) } });
    return result;
  });
}
