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
  /** The leaver's own link to join the alumni network, apart from the survey. */
  alumniLink: string;
}

export interface MailRenderer {
  /** An invitation or reminder: the organisation's own template when it has one, else Honne's text. */
  survey(kind: MailKind, to: string, params: SurveyMailParams, custom?: MailTemplate): MailMessage;
  passwordReset(to: string, params: { locale: Locale; link: string; company: string }): MailMessage;
  /** A new staff account: the link to set its password. */
  staffWelcome(to: string, params: { locale: Locale; link: string; company: string }): MailMessage;
  /** An alumnus' one-time link: verify the address, or sign in to the portal. */
  alumniLink(
    purpose: 'verify' | 'sign_in',
    to: string,
    params: { locale: Locale; name: string; link: string; company: string },
  ): MailMessage;
  /** One newsletter issue for one alumnus, in their language. */
  newsletter(to: string, params: NewsletterMailParams): MailMessage;
}

export interface NewsletterMailParams {
  locale: Locale;
  company: string;
  subject: string;
  /** The issue's own text, paragraph by paragraph. */
  paragraphs: string[];
  actions: Array<{ title: string; description: string; status: string }>;
  /** The period's most common reasons, only from groups that the k-rules show. */
  reasons: { period: string; items: Array<{ label: string; share: string }> } | null;
  portalLink: string;
  unsubscribeLink: string;
}

export const TEMPLATE_PLACEHOLDERS = ['name', 'link', 'expiresOn', 'company', 'alumniLink'] as const;

/** Replaces {name}, {link}, {expiresOn}, {company} and {alumniLink}; anything else in braces stays as written. */
export function fillTemplate(text: string, params: SurveyMailParams): string {
  return text.replace(
    /\{(name|link|expiresOn|company|alumniLink)\}/g,
    (_match, key: (typeof TEMPLATE_PLACEHOLDERS)[number]) => params[key],
  );
}

/**
 * Each mail is views/mail/<name>-html.eta and <name>-text.eta; HTML is escaped, text
 * is not. A custom template is plain text: its HTML twin is the same paragraphs,
 * escaped, with the link made clickable.
 */
export function mailRenderer(viewsDir: string): MailRenderer {
  const html = new Eta({ views: viewsDir, cache: true });
  // Plain text keeps its line breaks exactly as written (control tags end with -%> to leave none).
  const text = new Eta({ views: viewsDir, cache: true, autoEscape: false, autoTrim: false });
  const render = (
    name: string,
    to: string,
    subject: MessageKey | { text: string },
    data: Record<string, unknown> & { locale: Locale },
  ): MailMessage => {
    const it = { ...data, t: (key: MessageKey, p?: Params) => translate(data.locale, key, p) };
    return {
      to,
      subject: typeof subject === 'string' ? translate(data.locale, subject, data as Params) : subject.text,
      html: html.render(`mail/${name}-html`, it),
      text: text.render(`mail/${name}-text`, it),
    };
  };
  // The alumni offer is part of every survey mail: appended unless the template placed {alumniLink} itself.
  const custom = (to: string, params: SurveyMailParams, template: MailTemplate): MailMessage => {
    const offer = template.body.includes('{alumniLink}') ? '' : `\n\n${translate(params.locale, 'mail.alumni_offer')}\n{alumniLink}`;
    const body = fillTemplate(template.body + offer, params);
    const links = [params.link, params.alumniLink];
    const linkPattern = new RegExp(`(${links.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
    const paragraphs = body
      .split(/\r?\n\s*\r?\n/)
      .map((paragraph) => paragraph.split(linkPattern).map((part) => ({ part, link: links.includes(part) })));
    return {
      to,
      subject: fillTemplate(template.subject, params).replace(/\s+/g, ' ').trim(),
      text: body,
      html: html.render('mail/custom-html', { locale: params.locale, paragraphs }),
    };
  };
  return {
    survey: (kind, to, params, template) =>
      template ? custom(to, params, template) : render('invitation', to, `mail.${kind}.subject`, { ...params, kind }),
    passwordReset: (to, params) => render('password-reset', to, 'staff.reset.subject', params),
    staffWelcome: (to, params) => render('staff-welcome', to, 'users.welcome.subject', params),
    alumniLink: (purpose, to, params) => render('alumni-link', to, `alumni.mail.${purpose}.subject`, { ...params, purpose }),
    newsletter: (to, params) => render('newsletter', to, { text: params.subject }, { ...params }),
  };
}
