import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;

/** argon2id with the library's defaults (OWASP's m=19 MiB, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// The hash of a random string nobody knows: checking against it when the account does
// not exist takes as long as a real check, so timing does not reveal who has an account.
const NOBODY = '$argon2id$v=19$m=19456,t=2,p=1$YWJjZGVmZ2hpamtsbW5vcA$0Xf4m0F0cXlXg3Gx3h8bq2D8C0Qm0m6Gm1wq4J8tL0E';

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? NOBODY, password);
    return ok && passwordHash !== null;
  } catch {
    return false;
  }
}
