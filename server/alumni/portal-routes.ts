import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONSENT_PURPOSES } from '../db/alumni-schema.ts';
import { invitationContext } from '../invitations/context.ts';
import { CsrfField } from '../web/csrf.ts';
import { ALUMNI_COOKIE } from './auth-plugin.ts';
import { createAlumniLink } from './links.ts';
import { queueAlumniLinkMail } from './mails.ts';
import { eraseMember, memberRecord, setConsents, updateProfile } from './member-data.ts';
import { emailInUse, isCompanyAddress, NOTICE_VERSION } from './membership.ts';
import { ConsentForm, chosenPurposes, type FormErrors, parseProfileForm, ProfileForm } from './profile-form.ts';

const Notice = Type.Object(
  { saved: Type.Optional(Type.Enum(['profile', 'consents', 'email'])), lang: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** The member's own page: profile, consents one by one, their data as JSON, and erasure. */
export const alumniPortalRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const member = app.requireAlumnus;

  const portal = async (alumniId: string, extra: { saved?: string; errors?: FormErrors; values?: Record<string, unknown> } = {}) => {
    const record = (await memberRecord(app.db, alumniId))!;
    return {
      record,
      purposes: CONSENT_PURPOSES,
      noticeVersion: NOTICE_VERSION,
      saved: extra.saved ?? '',
      errors: extra.errors ?? {},
      values: extra.values ?? null,
    };
  };

  app.get('/alumni/me', { preHandler: member, schema: { querystring: Notice } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.view('alumni/portal', {
      title: request.t('alumni.portal.title'),
      ...(await portal(request.alumnus!.id, { saved: request.query.saved })),
    });
  });

  app.post('/alumni/me/profile', { preHandler: member, schema: { body: ProfileForm } }, async (request, reply) => {
    const alumnus = request.alumnus!;
    const { profile, email, errors } = parseProfileForm(request.body, alumnus.locale);
    const newEmail = email.toLowerCase() !== alumnus.email.toLowerCase();
    if (newEmail && !errors.email) {
      const leaver = await app.db
        .selectFrom('alumni')
        .leftJoin('leaver', 'leaver.id', 'alumni.leaver_id')
        .select('leaver.email')
        .where('alumni.id', '=', alumnus.id)
        .executeTakeFirst();
      if (await isCompanyAddress(app.db, email, leaver?.email ?? null)) errors.email = 'alumni.error.company_email';
      else if (await emailInUse(app.db, email, alumnus.id)) errors.email = 'alumni.error.email_taken';
    }
    if (Object.keys(errors).length > 0) {
      return reply.code(400).view('alumni/portal', {
        title: request.t('alumni.portal.title'),
        ...(await portal(alumnus.id, { errors, values: request.body })),
      });
    }
    const ctx = newEmail ? await invitationContext(app) : undefined;
    await app.db.transaction().execute(async (trx) => {
      await updateProfile(trx, alumnus.id, profile);
      // A new address counts once its link is followed; until then mail goes to the old one.
      if (ctx) {
        await trx.updateTable('alumni').set({ pending_email: email }).where('id', '=', alumnus.id).execute();
        const token = await createAlumniLink(trx, alumnus.id, 'verify', email);
        await queueAlumniLinkMail(trx, ctx, 'verify', { id: alumnus.id, name: profile.name, locale: profile.locale }, email, token);
      }
    });
    if (ctx) app.worker.wake();
    return reply.redirect(`/alumni/me?saved=${ctx ? 'email' : 'profile'}&lang=${profile.locale}`, 303);
  });

  app.post('/alumni/me/consents', { preHandler: member, schema: { body: ConsentForm } }, async (request, reply) => {
    await app.db
      .transaction()
      .execute((trx) => setConsents(trx, request.alumnus!.id, chosenPurposes(request.body.consents), request.locale));
    return reply.redirect(`/alumni/me?saved=consents&lang=${request.locale}`, 303);
  });

  app.get('/alumni/me/export', { preHandler: member }, async (request, reply) => {
    const record = (await memberRecord(app.db, request.alumnus!.id))!;
    const data = { exportedAt: new Date().toISOString(), noticeVersion: NOTICE_VERSION, ...record };
    return reply
      .header('content-disposition', 'attachment; filename="honne-alumni-my-data.json"')
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  app.post(
    '/alumni/me/erase',
    { preHandler: member, schema: { body: Type.Object({ confirm: Type.Literal('yes'), ...CsrfField }, { additionalProperties: false }) } },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => eraseMember(trx, request.alumnus!.id, 'alumnus'));
      reply.clearCookie(ALUMNI_COOKIE, { path: '/alumni' });
      request.alumnus = null;
      return reply.view('message', {
        title: request.t('alumni.erase.done_title'),
        state: 'erased',
        message: request.t('alumni.erase.done'),
      });
    },
  );
};
