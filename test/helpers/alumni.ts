import type { FastifyInstance } from 'fastify';
import { signId } from '../../server/alumni/signed-id.ts';
import type { MailMessage } from '../../server/mail/outbox.ts';
import { invitedLeaver } from './fixtures.ts';
import { csrf, postForm } from './staff.ts';

/** The last link of `path` (e.g. /alumni/link/) in the mails sent so far. */
export function linkIn(sent: MailMessage[], path: string): string {
  const links = sent.flatMap((m) => [...m.text.matchAll(new RegExp(`https?://[^/\\s]+(${path}[\\w-]+)`, 'g'))].map((match) => match[1]!));
  if (!links.length) throw new Error(`no ${path} link in the mail`);
  return links.at(-1)!;
}

/** The alumni cookie a response set, with the CSRF cookie, as a browser would send both. */
export function alumniCookie(setCookie: string | string[] | undefined, app: FastifyInstance): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const session = all.find((c) => c.startsWith('honne_alumni='))!.split(';')[0];
  return `${csrf(app).cookie}; ${session}`;
}

/**
 * A leaver who joins from their join link with `fields`, follows the verification
 * mail and ends up signed in; returns the portal cookie and the member's id.
 */
export async function joinedMember(
  app: FastifyInstance,
  sent: MailMessage[],
  fields: Record<string, string> = {},
  consents: string[] = ['newsletter'],
) {
  const leaver = await invitedLeaver(app);
  const join = `/alumni/join/${signId(app.keys.alumniLinks, 'join', leaver.id)}`;
  const email = fields.email ?? `${leaver.input.employeeId.toLowerCase()}@personal.test`;
  const body = new URLSearchParams({
    _csrf: csrf(app).field,
    name: leaver.input.name,
    email,
    company: '',
    jobTitle: '',
    profileUrl: '',
    locale: 'ja',
    ...fields,
  });
  for (const consent of consents) body.append('consents', consent);
  const joined = await app.inject({
    method: 'POST',
    url: join,
    headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  if (joined.statusCode !== 200) throw new Error(`join failed: ${joined.statusCode} ${joined.body.slice(0, 200)}`);
  await app.worker.runOnce();
  const verified = await postForm(app, linkIn(sent, '/alumni/link/'), {});
  const member = await app.db.selectFrom('alumni').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { leaver, join, email, id: member.id, cookie: alumniCookie(verified.headers['set-cookie'], app) };
}
