import { type Static, Type } from 'typebox';
import type { Locale } from '../db/schema.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { CsrfField } from '../web/csrf.ts';
import { MAIL_KINDS, MAX_REMINDERS, type MailTemplates, type OrgSettings } from './settings.ts';

const LOCALES: Locale[] = ['ja', 'en'];
const templateFields = Object.fromEntries(
  MAIL_KINDS.flatMap((kind) =>
    LOCALES.flatMap((locale) => [
      [`${kind}_${locale}_subject`, Type.Optional(Type.String({ maxLength: 200 }))],
      [`${kind}_${locale}_body`, Type.Optional(Type.String({ maxLength: 5000 }))],
    ]),
  ),
);
const Days = Type.String({ maxLength: 10 });

export const SettingsForm = Type.Object(
  {
    senderName: Type.String({ maxLength: 100 }),
    inviteTiming: Type.Enum(['on_create', 'before']),
    inviteDaysBefore: Days,
    reminderDays: Type.String({ maxLength: 50 }),
    expiryDays: Days,
    retentionDays: Days,
    quarterlyReports: Type.Optional(Type.Literal('on')),
    ...templateFields,
    /** Which mail the preview button asks for, e.g. invitation_ja. */
    preview: Type.Optional(Type.String({ pattern: '^(invitation|reminder)_(ja|en)$' })),
    ...CsrfField,
  },
  { additionalProperties: false },
);
export type SettingsForm = Static<typeof SettingsForm> & Record<string, string | undefined>;

/** The form's values for the current settings. */
export function formValues(settings: OrgSettings): Record<string, string> {
  const values: Record<string, string> = {
    senderName: settings.senderName ?? '',
    inviteTiming: settings.inviteDaysBefore === null ? 'on_create' : 'before',
    inviteDaysBefore: String(settings.inviteDaysBefore ?? 7),
    reminderDays: settings.reminderDays.join(', '),
    expiryDays: String(settings.expiryDays),
    retentionDays: String(settings.retentionDays),
    quarterlyReports: settings.quarterlyReports ? 'on' : '',
  };
  for (const kind of MAIL_KINDS) {
    for (const locale of LOCALES) {
      values[`${kind}_${locale}_subject`] = settings.mailTemplates[kind]?.[locale]?.subject ?? '';
      values[`${kind}_${locale}_body`] = settings.mailTemplates[kind]?.[locale]?.body ?? '';
    }
  }
  return values;
}

function days(value: string, min: number, max: number): number | undefined {
  const n = /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN;
  return n >= min && n <= max ? n : undefined;
}

/** The settings a form asks for, or a message key per field that is wrong. */
export function parseSettingsForm(form: SettingsForm): { settings: OrgSettings } | { errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const inviteDays = form.inviteTiming === 'before' ? days(form.inviteDaysBefore, 0, 365) : null;
  if (inviteDays === undefined) errors.inviteDaysBefore = 'settings.error.days_needed';
  const reminders = form.reminderDays
    .split(/[,、\s]+/)
    .filter(Boolean)
    .map((d) => days(d, 0, 365));
  const ascending = reminders.every((d, i) => d !== undefined && (i === 0 || d > reminders[i - 1]!));
  if (reminders.length > MAX_REMINDERS || !ascending) errors.reminderDays = 'settings.error.reminders';
  const expiryDays = days(form.expiryDays, 1, 365);
  if (expiryDays === undefined) errors.expiryDays = 'settings.error.days_needed';
  const retentionDays = days(form.retentionDays, 1, 3650);
  if (retentionDays === undefined) errors.retentionDays = 'settings.error.days_needed';
  const mailTemplates: MailTemplates = {};
  for (const kind of MAIL_KINDS) {
    for (const locale of LOCALES) {
      const subject = form[`${kind}_${locale}_subject`]?.trim() ?? '';
      const body = form[`${kind}_${locale}_body`]?.trim() ?? '';
      if (!subject && !body) continue;
      if (!body.includes('{link}')) errors[`${kind}_${locale}_body`] = 'settings.error.link_missing';
      if (!subject) errors[`${kind}_${locale}_subject`] = 'settings.error.subject_missing';
      mailTemplates[kind] = { ...mailTemplates[kind], [locale]: { subject, body } };
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    settings: {
      senderName: form.senderName.trim() || null,
      inviteDaysBefore: inviteDays!,
      reminderDays: reminders as number[],
      expiryDays: expiryDays!,
      retentionDays: retentionDays!,
      mailTemplates,
      quarterlyReports: form.quarterlyReports === 'on',
    },
  };
}
