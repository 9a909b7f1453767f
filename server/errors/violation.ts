import type { AppError } from './app-error.ts';

/** SQLSTATEs of the integrity constraints the schema declares. */
export const FOREIGN_KEY = '23503';
export const UNIQUE = '23505';
export const CHECK = '23514';

export interface Violation {
  code: typeof FOREIGN_KEY | typeof UNIQUE | typeof CHECK;
  constraint: string;
}

/**
 * The constraint a PostgreSQL error says was violated, whichever the driver:
 * postgres.js names it `constraint_name`, PGlite `constraint`.
 */
export function violationOf(error: unknown): Violation | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, constraint_name } = error as Record<string, unknown>;
  const name = typeof constraint === 'string' ? constraint : constraint_name;
  if ((code === FOREIGN_KEY || code === UNIQUE || code === CHECK) && typeof name === 'string') return { code, constraint: name };
  return undefined;
}

/**
 * Awaits `work`; a violation that `refuse` recognizes is thrown as its AppError
 * instead (a 4xx the user can act on), anything else as it came. Thrown inside a
 * transaction, either way nothing of it is written.
 */
export async function refusing<T>(work: PromiseLike<T>, refuse: (violation: Violation) => AppError | undefined): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const violation = violationOf(error);
    throw (violation && refuse(violation)) ?? error;
  }
}
