import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../audit/record.ts';
import type { ConsentPurpose } from '../db/alumni-schema.ts';
import type { Database, Locale } from '../db/schema.ts';
import { consentRows, type Profile } from './membership.ts';

/** Everything the portal shows of a member (not HR's own fields: eligibility is never shown to them). */
export async function memberRecord(db: Kysely<Database>, alumniId: string) {
  const member = await db
    .selectFrom('alumni')
    .leftJoin('department', 'department.id', 'alumni.department_id')
    .select([
      'alumni.id',
      'alumni.name',
      'alumni.email',
      'alumni.pending_email',
      'alumni.email_verified_on',
      'alumni.company',
      'alumni.job_title',
      'alumni.profile_url',
      'alumni.locale',
      'alumni.joined_on',
      'alumni.left_year',
      'department.name as department',
      'alumni.rehired_on',
    ])
    .where('alumni.id', '=', alumniId)
    .executeTakeFirst();
  if (!member) return undefined;
  const consents = await db
    .selectFrom('alumni_consent')
    .select(['purpose', 'given_on', 'notice_version', 'notice_locale'])
    .where('alumni_id', '=', alumniId)
    .orderBy('purpose')
    .execute();
  return { ...member, consents };
}

export async function updateProfile(trx: Kysely<Database>, alumniId: string, profile: Profile): Promise<void> {
  await trx
    .updateTable('alumni')
    .set({
      name: profile.name,
      company: profile.company,
      job_title: profile.jobTitle,
      profile_url: profile.profileUrl,
      locale: profile.locale,
    })
    .where('id', '=', alumniId)
    .execute();
}

/**
 * Makes the given consents the member's: new ones are dated today with the notice
 * version shown; ones no longer given are withdrawn (deleted) at once; unchanged
 * ones keep their original date and version.
 */
export async function setConsents(
  trx: Kysely<Database>,
  alumniId: string,
  purposes: readonly ConsentPurpose[],
  locale: Locale,
): Promise<void> {
  const withdraw = trx.deleteFrom('alumni_consent').where('alumni_id', '=', alumniId);
  await (purposes.length > 0 ? withdraw.where('purpose', 'not in', purposes) : withdraw).execute();
  if (purposes.length === 0) return;
  await trx
    .insertInto('alumni_consent')
    .values(consentRows(alumniId, purposes, locale))
    .onConflict((oc) => oc.columns(['alumni_id', 'purpose']).doNothing())
    .execute();
}

export async function withdrawConsent(db: Kysely<Database>, alumniId: string, purpose: ConsentPurpose): Promise<boolean> {
  const result = await db.deleteFrom('alumni_consent').where('alumni_id', '=', alumniId).where('purpose', '=', purpose).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Erasure: the member row goes, and with it (ON DELETE CASCADE) consents, links,
 * sessions and every mail to them, sent or queued. Audit events that named the
 * member's id lose it; one tombstone, with no personal data, records the erasure.
 */
export async function eraseMember(trx: Kysely<Database>, alumniId: string, by: 'alumnus' | 'system'): Promise<boolean> {
  const result = await trx.deleteFrom('alumni').where('id', '=', alumniId).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) return false;
  await sql`UPDATE audit_event SET details = details - 'alumniId' WHERE details ->> 'alumniId' = ${alumniId}`.execute(trx);
  await recordAudit(trx, { action: 'alumni_erased', actorLabel: by });
  return true;
}
