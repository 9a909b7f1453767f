import { type Kysely, sql } from 'kysely';
import { sha256 } from '../crypto/seal.ts';
import type { Database, Locale, StaffRole } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { verifyPassword } from './passwords.ts';
import type { StaffUser } from './users.ts';

/** After this many wrong passwords in a row an account is locked for LOCK_MINUTES. */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** At most this many failed sign-ins from one address in THROTTLE_MINUTES. */
export const MAX_FAILURES_PER_IP = 20;
const THROTTLE_MINUTES = 15;

const failed = () => new AppError({ code: 'sign_in_failed', status: 401, messageKey: 'staff.sign_in.failed' });

interface Claimed {
  /** null: the address has no account (its try was counted all the same). */
  id: string | null;
  email: string | null;
  role: StaffRole | null;
  locale: Locale | null;
  password_hash: string | null;
}

/**
 * Takes one try from the address's allowance before the password is checked, in one
 * statement: the row lock serializes parallel tries, so at most MAX_FAILURES checks
 * run per lock whatever the concurrency (read first and counted after the check,
 * 60 parallel guesses got 49 checks). The try that uses up the allowance locks at
 * once; a right password then lifts the lock. An address without an account gets
 * the same allowance, kept by its hash: the same answers after the same number of
 * tries, so they tell nobody which addresses have accounts. No row: locked.
 */
async function claimTry(db: Kysely<Database>, email: string): Promise<Claimed | undefined> {
  // The same accounting for both tables: the try that fills the allowance locks and starts the count again.
  const failures = (table: string) => sql.ref(`${table}.failed_sign_ins`);
  const full = (table: string) => sql`${failures(table)} + 1 >= ${MAX_FAILURES}`;
  const count = (table: string) => sql`CASE WHEN ${full(table)} THEN 0 ELSE ${failures(table)} + 1 END`;
  const lock = (table: string) => sql`CASE WHEN ${full(table)} THEN now() + make_interval(mins => ${LOCK_MINUTES}) END`;
  const open = (table: string) => sql`${sql.ref(`${table}.locked_until`)} IS NULL OR ${sql.ref(`${table}.locked_until`)} <= now()`;
  const { rows } = await sql<Claimed>`
    WITH account AS (
      UPDATE staff_user SET failed_sign_ins = ${count('staff_user')}, locked_until = ${lock('staff_user')}
      WHERE email = ${email} AND (${open('staff_user')})
      RETURNING id, email, role, locale, password_hash
    ), unknown AS (
      INSERT INTO sign_in_unknown_account (email_hash, failed_sign_ins)
      SELECT ${sha256(email)}, 1 WHERE NOT EXISTS (SELECT FROM staff_user WHERE email = ${email})
      ON CONFLICT (email_hash) DO UPDATE
      SET failed_sign_ins = ${count('sign_in_unknown_account')}, locked_until = ${lock('sign_in_unknown_account')}, last_failed_at = now()
      WHERE ${open('sign_in_unknown_account')}
      RETURNING email_hash
    )
    SELECT id, email, role, locale, password_hash FROM account
    UNION ALL SELECT NULL, NULL, NULL, NULL, NULL FROM unknown`.execute(db);
  return rows[0];
}

/**
 * Checks the password (the caller opens the session). Counts live in PostgreSQL, so the limits
 * hold across every instance. A wrong password, an unknown address and a locked
 * account or address answer the same whoever the address belongs to.
 */
export async function signIn(db: Kysely<Database>, attempt: { email: string; password: string; ip: string }): Promise<StaffUser> {
  const recent = await db
    .selectFrom('sign_in_failure')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', attempt.ip)
    .where('failed_at', '>', sql<Date>`now() - make_interval(mins => ${THROTTLE_MINUTES})`)
    .executeTakeFirstOrThrow();
  if (recent.n >= MAX_FAILURES_PER_IP) {
    throw new AppError({ code: 'too_many_attempts', status: 429, messageKey: 'staff.sign_in.throttled' });
  }

  const claimed = await claimTry(db, attempt.email.trim().toLowerCase());
  if (!claimed) {
    throw new AppError({ code: 'locked', status: 429, messageKey: 'staff.sign_in.locked', params: { minutes: LOCK_MINUTES } });
  }
  const { id, email, role, locale, password_hash } = claimed;
  if (!(await verifyPassword(password_hash, attempt.password)) || id === null || email === null || role === null) {
    await db.insertInto('sign_in_failure').values({ ip: attempt.ip }).execute();
    throw failed();
  }
  await db.updateTable('staff_user').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', id).execute();
  return { id, email, role, locale };
}
