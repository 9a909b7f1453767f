import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONSENT_PURPOSES } from '../db/alumni-schema.ts';
import { AppError } from '../errors/app-error.ts';
import { invitationContext } from '../invitations/context.ts';
import { queueAlumniLinkMail } from './mails.ts';
import { emailInUse, isCompanyAddress, joinableLeaver, joinNetwork, NOTICE_VERSION } from './membership.ts';
import { chosenPurposes, parseProfileForm, ProfileForm } from './profile-form.ts';
import { verifySignedId } from './signed-id.ts';

const Params = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const unknownLink = () =>
  new AppError({ code: 'alumni_link_unknown', status: 404, titleKey: 'alumni.join.unknown_title', messageKey: 'alumni.join.unknown' });

/**
 * Joining from the personal link in the survey mail or on the thank-you page. The
 * link names the leaver (for department and year left), never the answers.
 */
export const alumniJoinRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const leaverOf = async (token: string) => {
    const leaverId = verifySignedId(app.keys.alumniLinks, 'join', token);
    const leaver = leaverId ? await joinableLeaver(app.db, leaverId) : undefined;
    if (!leaver) throw unknownLink();
    return leaver;
  };

  app.get(
    '/alumni/join/:token',
    { schema: { params: Params, querystring: Type.Object({ lang: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const leaver = await leaverOf(request.params.token);
      if (!request.localeChosen) request.locale = leaver.locale;
      reply.header('cache-control', 'no-store');
      if (leaver.alumni_id)
        return reply.view('message', {
          title: request.t('alumni.join.title'),
          state: 'already-member',
          message: request.t('alumni.join.already'),
        });
      const values = {
        name: leaver.name ?? '',
        email: '',
        company: '',
        jobTitle: '',
        profileUrl: '',
        locale: request.locale,
        consents: [] as string[],
      };
      return reply.view('alumni/join', {
        title: request.t('alumni.join.title'),
        values,
        errors: {},
        purposes: CONSENT_PURPOSES,
        noticeVersion: NOTICE_VERSION,
      });
    },
  );

  app.post('/alumni/join/:token', { schema: { params: Params, body: ProfileForm } }, async (request, reply) => {
    const leaver = await leaverOf(request.params.token);
    if (leaver.alumni_id) throw new AppError({ code: 'alumni_already_member', status: 409, messageKey: 'alumni.join.already' });
    const { profile, email, errors } = parseProfileForm(request.body, request.locale);
    request.locale = profile.locale;
    if (!errors.email && (await isCompanyAddress(app.db, email, leaver.work_email))) errors.email = 'alumni.error.company_email';
    if (!errors.email && (await emailInUse(app.db, email))) errors.email = 'alumni.error.email_taken';
    const consents = chosenPurposes(request.body.consents);
    if (Object.keys(errors).length > 0) {
      const values = { ...request.body, locale: profile.locale, consents };
      return reply.code(400).view('alumni/join', {
        title: request.t('alumni.join.title'),
        values,
        errors,
        purposes: CONSENT_PURPOSES,
        noticeVersion: NOTICE_VERSION,
      });
    }
    const ctx = await invitationContext(app);
    await app.db.transaction().execute(async (trx) => {
      const { alumniId, verifyToken } = await joinNetwork(trx, leaver, { ...profile, email, consents });
      await queueAlumniLinkMail(trx, ctx, 'verify', { id: alumniId, name: profile.name, locale: profile.locale }, email, verifyToken);
    });
    app.worker.wake();
    return reply.view('message', {
      title: request.t('alumni.join.title'),
      state: 'check-mail',
      message: request.t('alumni.join.check_mail', { email }),
    });
  });
};
