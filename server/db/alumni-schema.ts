import type { ColumnType, Generated, RawBuilder } from 'kysely';
import type { Locale } from '../i18n/locale.ts';

/*
 * The alumni network and "you said, we did" (migration 0008): identified people
 * who opted in, kept apart from the answers (docs/privacy.md), the improvement
 * actions HR records, and newsletter issues. Part of `Database` in schema.ts.
 */
type DateOnly = string;
type CreatedAt = ColumnType<Date, never, never>;

export const CONSENT_PURPOSES = ['newsletter', 'events', 'rehire', 'referrals', 'partnership'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** An identified person who opted in; never linked to a response (docs/privacy.md). */
export interface AlumniTable {
  id: Generated<string>;
  leaver_id: string | null;
  department_id: string | null;
  left_year: number;
  name: string;
  email: string;
  email_verified_on: DateOnly | null;
  /** A new address waiting for its verification link to be followed. */
  pending_email: string | null;
  company: string | null;
  job_title: string | null;
  profile_url: string | null;
  locale: Locale;
  joined_on: Generated<DateOnly>;
  rehired_on: DateOnly | null;
  rehired_department_id: string | null;
}

export interface AlumniConsentTable {
  alumni_id: string;
  purpose: ConsentPurpose;
  given_on: Generated<DateOnly>;
  notice_version: string;
  notice_locale: Locale;
}

export interface AlumniLinkTable {
  token_hash: Buffer;
  alumni_id: string;
  purpose: 'verify' | 'sign_in';
  /** The address the link was sent to (verify: the one it proves). */
  email: string;
  expires_at: Date;
  used_at: Date | null;
}

export interface AlumniSessionTable {
  id_hash: Buffer;
  alumni_id: string;
  expires_at: Date;
}

export type ActionStatus = 'planned' | 'in_progress' | 'done';

export interface ImprovementActionTable {
  id: Generated<string>;
  title_ja: string;
  title_en: string;
  description_ja: string;
  description_en: string;
  reason_codes: ColumnType<string[], RawBuilder<string>, RawBuilder<string>>;
  status: ActionStatus;
  started_on: DateOnly | null;
  done_on: DateOnly | null;
  published: boolean;
  published_on: DateOnly | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ImprovementActionDepartmentTable {
  action_id: string;
  department_id: string;
}

export interface NewsletterTable {
  id: Generated<string>;
  subject_ja: string;
  subject_en: string;
  body_ja: string;
  body_en: string;
  action_ids: ColumnType<string[], RawBuilder<string>, RawBuilder<string>>;
  reasons_period: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  sent_at: Date | null;
  recipients: number | null;
}
