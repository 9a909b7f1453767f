import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { verifyPassword } from './passwords.ts';
import { findStaffByEmail, type StaffUser } from './users.ts';

/** After this many wrong passwords in a row an account is locked for LOCK_MINUTES. */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** At most this many failed sign-ins from one address in THROTTLE_MINUTES. */
export const MAX_FAILURES_PER_IP = 20;
const THROTTLE_MINUTES = 15;

const failed = () => new AppError({ code: 'sign_in_failed', status: 401, messageKey: 'staff.sign_in.failed' });

/**
 * Checks the password (the caller opens the session). Counts live in PostgreSQL, so the limits
 * hold across every instance. A wrong password and an unknown address get the same
 * answer in the same time.
 */
export async function signIn(
  db: Kysely<Database>,
  attempt: { email: string; password: string; ip: string },
): Promise<StaffUser> {
  const recent = await db
    .selectFrom('sign_in_failure')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', attempt.ip)
    .where('failed_at', '>', sql<Date>`now() - make_interval(mins => ${THROTTLE_MINUTES})`)
    .executeTakeFirstOrThrow();
  if (recent.n >= MAX_FAILURES_PER_IP) {
    throw new AppError({ code: 'too_many_attempts', status: 429, messageKey: 'staff.sign_in.throttled' });
  }

  const user = await findStaffByEmail(db, attempt.email);
  if (user?.locked_until && user.locked_until > new Date()) {
    throw new AppError({ code: 'locked', status: 429, messageKey: 'staff.sign_in.locked', params: { minutes: LOCK_MINUTES } });
  }
  if (!(await verifyPassword(user?.password_hash ?? null, attempt.password))) {
    await db.insertInto('sign_in_failure').values({ ip: attempt.ip }).execute();
    if (user) {
      await db
        .updateTable('staff_user')
        .set((eb) => ({
          failed_sign_ins: sql<number>`CASE WHEN ${eb.ref('failed_sign_ins')} + 1 >= ${MAX_FAILURES} THEN 0 ELSE ${eb.ref('failed_sign_ins')} + 1 END`,
          locked_until: sql<Date | null>`CASE WHEN ${eb.ref('failed_sign_ins')} + 1 >= ${MAX_FAILURES} THEN now() + make_interval(mins => ${LOCK_MINUTES}) ELSE locked_until END`,
        }))
        .where('id', '=', user.id)
        .execute();
    }
    throw failed();
  }
  await db.updateTable('staff_user').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', user!.id).execute();
  return { id: user!.id, email: user!.email, role: user!.role, locale: user!.locale };
}
