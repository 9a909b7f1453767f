import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';

/**
 * Signed double-submit: the browser holds a random value in an HttpOnly, SameSite
 * cookie, and every form carries an HMAC of it. Another site can neither read the
 * cookie nor compute the field, so it cannot forge a form post.
 */
export const CSRF_COOKIE = 'honne_csrf';
export const CSRF_FIELD = '_csrf';

/** Spread into every staff form's body schema. */
export const CsrfField = { [CSRF_FIELD]: Type.String({ maxLength: 200 }) };

export const newCsrfCookieValue = () => randomBytes(32).toString('base64url');

export function csrfToken(key: Buffer, cookieValue: string): string {
  return createHmac('sha256', key).update(cookieValue).digest('base64url');
}

export function csrfValid(key: Buffer, cookieValue: string | undefined, field: unknown): boolean {
  if (!cookieValue || typeof field !== 'string') return false;
  const expected = Buffer.from(csrfToken(key, cookieValue));
  const given = Buffer.from(field);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
