import { Eta } from 'eta';
import { type Locale, type MessageKey, type Params, translate } from '../i18n/messages.ts';
import type { MailMessage } from './outbox.ts';

export interface MailRenderer {
  invitation(to: string, params: { locale: Locale; name: string; link: string; expiresOn: string; company: string }): MailMessage;
  passwordReset(to: string, params: { locale: Locale; link: string; company: string }): MailMessage;
}

/** Each mail is views/mail/<name>-html.eta and <name>-text.eta; HTML is escaped, text is not. */
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
  return {
    invitation: (to, params) => render('invitation', to, 'mail.invitation.subject', params),
    passwordReset: (to, params) => render('password-reset', to, 'staff.reset.subject', params),
  };
}
