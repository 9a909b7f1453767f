import type { Kysely } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';

/** The actions the audit log knows; the admin page filters by them. */
export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_out_everywhere',
  'setup_admin',
  'password_set',
  'password_reset_requested',
  'user_created',
  'api_token_created',
  'api_token_revoked',
  'leaver_created',
  'leaver_updated',
  'leaver_deleted',
  'leavers_imported',
  'leaver_viewed_by_api',
  'invitation_resent',
  'invitation_new_link',
  'settings_changed',
  'retention_purge',
  'department_created',
  'department_updated',
  'department_deleted',
  'user_updated',
  'user_deleted',
  'report_viewed',
  'report_exported',
  'alumni_erased',
  'alumni_viewed',
  'alumni_exported',
  'alumni_rehired',
  'improvement_saved',
  'improvement_deleted',
  'newsletter_sent',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  /** The staff member who acted, when signed in. */
  actor?: { id: string; email: string } | null;
  /** When no one is signed in: what acted (an address tried, "cli"). */
  actorLabel?: string;
  target?: string;
  ip?: string;
  /** Ids and codes only: never answers, passwords or tokens. */
  details?: Record<string, string | number | boolean | string[]>;
}

/** Writes one audit event, in the caller's transaction when it has one. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor_id: entry.actor?.id ?? null,
      actor_label: entry.actor?.email ?? entry.actorLabel ?? 'system',
      action: entry.action,
      target: entry.target ?? null,
      ip: entry.ip ?? null,
      details: jsonb(entry.details ?? {}),
    })
    .execute();
}
