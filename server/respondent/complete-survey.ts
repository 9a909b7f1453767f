import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { quarterOf, tenureBand } from '../answers/cohort.ts';
import { poolAnswers } from '../answers/pool.ts';
import { invalid } from '../errors/app-error.ts';
import type { Locale } from '../i18n/messages.ts';
import { checkAnswers } from '../surveys/validate-answers.ts';
import type { SurveyVersion } from '../surveys/registry.ts';
import { linkError, openInvitation } from './invitation-by-token.ts';

/** The version the respondent answered: the one they name if it belongs to their survey, else the current one. */
export async function versionFor(app: FastifyInstance, survey: string, requested?: string): Promise<SurveyVersion> {
  const named = requested ? await app.surveys.version(requested) : undefined;
  return named && named.survey === survey ? named : app.surveys.current(survey);
}

/**
 * Validates the answers with survey-core, then in one transaction marks the link
 * used (a day, no time), deletes the draft and pools the sealed answers with the
 * coarse cohort. The row lock makes a second, concurrent completion fail with 409.
 */
export async function completeSurvey(
  app: FastifyInstance,
  token: string,
  submitted: Record<string, unknown>,
  requestedVersion: string | undefined,
  locale: Locale,
): Promise<void> {
  const invitation = await openInvitation(app.db, token);
  const version = await versionFor(app, invitation.survey, requestedVersion);
  const { errors, answers } = checkAnswers(version.definition, submitted, locale);
  if (errors.length > 0) throw invalid(errors);

  await app.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('invitation')
      .select(['completed_on', sql<boolean>`expires_on < current_date`.as('expired')])
      .where('id', '=', invitation.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.completed_on) throw linkError('completed');
    if (locked.expired) throw linkError('expired');
    await trx.updateTable('invitation').set({ completed_on: sql<string>`current_date` }).where('id', '=', invitation.id).execute();
    await trx.deleteFrom('draft').where('invitation_id', '=', invitation.id).execute();
    await poolAnswers(trx, app.keys.answerPool, {
      surveyVersionId: version.id,
      answers,
      cohort: {
        departmentId: invitation.departmentId,
        tenureBand: tenureBand(invitation.hireDate, invitation.lastDay),
        exitType: invitation.exitType,
        quarter: quarterOf(invitation.lastDay),
      },
    });
  });
}
