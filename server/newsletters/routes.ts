import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { composeIssue, type Issue } from './compose.ts';
import { AppError } from '../errors/app-error.ts';
import { inLocale, listActions } from '../improvements/actions.ts';
import { yearsWithData } from '../insights/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { CsrfField } from '../web/csrf.ts';
import { createIssue, findIssue, type IssueInput, listIssues, updateIssue } from './issues.ts';
import { audienceSize, sendNewsletter } from './send.ts';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const IssueForm = Type.Object(
  {
    subjectJa: Type.String({ minLength: 1, maxLength: 200 }),
    subjectEn: Type.String({ minLength: 1, maxLength: 200 }),
    bodyJa: Type.String({ maxLength: 20000 }),
    bodyEn: Type.String({ maxLength: 20000 }),
    actionIds: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200 })])),
    reasonsPeriod: Type.Union([Type.String({ pattern: '^[0-9]{4}(-Q[1-4])?$' }), Type.Literal('')]),
    ...CsrfField,
  },
  { additionalProperties: false },
);
type IssueForm = Static<typeof IssueForm>;
const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });

const issueInput = (body: IssueForm): IssueInput => ({
  subjectJa: body.subjectJa,
  subjectEn: body.subjectEn,
  bodyJa: body.bodyJa,
  bodyEn: body.bodyEn,
  actionIds: body.actionIds === undefined ? [] : Array.isArray(body.actionIds) ? body.actionIds : [body.actionIds],
  reasonsPeriod: body.reasonsPeriod || null,
});

/** The newsletter composer: write (ja/en), insert published actions and the period's top reasons, preview, send. */
export const newsletterRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);
  const company = async () => (await loadSettings(app.db)).senderName ?? app.config.orgName;

  const editor = async (request: FastifyRequest, issue: (Issue & { id: string }) | null) => {
    const [actions, years] = await Promise.all([listActions(app.db, { published: true }), yearsWithData(app.db)]);
    const periods = years.flatMap((y) => [String(y), ...['Q4', 'Q3', 'Q2', 'Q1'].map((q) => `${y}-${q}`)]);
    return {
      title: request.t(issue ? 'newsletters.edit' : 'newsletters.new'),
      issue,
      actions: actions.map((a) => ({ ...a, ...inLocale(a, request.locale) })),
      periods,
    };
  };
  const issueOr404 = async (id: string) => {
    const issue = await findIssue(app.db, id);
    if (!issue) throw notFound();
    return issue;
  };

  app.get('/staff/newsletters', { preHandler: hrOnly }, async (request, reply) => {
    const [issues, audience] = await Promise.all([listIssues(app.db), audienceSize(app.db)]);
    return reply.view('staff/newsletters', { title: request.t('newsletters.title'), issues, audience });
  });

  app.get('/staff/newsletters/new', { preHandler: hrOnly }, async (request, reply) =>
    reply.view('staff/newsletter-form', await editor(request, null)),
  );

  app.post('/staff/newsletters', { preHandler: hrOnly, schema: { body: IssueForm } }, async (request, reply) => {
    const id = await createIssue(app.db, issueInput(request.body), request.staff!.id);
    return reply.redirect(`/staff/newsletters/${id}/preview`, 303);
  });

  app.get('/staff/newsletters/:id', { preHandler: hrOnly, schema: { params: Params } }, async (request, reply) => {
    const issue = await issueOr404(request.params.id);
    if (issue.sent_at) return reply.redirect(`/staff/newsletters/${issue.id}/preview`, 303);
    return reply.view('staff/newsletter-form', await editor(request, issue));
  });

  app.post('/staff/newsletters/:id', { preHandler: hrOnly, schema: { params: Params, body: IssueForm } }, async (request, reply) => {
    await issueOr404(request.params.id);
    if (!(await updateIssue(app.db, request.params.id, issueInput(request.body))))
      throw new AppError({ code: 'newsletter_sent', status: 409, messageKey: 'newsletters.error.sent' });
    return reply.redirect(`/staff/newsletters/${request.params.id}/preview`, 303);
  });

  // Both languages exactly as recipients will get them (the links are examples).
  app.get('/staff/newsletters/:id/preview', { preHandler: hrOnly, schema: { params: Params } }, async (request, reply) => {
    const issue = await issueOr404(request.params.id);
    const name = await company();
    const example = `${app.config.publicUrl}/alumni/unsubscribe/EXAMPLE`;
    const mails = await Promise.all(
      (['ja', 'en'] as const).map(async (locale) =>
        app.mail.render.newsletter('alumnus@example.com', {
          ...(await composeIssue(app, issue, locale)),
          company: name,
          portalLink: `${app.config.publicUrl}/alumni/me`,
          unsubscribeLink: example,
        }),
      ),
    );
    return reply.view('staff/newsletter-preview', {
      title: request.t('newsletters.preview'),
      issue,
      mails,
      audience: await audienceSize(app.db),
    });
  });

  app.post(
    '/staff/newsletters/:id/send',
    { preHandler: hrOnly, schema: { params: Params, body: Type.Object(CsrfField, { additionalProperties: false }) } },
    async (request, reply) => {
      const recipients = await sendNewsletter(app, request.params.id, await company());
      await recordAudit(app.db, {
        action: 'newsletter_sent',
        actor: request.staff,
        ip: request.ip,
        details: { newsletterId: request.params.id, recipients },
      });
      app.worker.wake();
      return reply.redirect(`/staff/newsletters/${request.params.id}/preview`, 303);
    },
  );
};
