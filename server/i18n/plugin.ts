import fp from 'fastify-plugin';
import { DEFAULT_LOCALE, fromAcceptLanguage, isLocale, type Locale, type MessageKey, type Params, translate } from './messages.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** ?lang=…, else Accept-Language, else Japanese; a route may settle it from a record (setLocale). */
    locale: Locale;
    /** True when the user chose the language explicitly with ?lang=. */
    localeChosen: boolean;
    t(key: MessageKey, params?: Params): string;
  }
}

export const i18nPlugin = fp(
  async (app) => {
    app.decorateRequest('locale', DEFAULT_LOCALE);
    app.decorateRequest('localeChosen', false);
    app.decorateRequest('t', function (this: { locale: Locale }, key: MessageKey, params?: Params) {
      return translate(this.locale, key, params);
    });
    app.addHook('onRequest', async (request) => {
      const lang = (request.query as Record<string, unknown> | undefined)?.lang;
      request.localeChosen = isLocale(lang);
      request.locale = isLocale(lang) ? lang : (fromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LOCALE);
    });
  },
  { name: 'honne-i18n' },
);
