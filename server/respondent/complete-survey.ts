import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { quarterOf, regrettableOf, tenureBand } from '../answers/cohort.ts';
import { poolRow } from '../answers/pool.ts';
import { jsonb } from '../db/jsonb.ts';
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

export interface Completion {
  invitationId: string;
  row: ReturnType<typeof poolRow>;
}

/**
 * One statement for a batch of completions, so atomic without a transaction: for
 * each link still open, mark it used (a day, no time) and wipe its sealed copy,
 * delete its draft and any reminder not sent yet, and pool the sealed answers.
 * A concurrent completion of the same link in another batch waits for the row
 * lock, then finds the link used and changes nothing; a second one in the same
 * batch is not sent. Rows are locked in id order, so two batches that share
 * links (double submissions) wait for each other instead of deadlocking.
 * Answers, in order, whether each call completed its link.
 */
export async function completeAndPool(db: Kysely<Database>, completions: Completion[]): Promise<boolean[]> {
  const first = new Map<string, Completion>();
  for (const completion of completions) if (!first.has(completion.invitationId)) first.set(completion.invitationId, completion);
  const input = jsonb(
    [...first.values()].map(({ invitationId, row }) => ({ invitation_id: invitationId, pool_id: row.id, sealed: row.sealed.toString('base64'), waiting_since: row.waiting_since })),
  );
  const { rows } = await sql<{ id: string }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}) AS t(invitation_id uuid, pool_id uuid, sealed text, waiting_since date)),
    locked AS MATERIALIZED (
      SELECT id FROM invitation WHERE id IN (SELECT invitation_id FROM input) ORDER BY id FOR UPDATE),
    done AS (
      UPDATE invitation i SET completed_on = current_date, sealed_token = NULL FROM locked
      WHERE i.id = locked.id AND i.completed_on IS NULL AND i.expires_on >= current_date
      RETURNING i.id),
    dropped AS (DELETE FROM draft WHERE invitation_id IN (SELECT id FROM done)),
    unsent AS (DELETE FROM mail_outbox WHERE kind = 'reminder' AND sent_at IS NULL AND invitation_id IN (SELECT id FROM done))
    INSERT INTO answer_pool (id, sealed, waiting_since)
    SELECT input.pool_id, decode(input.sealed, 'base64'), input.waiting_since FROM input JOIN done ON done.id = input.invitation_id
    RETURNING id`.execute(db);
  const pooled = new Set(rows.map((row) => row.id));
  return completions.map((completion) => pooled.has(completion.row.id));
}

/**
 * Validates the answers with survey-core against the version answered, then pools
 * them with the coarse cohort (through `pool`, which batches completeAndPool); a
 * link already used gets 409, an expired one 410.
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
  if (await pool({ invitationId: invitation.id, row })) return;
  // Lost a race or crossed midnight of the expiry day: say which.
  const now = await findInvitationByToken(app.db, token);
  throw linkError(now?.state === 'expired' ? 'expired' : 'completed');
}
