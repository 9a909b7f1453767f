import { type Kysely, sql } from 'kysely';
import type { Database, Locale, MailTemplate } from '../db/schema.ts';
import { quarterOf } from '../answers/cohort.ts';
import { jsonb } from '../db/jsonb.ts';
import { previousQuarter, today } from '../shared/dates.ts';

export const MAIL_KINDS = ['invitation', 'reminder'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
/** An organisation's own wording, per mail and language; absent means Honne's default text. */
export type MailTemplates = Partial<Record<MailKind, Partial<Record<Locale, MailTemplate>>>>;

export interface OrgSettings {
  /** Shown as the mails' sender and in their subject; NULL falls back to ORG_NAME. */
  senderName: string | null;
  /** NULL: invite when the leaver is registered; N: N days before their last day. */
  inviteDaysBefore: number | null;
  /** Days after the invitation; at most two reminders. */
  reminderDays: number[];
  /** Days after the last day (or the invitation, when later) that a link stays open. */
  expiryDays: number;
  /** Days after completion or expiry that a leaver's personal data is erased. */
  retentionDays: number;
  mailTemplates: MailTemplates;
  /** The worker mails each manager their quarterly reports when a quarter starts. */
  quarterlyReports: boolean;
}

export const MAX_REMINDERS = 2;

export async function loadSettings(db: Kysely<Database>): Promise<OrgSettings> {
  const row = await db.selectFrom('org_settings').selectAll().executeTakeFirstOrThrow();
  return {
    senderName: row.sender_name,
    inviteDaysBefore: row.invite_days_before,
    reminderDays: row.reminder_days,
    expiryDays: row.expiry_days,
    retentionDays: row.retention_days,
    mailTemplates: row.mail_templates as MailTemplates,
    quarterlyReports: row.quarterly_reports,
  };
}

/**
 * Switching the quarterly schedule on counts the quarter just ended as done: the
 * first reports go out when the next quarter starts, not the moment it is saved.
 */
export async function saveSettings(db: Kysely<Database>, settings: OrgSettings): Promise<void> {
  const justEnded = previousQuarter(quarterOf(today()));
  await db
    .updateTable('org_settings')
    .set({
      quarterly_reports: settings.quarterlyReports,
      quarterly_reports_done_for: settings.quarterlyReports
        ? sql<string>`CASE WHEN quarterly_reports THEN quarterly_reports_done_for ELSE ${justEnded} END`
        : sql<string>`quarterly_reports_done_for`,
      sender_name: settings.senderName,
      invite_days_before: settings.inviteDaysBefore,
      reminder_days: jsonb(settings.reminderDays),
      expiry_days: settings.expiryDays,
      retention_days: settings.retentionDays,
      mail_templates: jsonb(settings.mailTemplates),
      updated_at: sql<Date>`now()`,
    })
    .execute();
}

/** The settings fields that changed, by name (for the audit log; never their text). */
export function changedSettings(before: OrgSettings, after: OrgSettings): string[] {
  return (Object.keys(after) as Array<keyof OrgSettings>).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}
