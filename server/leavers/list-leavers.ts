import { type Kysely, sql } from 'kysely';
import { containsPattern } from '../db/like.ts';
import type { Database } from '../db/schema.ts';

export const INVITATION_STATUSES = ['scheduled', 'sent', 'opened', 'completed', 'expired', 'bounced', 'failing'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface LeaverFilter {
  /** Part of the name, email or employee id. */
  q?: string;
  departmentId?: string;
  status?: InvitationStatus;
  lastDayFrom?: string;
  lastDayTo?: string;
  page: number;
}

export const LEAVERS_PAGE_SIZE = 50;

/**
 * The status HR sees: *whether* someone answered, never *what*. From the newest
 * invitation and its mail: completed, expired, bounced (refused for good), opened,
 * sent, failing (refused for now, being retried) or scheduled (not sent yet).
 */
export const STATUS = sql<InvitationStatus>`CASE
  WHEN inv.id IS NULL THEN 'scheduled'
  WHEN inv.completed_on IS NOT NULL THEN 'completed'
  WHEN inv.expires_on < current_date THEN 'expired'
  WHEN inv.bounced_at IS NOT NULL THEN 'bounced'
  WHEN inv.opened_on IS NOT NULL THEN 'opened'
  WHEN mail.sent_at IS NOT NULL THEN 'sent'
  WHEN mail.last_error IS NOT NULL THEN 'failing'
  ELSE 'scheduled' END`;

/** Leavers with their department, newest invitation (`inv`) and its newest mail (`mail`): what STATUS reads. */
export function leaversWithInvitation(db: Kysely<Database>) {
  return db
    .selectFrom('leaver')
    .innerJoin('department', 'department.id', 'leaver.department_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('invitation')
          .selectAll()
          .whereRef('invitation.leaver_id', '=', 'leaver.id')
          .orderBy('created_at', 'desc')
          .limit(1)
          .as('inv'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('mail_outbox')
          .select(['sent_at', 'last_error'])
          .whereRef('mail_outbox.invitation_id', '=', 'inv.id')
          .orderBy('created_at', 'desc')
          .limit(1)
          .as('mail'),
      (join) => join.onTrue(),
    );
}

export async function listLeavers(db: Kysely<Database>, filter: LeaverFilter) {
  const pattern = filter.q?.trim() ? containsPattern(filter.q.trim()) : undefined;
  const base = leaversWithInvitation(db)
    .select([
      'leaver.id',
      'leaver.employee_id',
      'leaver.name',
      'leaver.email',
      'leaver.last_day',
      'leaver.exit_type',
      'department.name as department',
      sql<string | null>`inv.created_at::date::text`.as('invited_on'),
      STATUS.as('status'),
    ])
    .$if(pattern !== undefined, (q) =>
      q.where((eb) =>
        eb.or(
          ['leaver.name', 'leaver.email', 'leaver.employee_id'].map((column) => eb(eb.ref(column as 'leaver.name'), 'ilike', pattern!)),
        ),
      ),
    )
    .$if(Boolean(filter.departmentId), (q) => q.where('leaver.department_id', '=', filter.departmentId!))
    .$if(Boolean(filter.lastDayFrom), (q) => q.where('leaver.last_day', '>=', filter.lastDayFrom!))
    .$if(Boolean(filter.lastDayTo), (q) => q.where('leaver.last_day', '<=', filter.lastDayTo!));
  const withStatus = db
    .selectFrom(base.as('l'))
    .selectAll()
    .$if(Boolean(filter.status), (q) => q.where('l.status', '=', filter.status!));
  const [rows, total] = await Promise.all([
    withStatus
      .orderBy('l.last_day', 'desc')
      .orderBy('l.employee_id')
      .limit(LEAVERS_PAGE_SIZE)
      .offset((filter.page - 1) * LEAVERS_PAGE_SIZE)
      .execute(),
    db
      .selectFrom(base.as('l'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$if(Boolean(filter.status), (q) => q.where('l.status', '=', filter.status!))
      .executeTakeFirstOrThrow(),
  ]);
  return { leavers: rows, total: total.n, pages: Math.max(1, Math.ceil(total.n / LEAVERS_PAGE_SIZE)) };
}
