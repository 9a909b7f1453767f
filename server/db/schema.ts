import type { ColumnType, Generated, Insertable, RawBuilder, Selectable } from 'kysely';
import type {
  AlumniConsentTable,
  AlumniLinkTable,
  AlumniSessionTable,
  AlumniTable,
  ImprovementActionDepartmentTable,
  ImprovementActionTable,
  NewsletterTable,
} from './alumni-schema.ts';
import type { Locale } from '../i18n/locale.ts';

/** Dates are 'YYYY-MM-DD' strings on both drivers (see connect.ts); timestamps are Date. */
type DateOnly = string;
type CreatedAt = ColumnType<Date, never, never>;

export type ExitType = 'voluntary' | 'involuntary' | 'retirement' | 'contract_end';
export type { Locale };
export type TenureBand = 'lt1' | '1to3' | '3to5' | '5to10' | '10plus';
/** HR's judgement as copied with the answers: null on the leaver record is 'unassessed'. */
export type Regrettable = 'yes' | 'no' | 'unassessed';

export interface DepartmentTable {
  id: Generated<string>;
  name: string;
  parent_id: string | null;
  created_at: CreatedAt;
}

export interface LeaverTable {
  id: Generated<string>;
  /** NULL once erased by the retention purge (with name and email). */
  employee_id: string | null;
  name: string | null;
  email: string | null;
  department_id: string;
  hire_date: DateOnly;
  last_day: DateOnly;
  exit_type: ExitType;
  locale: Locale;
  created_at: CreatedAt;
  regrettable: boolean | null;
  rehire_eligibility: RehireEligibility | null;
  rehire_note: string | null;
  /** The day the invitation goes out, while it is scheduled; NULL once issued. */
  invite_on: DateOnly | null;
  erased_at: Date | null;
}

export type RehireEligibility = 'eligible' | 'conditional' | 'not_eligible';

export interface SurveyVersionTable {
  id: Generated<string>;
  survey: string;
  hash: string;
  definition: ColumnType<unknown, RawBuilder<string>, never>;
  created_at: CreatedAt;
}

export interface InvitationTable {
  id: Generated<string>;
  leaver_id: string;
  survey: string;
  token_hash: Buffer;
  expires_on: DateOnly;
  opened_on: DateOnly | null;
  completed_on: DateOnly | null;
  created_at: CreatedAt;
  /** The link sealed with the outbox key, for reminders and resends; NULL once closed. */
  sealed_token: Buffer | null;
  reminders_sent: Generated<number>;
  bounced_at: Date | null;
  /** Expiry processed: link wiped, draft gone. */
  closed_at: Date | null;
}

export interface DraftTable {
  invitation_id: string;
  sealed: Buffer;
}

export interface AnswerPoolTable {
  id: Generated<string>;
  sealed: Buffer;
  waiting_since: DateOnly;
  /** How many answers the sealed value holds (one completion batch). */
  answer_count: number;
  /** Answers the release could not store (migration 0013): kept sealed, reported to admins, never blocking the rest. */
  set_aside: Generated<boolean>;
}

export interface CohortGeneralizationDueTable {
  /** A year with answers released at full detail before migration 0013, to be generalized. */
  year: number;
}

/**
 * A released answer's cohort, generalized until its class fits at least k completed
 * leavers (migration 0013): a department means its whole subtree, NULL the whole
 * organisation; NULL tenure band, exit type or regrettable means any; a quarter is
 * 'YYYY-Qn' or 'YYYY' (some quarter of that year).
 */
export interface ResponseTable {
  id: Generated<string>;
  survey_version_id: string;
  department_id: string | null;
  tenure_band: TenureBand | null;
  exit_type: ExitType | null;
  regrettable: Regrettable | null;
  quarter: string;
  answers: ColumnType<Record<string, unknown>, RawBuilder<string>, never>;
}

export interface ApiTokenTable {
  id: Generated<string>;
  name: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  last_used_on: DateOnly | null;
  revoked_at: Date | null;
}

export interface MailOutboxTable {
  id: Generated<string>;
  kind: string;
  invitation_id: string | null;
  sealed: Buffer | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  sent_at: Date | null;
  last_error: string | null;
  created_at: CreatedAt;
  /** Refused for good (5xx): not retried. */
  gave_up_at: Date | null;
  /** Mail to an alumnus: deleted with them. */
  alumni_id: string | null;
}

export type StaffRole = 'admin' | 'hr' | 'manager';

export interface StaffUserTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  role: StaffRole;
  locale: Locale | null;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  created_at: CreatedAt;
}

export interface StaffDepartmentTable {
  user_id: string;
  department_id: string;
}

export interface StaffSessionTable {
  id_hash: Buffer;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: Generated<Date>;
  expires_at: Date;
}

export interface SignInFailureTable {
  ip: string;
  failed_at: Generated<Date>;
}

export interface OneTimeLinkTable {
  token_hash: Buffer;
  purpose: 'setup' | 'password';
  user_id: string | null;
  expires_at: Date;
  used_at: Date | null;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, RawBuilder<string> | undefined, never>;
}

export interface MailTemplate {
  subject: string;
  body: string;
}

export interface OrgSettingsTable {
  id: Generated<boolean>;
  sender_name: string | null;
  /** NULL: invite when the leaver is registered. */
  invite_days_before: number | null;
  reminder_days: ColumnType<number[], RawBuilder<string>, RawBuilder<string>>;
  expiry_days: number;
  retention_days: number;
  mail_templates: ColumnType<Partial<Record<Locale, MailTemplate>>, RawBuilder<string>, RawBuilder<string>>;
  updated_at: Generated<Date>;
  /** Mail managers their quarterly reports at the start of each quarter. */
  quarterly_reports: Generated<boolean>;
  /** The last quarter whose reports were mailed (or skipped when the schedule was switched on). */
  quarterly_reports_done_for: string | null;
}

export interface LeaverImportTable {
  id: Generated<string>;
  staff_id: string;
  file_name: string;
  sealed: Buffer;
  created_at: CreatedAt;
}

/** Counts per generalized cohort, keyed as `response` (NULLs equal to each other in the key). */
export interface ResponseRollupTable {
  quarter: string;
  department_id: string | null;
  tenure_band: TenureBand | null;
  exit_type: ExitType | null;
  regrettable: Regrettable | null;
  responses: number;
  counts: ColumnType<Record<string, number>, RawBuilder<string>, RawBuilder<string>>;
}

export interface InvitedRollupTable {
  quarter: string;
  department_id: string;
  tenure_band: TenureBand;
  exit_type: ExitType;
  regrettable: Regrettable;
  invited: number;
}

export interface Database {
  department: DepartmentTable;
  leaver: LeaverTable;
  survey_version: SurveyVersionTable;
  invitation: InvitationTable;
  draft: DraftTable;
  answer_pool: AnswerPoolTable;
  response: ResponseTable;
  api_token: ApiTokenTable;
  mail_outbox: MailOutboxTable;
  staff_user: StaffUserTable;
  staff_department: StaffDepartmentTable;
  staff_session: StaffSessionTable;
  sign_in_failure: SignInFailureTable;
  one_time_link: OneTimeLinkTable;
  audit_event: AuditEventTable;
  org_settings: OrgSettingsTable;
  leaver_import: LeaverImportTable;
  response_rollup: ResponseRollupTable;
  cohort_generalization_due: CohortGeneralizationDueTable;
  invited_rollup: InvitedRollupTable;
  alumni: AlumniTable;
  alumni_consent: AlumniConsentTable;
  alumni_link: AlumniLinkTable;
  alumni_session: AlumniSessionTable;
  improvement_action: ImprovementActionTable;
  improvement_action_department: ImprovementActionDepartmentTable;
  newsletter: NewsletterTable;
}

export type Leaver = Selectable<LeaverTable>;
export type NewLeaver = Insertable<LeaverTable>;
export type Invitation = Selectable<InvitationTable>;
