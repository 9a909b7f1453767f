import type { FastifyInstance } from 'fastify';
import type { StaffRole } from '../../server/db/schema.ts';
import { csrfToken } from '../../server/web/csrf.ts';
import { hashPassword } from '../../server/staff/passwords.ts';
import { createSession } from '../../server/staff/sessions.ts';
import { createStaffUser } from '../../server/staff/users.ts';

export const PASSWORD = 'correct horse battery';
const CSRF_COOKIE_VALUE = 'test-browser-csrf-cookie';

/** What a browser that loaded one of our pages sends back: the CSRF cookie and the matching field. */
export function csrf(app: FastifyInstance) {
  return { cookie: `honne_csrf=${CSRF_COOKIE_VALUE}`, field: csrfToken(app.keys.csrf, CSRF_COOKIE_VALUE) };
}

export async function staffUser(
  app: FastifyInstance,
  role: StaffRole,
  email = `${role}-${Math.random().toString(36).slice(2)}@example.com`,
) {
  return createStaffUser(app.db, { email, role, passwordHash: await hashPassword(PASSWORD) });
}

/** Cookie header of a signed-in staff member (session made directly: sign-in itself is tested apart). */
export async function staffCookie(app: FastifyInstance, role: StaffRole): Promise<string> {
  const user = await staffUser(app, role);
  return `${csrf(app).cookie}; honne_session=${await createSession(app.db, user.id)}`;
}

/** A form post as the browser sends it; an array is a field sent several times (checkboxes). */
export function postForm(app: FastifyInstance, url: string, fields: Record<string, string | string[]>, cookie = csrf(app).cookie) {
  const body = new URLSearchParams({ _csrf: csrf(app).field });
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

export function sessionCookieFrom(setCookie: string | string[] | undefined): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith('honne_session='));
}
