import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { signId, verifySignedId } from '../alumni/signed-id.ts';
import { coalesce } from '../db/coalesce.ts';
import { invalid } from '../errors/app-error.ts';
import { answerTextErrors } from '../surveys/answer-text.ts';
import { type Completion, completeAndPool } from './complete-and-pool.ts';
import { completeSurvey, versionFor } from './complete-survey.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import { findInvitationsByTokens, type InvitationForRespondent, markOpened, requireOpen } from './invitation-by-token.ts';

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
const Answers = Type.Record(Type.String({ maxLength: 200 }), Type.Unknown());
const DraftBody = Type.Object(
  { answers: Answers, page: Type.Integer({ minimum: 0, maximum: 1000 }), surveyVersion: Type.Optional(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);
const CompleteBody = Type.Object(
  { answers: Answers, surveyVersion: Type.Optional(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);

/** Answers are small; anything larger than this is not a survey. */
const BODY_LIMIT = 256 * 1024;

/** `<` escaped so the JSON cannot close the script element it is embedded in. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

declare module 'fastify' {
  interface FastifyRequest {
    /** The invitation behind /s/:token, looked up once per request. */
    invitation: InvitationForRespondent | null;
  }
}

export const respondentRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('invitation', null);
  // Under load, the links looked up and the surveys completed in one turn of the event loop share one query each.
  const lookUp = coalesce((tokens: string[]) => findInvitationsByTokens(app.db, tokens));
  const pool = coalesce((completions: Completion[]) => completeAndPool(app.db, app.keys.answerPool, completions));

  // Looks the link up once; the leaver's own language unless they switched, set before any error page.
  app.addHook('preHandler', async (request) => {
    const { token } = (request.params ?? {}) as { token?: string };
    if (!token) return;
    request.invitation = (await lookUp(token)) ?? null;
    if (request.invitation && !request.localeChosen) request.locale = request.invitation.locale;
  });

  app.get('/s/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    const invitation = requireOpen(request.invitation);
    if (!invitation.opened) {
      await markOpened(app.db, invitation.id);
    }
    const draft = await loadDraft(app.db, app.keys, token, invitation.id);
    const version = await versionFor(app, invitation.survey, draft?.surveyVersion);
    reply.header('cache-control', 'no-store');
    return reply.view('survey', {
      title: request.t('survey.title'),
      head: '<link rel="stylesheet" href="/vendor/survey-core/survey-core.fontless.min.css">',
      surveyData: scriptJson({
        definition: version.definition,
        versionId: version.id,
        locale: request.locale,
        draft: draft ? { answers: draft.answers, page: draft.page } : null,
        join: signId(app.keys.alumniLinks, 'join', invitation.leaverId),
        messages: {
          saving: request.t('survey.saving'),
          saved: request.t('survey.saved'),
          saveFailed: request.t('survey.save_failed'),
          submitFailed: request.t('survey.submit_failed'),
        },
      }),
    });
  });

  app.put('/s/:token/draft', { bodyLimit: BODY_LIMIT, schema: { params: TokenParams, body: DraftBody } }, async (request, reply) => {
    const { token } = request.params;
    const invitation = requireOpen(request.invitation);
    // A draft is not checked against its survey (it is unfinished), but its text is held to the same limits as answers.
    const problems = answerTextErrors(request.body.answers, request.locale);
    if (problems.length > 0) throw invalid(problems);
    const version = await versionFor(app, invitation.survey, request.body.surveyVersion);
    await saveDraft(app.db, app.keys, token, invitation.id, {
      answers: request.body.answers,
      page: request.body.page,
      surveyVersion: version.id,
    });
    return reply.code(204).send();
  });

  app.post('/s/:token/complete', { bodyLimit: BODY_LIMIT, schema: { params: TokenParams, body: CompleteBody } }, async (request, reply) => {
    const invitation = requireOpen(request.invitation);
    await completeSurvey(app, pool, request.params.token, invitation, request.body.answers, request.body.surveyVersion, request.locale);
    // No worker wake-up: the pool is released on the worker's own schedule, by design.
    return reply.code(201).send({ status: 'received' });
  });

  // The join link is the leaver's own (signed, naming the leaver, not the answers); a forged one is simply not offered.
  const ThanksQuery = Type.Object({ lang: Type.Optional(Type.String()), join: Type.Optional(Type.String({ maxLength: 100 })) });
  app.get('/thanks', { schema: { querystring: ThanksQuery } }, async (request, reply) => {
    const join = request.query.join && verifySignedId(app.keys.alumniLinks, 'join', request.query.join) ? request.query.join : undefined;
    reply.header('cache-control', 'no-store');
    return reply.view('thanks', {
      title: request.t('thanks.title'),
      joinHref: join ? `/alumni/join/${join}?lang=${request.locale}` : `/alumni?lang=${request.locale}`,
    });
  });
};
