import { Eta } from 'eta';
import { type Locale, translate } from '../i18n/messages.ts';
import type { MailMessage } from './outbox.ts';

export interface MailRenderer {
  invitation(to: string, params: { locale: Locale; name: string; link: string; expiresOn: string; company: string }): MailMessage;
}

/** HTML is escaped; the text part is not (it is not HTML). */
export function mailRenderer(viewsDir: string): MailRenderer {
  const html = new Eta({ views: viewsDir, cache: true });
  const text = new Eta({ views: viewsDir, cache: true, autoEscape: false });
  return {
    invitation(to, { locale, name, link, expiresOn, company }) {
      const data = { locale, name, link, expiresOn, t: (key: Parameters<typeof translate>[1], p?: Record<string, string>) => translate(locale, key, p) };
      return {
        to,
        subject: translate(locale, 'mail.invitation.subject', { company }),
        html: html.render('mail/invitation-html', data),
        text: text.render('mail/invitation-text', data),
      };
    },
  };
}
