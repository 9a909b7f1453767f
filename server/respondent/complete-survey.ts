import type { FastifyInstance } from 'fastify';
import { quarterOf, regrettableOf, tenureBand } from '../answers/cohort.ts';
import { fitsSlot } from '../answers/pool.ts';
import { AppError, invalid } from '../errors/app-error.ts';
import type { Locale } from '../i18n/messages.ts';
import type { SurveyVersion } from '../surveys/registry.ts';
import type { Completion } from './complete-and-pool.ts';
import { findInvitationByToken, type InvitationForRespondent, linkError } from './invitation-by-token.ts';

/** The version the respondent answered: the one they name if it belongs to their survey, else the current one. */
export async function versionFor(app: FastifyInstance, survey: string, requested?: string): Promise<SurveyVersion> {
  const named = requested ? await app.surveys.version(requested) : undefined;
  return named && named.survey === survey ? named : app.surveys.current(survey);
}

/**
 * Validates the answers with survey-core against the version answered, then pools
 * them with the coarse cohort (through `pool`, which batches completeAndPool); a
 * link already used gets 409, an expired one 410, answers too large for their slot
 * in the pool 400.
 */
export async function completeSurvey(
  app: FastifyInstance,
  pool: (completion: Completion) => Promise<boolean>,
  token: string,
  invitation: InvitationForRespondent,
  submitted: Record<string, unknown>,
  requestedVersion: string | undefined,
  locale: Locale,
): Promise<void> {
  const version = await versionFor(app, invitation.survey, requestedVersion);
  const { errors, answers } = app.surveys.check(version, submitted, locale);
  if (errors.length > 0) throw invalid(errors);
  const pooled = {
    surveyVersionId: version.id,
    answers,
    cohort: {
      departmentId: invitation.departmentId,
      tenureBand: tenureBand(invitation.hireDate, invitation.lastDay),
      exitType: invitation.exitType,
      regrettable: regrettableOf(invitation.regrettable),
      quarter: quarterOf(invitation.lastDay),
    },
  };
  // Checked here, not when the batch is sealed, so that one oversized answer set fails alone (a survey with many free-text questions).
  if (!fitsSlot(pooled)) throw new AppError({ code: 'answers_too_large', status: 400, messageKey: 'error.payload_too_large' });
  if (await pool({ invitationId: invitation.id, pooled })) return;
  // Lost a race or crossed midnight of the expiry day: say which.
  const now = await findInvitationByToken(app.db, token);
  throw linkError(now?.state === 'expired' ? 'expired' : 'completed');
}
