import { type Kysely, sql } from 'kysely';
import type { ConsentPurpose } from '../db/alumni-schema.ts';
import type { Database, Locale } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { createAlumniLink } from './links.ts';

/** The version of the alumni privacy notice (views/alumni/notice.eta); each consent records the one shown. */
export const NOTICE_VERSION = '2026-11';

export interface Profile {
  name: string;
  company: string | null;
  jobTitle: string | null;
  profileUrl: string | null;
  locale: Locale;
}

export interface JoinInput extends Profile {
  email: string;
  consents: ConsentPurpose[];
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** The leaver a join link names, with the member they already became, if any. */
export async function joinableLeaver(db: Kysely<Database>, leaverId: string) {
  return db
    .selectFrom('leaver')
    .leftJoin('alumni', 'alumni.leaver_id', 'leaver.id')
    .select([
      'leaver.id',
      'leaver.department_id',
      'leaver.last_day',
      'leaver.email as work_email',
      'leaver.name',
      'leaver.locale',
      'alumni.id as alumni_id',
    ])
    .where('leaver.id', '=', leaverId)
    .executeTakeFirst();
}

/**
 * A company address will stop working: the leaver's own work domain and the domains
 * staff sign in with count as the company's.
 */
export async function isCompanyAddress(db: Kysely<Database>, email: string, workEmail: string | null): Promise<boolean> {
  const domain = domainOf(email);
  if (workEmail && domainOf(workEmail) === domain) return true;
  const staff = await db
    .selectFrom('staff_user')
    .select('id')
    .where(sql<string>`lower(split_part(email, '@', 2))`, '=', domain)
    .limit(1)
    .executeTakeFirst();
  return staff !== undefined;
}

/** True when another member has the address, or is verifying it. */
export async function emailInUse(db: Kysely<Database>, email: string, exceptId?: string): Promise<boolean> {
  const row = await db
    .selectFrom('alumni')
    .select('id')
    .where((eb) =>
      eb.or([eb(sql<string>`lower(email)`, '=', email.toLowerCase()), eb(sql<string>`lower(pending_email)`, '=', email.toLowerCase())]),
    )
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** The years the alumni table takes (its check); a leaver's last day may lie outside, and is HR's to correct. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2200;

const emailTaken = () => new AppError({ code: 'alumni_email_taken', status: 409, messageKey: 'alumni.error.email_taken' });

/** Consents as given now: the day, and the notice version and language shown. */
export function consentRows(alumniId: string, purposes: readonly ConsentPurpose[], locale: Locale) {
  return purposes.map((purpose) => ({ alumni_id: alumniId, purpose, notice_version: NOTICE_VERSION, notice_locale: locale }));
}

/**
 * The member record, its consents and the link that verifies the address, in the
 * caller's transaction. Only the day is kept: nothing here can be lined up with the
 * moment a survey was answered.
 */
export async function joinNetwork(
  trx: Kysely<Database>,
  leaver: { id: string; department_id: string; last_day: string },
  input: JoinInput,
): Promise<{ alumniId: string; verifyToken: string }> {
  // PostgreSQL writes a year past 9999 with five digits.
  const leftYear = Number(leaver.last_day.split('-')[0]);
  if (leftYear < FIRST_YEAR || leftYear > LAST_YEAR)
    throw new AppError({ code: 'alumni_left_year', status: 409, messageKey: 'alumni.error.left_year', params: { year: String(leftYear) } });
  if (await emailInUse(trx, input.email)) throw emailTaken();
  const { id } = await trx
    .insertInto('alumni')
    .values({
      leaver_id: leaver.id,
      department_id: leaver.department_id,
      left_year: leftYear,
      name: input.name,
      email: input.email,
      company: input.company,
      job_title: input.jobTitle,
      profile_url: input.profileUrl,
      locale: input.locale,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.consents.length > 0)
    await trx
      .insertInto('alumni_consent')
      .values(consentRows(id, input.consents, input.locale))
      .execute();
  return { alumniId: id, verifyToken: await createAlumniLink(trx, id, 'verify', input.email) };
}
