import { Eta } from 'eta';
import type { MailTemplate } from '../db/schema.ts';
import { type Locale, type MessageKey, type Params, translate } from '../i18n/messages.ts';
import type { MailKind } from '../settings/settings.ts';
import type { MailMessage } from './outbox.ts';

export interface SurveyMailParams {
  locale: Locale;
  name: string;
  link: string;
  expiresOn: string;
  company: string;
}

export interface MailRenderer {
  /** An invitation or reminder: the organisation's own template when it has one, else Honne's text. */
  survey(kind: MailKind, to: string, params: SurveyMailParams, custom?: MailTemplate): MailMessage;
  passwordReset(to: string, params: { locale: Locale; link: string; company: string }): MailMessage;
  /** A new staff account: the link to set its password. */
  staffWelcome(to: string, params: { locale: Locale; link: string; company: string }): MailMessage;
}

export const TEMPLATE_PLACEHOLDERS = ['name', 'link', 'expiresOn', 'company'] as const;

/** Replaces {name}, {link}, {expiresOn} and {company}; anything else in braces stays as written. */
export function fillTemplate(text: string, params: SurveyMailParams): string {
  return text.replace(/\{(name|link|expiresOn|company)\}/g, (_match, key: (typeof TEMPLATE_PLACEHOLDERS)[number]) => params[key]);
}

/**
 * Each mail is views/mail/<name>-html.eta and <name>-text.eta; HTML is escaped, text
 * is not. A custom template is plain text: its HTML twin is the same paragraphs,
 * escaped, with the link made clickable.
 */
export function mailRenderer(viewsDir: string): MailRenderer {
  const html = new Eta({ views: viewsDir, cache: true });
  const text = new Eta({ views: viewsDir, cache: true, autoEscape: false });
  const render = (name: string, to: string, subject: MessageKey, data: Record<string, string> & { locale: Locale }): MailMessage => {
    const it = { ...data, t: (key: MessageKey, p?: Params) => translate(data.locale, key, p) };
    return {
      to,
      subject: translate(data.locale, subject, data),
      html: html.render(`mail/${name}-html`, it),
      text: text.render(`mail/${name}-text`, it),
    };
  };
  const custom = (to: string, params: SurveyMailParams, template: MailTemplate): MailMessage => {
    const body = fillTemplate(template.body, params);
    const paragraphs = body.split(/\r?\n\s*\r?\n/).map((paragraph) => paragraph.split(params.link));
    return {
      to,
      subject: fillTemplate(template.subject, params).replace(/\s+/g, ' ').trim(),
      text: body,
      html: html.render('mail/custom-html', { locale: params.locale, link: params.link, paragraphs }),
    };
  };
  return {
    survey: (kind, to, params, template) =>
      template ? custom(to, params, template) : render('invitation', to, `mail.${kind}.subject`, { ...params, kind }),
    passwordReset: (to, params) => render('password-reset', to, 'staff.reset.subject', params),
    staffWelcome: (to, params) => render('staff-welcome', to, 'users.welcome.subject', params),
  };
}
