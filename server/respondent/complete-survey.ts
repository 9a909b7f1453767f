import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { quarterOf, regrettableOf, tenureBand } from '../answers/cohort.ts';
import { poolRow } from '../answers/pool.ts';
import type { Database } from '../db/schema.ts';
import { invalid } from '../errors/app-error.ts';
import type { Locale } from '../i18n/messages.ts';
import type { SurveyVersion } from '../surveys/registry.ts';
import { findInvitationByToken, type InvitationForRespondent, linkError } from './invitation-by-token.ts';

/** The version the respondent answered: the one they name if it belongs to their survey, else the current one. */
export async function versionFor(app: FastifyInstance, survey: string, requested?: string): Promise<SurveyVersion> {
  const named = requested ? await app.surveys.version(requested) : undefined;
  return named && named.survey === survey ? named : app.surveys.current(survey);
}

/**
 * One statement, so atomic without a transaction: mark the link used (a day, no
 * time) only if it is still open and wipe its sealed copy, delete its draft and any
 * reminder not sent yet, and pool the sealed answers.
 * A concurrent second completion waits for the first's row lock, then finds the
 * link used and changes nothing. Returns whether this call completed it.
 */
async function markCompletedAndPool(db: Kysely<Database>, invitationId: string, row: ReturnType<typeof poolRow>): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH done AS (
      UPDATE invitation SET completed_on = current_date, sealed_token = NULL
      WHERE id = ${invitationId} AND completed_on IS NULL AND expires_on >= current_date
      RETURNING id),
    dropped AS (DELETE FROM draft WHERE invitation_id IN (SELECT id FROM done)),
    unsent AS (DELETE FROM mail_outbox WHERE kind = 'reminder' AND sent_at IS NULL AND invitation_id IN (SELECT id FROM done))
    INSERT INTO answer_pool (id, sealed, waiting_since)
    SELECT ${row.id}, ${row.sealed}, ${row.waiting_since}::date FROM done
    RETURNING id`.execute(db);
  return rows.length === 1;
}

/**
 * Validates the answers with survey-core against the version answered, then pools
 * them with the coarse cohort; a link already used gets 409, an expired one 410.
 */
export async function completeSurvey(
  app: FastifyInstance,
  token: string,
  invitation: InvitationForRespondent,
  submitted: Record<string, unknown>,
  requestedVersion: string | undefined,
  locale: Locale,
): Promise<void> {
  const version = await versionFor(app, invitation.survey, requestedVersion);
  const { errors, answers } = app.surveys.check(version, submitted, locale);
  if (errors.length > 0) throw invalid(errors);
  const row = poolRow(app.keys.answerPool, {
    surveyVersionId: version.id,
    answers,
    cohort: {
      departmentId: invitation.departmentId,
      tenureBand: tenureBand(invitation.hireDate, invitation.lastDay),
      exitType: invitation.exitType,
      regrettable: regrettableOf(invitation.regrettable),
      quarter: quarterOf(invitation.lastDay),
    },
  });
  if (await markCompletedAndPool(app.db, invitation.id, row)) return;
  // Lost a race or crossed midnight of the expiry day: say which.
  const now = await findInvitationByToken(app.db, token);
  throw linkError(now?.state === 'expired' ? 'expired' : 'completed');
}
