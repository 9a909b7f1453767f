import t from 'tap';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import * as passwords from '../server/staff/passwords.ts';
import * as testApp from './helpers/app.ts';
import { postForm, staffUser } from './helpers/staff.ts';

/** The whole answer but the moment it was made; `address` stands in for the address typed, which the form shows again. */
const answer = (res: LightMyRequestResponse, address: string) => {
  const { date, ...headers } = res.headers;
  return { status: res.statusCode, headers, body: res.body.replaceAll(address, 'ADDRESS') };
};

// The addresses have the same length, so that even the content-length cannot differ.
const KNOWN = 'known@example.com';
const UNKNOWN = 'other@example.com';

t.test('sign-in: a real and an unknown address answer the same, with the same number of password checks, through the lock', async (t) => {
  let checks = 0;
  // The app with every argon2 check counted.
  const counted = await t.mockImport<typeof testApp>('./helpers/app.ts', {
    '../server/staff/passwords.ts': {
      ...passwords,
      verifyPassword: (hash: string | null, password: string) => {
        checks++;
        return passwords.verifyPassword(hash, password);
      },
    },
  });
  const { app } = await counted.buildTestApp(t);
  await staffUser(app, 'admin', KNOWN);

  const tryOnce = async (email: string, i: number) => {
    const before = checks;
    const res = await postForm(app, '/staff/sign-in?lang=en', { email, password: `wrong guess ${i}` });
    return { ...answer(res, email), checks: checks - before };
  };
  for (let i = 0; i < 7; i++) {
    const known = await tryOnce(KNOWN, i);
    const unknown = await tryOnce(UNKNOWN, i);
    t.same(unknown, known, `try ${i + 1}: the same answer and the same number of checks`);
    t.equal(known.status, i < 5 ? 401 : 429, i < 5 ? 'wrong' : 'locked');
    t.equal(known.checks, i < 5 ? 1 : 0, i < 5 ? 'one check' : 'no check while locked');
  }
});

t.test('forgot: the answer does not depend on the address, even when queueing the mail fails', async (t) => {
  const { app, logs } = await testApp.buildTestApp(t);
  await staffUser(app, 'hr', KNOWN);
  const timed = async (email: string) => {
    const started = performance.now();
    const res = await postForm(app, '/staff/forgot?lang=en', { email });
    return { answer: answer(res, email), elapsed: performance.now() - started };
  };

  const known = await timed(KNOWN);
  const unknown = await timed(UNKNOWN);
  t.same(unknown.answer, known.answer, 'the same answer');
  t.equal(known.answer.status, 200);
  // Not a benchmark: only that neither answer comes before the fixed time that covers the work.
  t.ok(known.elapsed >= 240 && unknown.elapsed >= 240, 'both wait for the fixed time');

  // A fault in the reset's work (here a refused link) concerns real accounts only.
  await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(app.db);
  await sql`CREATE TRIGGER refuse BEFORE INSERT ON one_time_link FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(app.db);
  const failing = await timed(KNOWN);
  t.same(failing.answer, unknown.answer, 'a fault answers as if all went well');
  t.ok(
    logs.some((line) => line.includes('password reset not queued')),
    'and is logged',
  );
});
