import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import type { Locale } from '../db/schema.ts';
import { expiryFor } from '../invitations/issue.ts';
import { fieldErrors } from '../errors/validation-messages.ts';
import { formValues, parseSettingsForm, SettingsForm } from './settings-form.ts';
import { changedSettings, loadSettings, type MailKind, saveSettings } from './settings.ts';

/** Admins set when and how leavers are invited, how long personal data is kept, and the mails' wording. */
export const settingsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireStaff(['admin']);
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Record<string, string> = {},
    status = 200,
    saved = false,
  ) =>
    reply.code(status).view('staff/settings', {
      title: request.t('settings.title'),
      values,
      errors,
      saved,
      fallbackName: app.config.orgName,
      kinds: ['invitation', 'reminder'],
      locales: ['ja', 'en'],
    });

  app.get(
    '/staff/settings',
    {
      preHandler: adminOnly,
      schema: { querystring: Type.Object({ saved: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => page(request, reply, formValues(await loadSettings(app.db)), {}, 200, request.query.saved === '1'),
  );

  app.post('/staff/settings', { preHandler: adminOnly, attachValidation: true, schema: { body: SettingsForm } }, async (request, reply) => {
    if (request.validationError) {
      const errors = Object.fromEntries(
        fieldErrors(request.locale, request.validationError.validation ?? []).map((e) => [e.field, e.message]),
      );
      return page(request, reply, request.body ?? {}, errors, 400);
    }
    const parsed = parseSettingsForm(request.body);
    if ('errors' in parsed) {
      return page(
        request,
        reply,
        request.body,
        Object.fromEntries(Object.entries(parsed.errors).map(([field, key]) => [field, request.t(key)])),
        400,
      );
    }
    const before = await loadSettings(app.db);
    const changed = changedSettings(before, parsed.settings);
    await app.db.transaction().execute(async (trx) => {
      await saveSettings(trx, parsed.settings);
      if (changed.length > 0)
        await recordAudit(trx, { action: 'settings_changed', actor: request.staff, ip: request.ip, details: { fields: changed } });
    });
    return reply.redirect('/staff/settings?saved=1', 303);
  });

  // Renders the mail as the form has it now (saved or not), with example data.
  app.post('/staff/settings/preview', { preHandler: adminOnly, schema: { body: SettingsForm } }, async (request, reply) => {
    const [kind, locale] = (request.body.preview ?? 'invitation_ja').split('_') as [MailKind, Locale];
    const parsed = parseSettingsForm(request.body);
    const template = 'settings' in parsed ? parsed.settings.mailTemplates[kind]?.[locale] : undefined;
    const company = request.body.senderName.trim() || app.config.orgName;
    const mail = app.mail.render.survey(
      kind,
      locale === 'ja' ? 'taro.yamada@example.com' : 'alex.smith@example.com',
      {
        locale,
        name: locale === 'ja' ? '山田 太郎' : 'Alex Smith',
        link: `${app.config.publicUrl}/s/EXAMPLE-LINK`,
        expiresOn: expiryFor('2000-01-01', 30),
        company,
        alumniLink: `${app.config.publicUrl}/alumni/join/EXAMPLE-LINK`,
      },
      template,
    );
    return reply.view('staff/settings-preview', { title: request.t('settings.preview'), kind, locale, mail, invalid: 'errors' in parsed });
  });
};
