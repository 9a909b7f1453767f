import t from 'tap';
import { sql } from 'kysely';
import * as passwords from '../server/staff/passwords.ts';
import type * as SignIn from '../server/staff/sign-in.ts';
import { joinedMember } from './helpers/alumni.ts';
import { buildTestApp } from './helpers/app.ts';
import { testDatabase } from './helpers/database.ts';
import { postForm, staffUser } from './helpers/staff.ts';

// Races need parallel connections: embedded PGlite runs one statement at a time, so
// these tests only prove something on PostgreSQL (DATABASE_URL), and pass either way.

t.test('sixty parallel wrong passwords on one account: at most five are checked', async (t) => {
  const checks: string[] = [];
  const { signIn } = await t.mockImport<typeof SignIn>('../server/staff/sign-in.ts', {
    '../server/staff/passwords.ts': {
      ...passwords,
      verifyPassword: async (hash: string | null, password: string) => {
        checks.push(password);
        return passwords.verifyPassword(hash, password);
      },
    },
  });
  const { db } = await testDatabase(t);
  const user = await db
    .insertInto('staff_user')
    .values({ email: 'target@example.com', role: 'admin', password_hash: await passwords.hashPassword('correct horse battery') })
    .returning('id')
    .executeTakeFirstOrThrow();

  // From sixty addresses, so that only the account's own limit applies.
  const results = await Promise.allSettled(
    Array.from({ length: 60 }, (_, i) => signIn(db, { email: 'target@example.com', password: `guess ${i} guess`, ip: `198.51.100.${i}` })),
  );
  t.ok(checks.length <= 5, `${checks.length} passwords were checked`);
  const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'signed_in'));
  t.equal(codes.filter((c) => c === 'sign_in_failed').length, checks.length, 'each check answered "wrong"');
  t.equal(codes.filter((c) => c === 'locked').length, 60 - checks.length, 'every other try was refused as locked');
  const row = await db
    .selectFrom('staff_user')
    .select(sql<boolean>`locked_until > now()`.as('locked'))
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  t.ok(row.locked, 'the account is locked');
});

t.test('thirty parallel alumni sign-in requests: at most three links and three mails', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const { email, id } = await joinedMember(app, mail.sent);
  const answers = await Promise.all(Array.from({ length: 30 }, () => postForm(app, '/alumni/sign-in', { email })));
  t.ok(answers.every((a) => a.statusCode === 200));
  const links = await app.db
    .selectFrom('alumni_link')
    .select('token_hash')
    .where('alumni_id', '=', id)
    .where('purpose', '=', 'sign_in')
    .execute();
  t.equal(links.length, 3, 'three open links');
  const mails = await app.db.selectFrom('mail_outbox').select('id').where('kind', '=', 'alumni_sign_in').execute();
  t.equal(mails.length, 3, 'three mails');
});

t.test('thirty parallel password-reset requests: at most three links and three mails', async (t) => {
  const { app } = await buildTestApp(t);
  const user = await staffUser(app, 'hr', 'forgetful@example.com');
  const answers = await Promise.all(Array.from({ length: 30 }, () => postForm(app, '/staff/forgot', { email: 'forgetful@example.com' })));
  t.ok(answers.every((a) => a.statusCode === 200));
  const links = await app.db.selectFrom('one_time_link').select('token_hash').where('user_id', '=', user.id).execute();
  t.equal(links.length, 3, 'three open links');
  const mails = await app.db.selectFrom('mail_outbox').select('id').where('kind', '=', 'password_reset').execute();
  t.equal(mails.length, 3, 'three mails');
});
