import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

// IVs are cut from a block of random bytes filled 4 KiB at a time, as Node does for
// randomUUID: one CSPRNG call per 341 seals instead of one per seal (measured: a
// few per cent of a survey completion's CPU under load). Each IV is used once.
const ivBlock = Buffer.alloc(IV_BYTES * 341);
let ivOffset = ivBlock.length;
function nextIv(): Buffer {
  if (ivOffset === ivBlock.length) {
    randomFillSync(ivBlock);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return Buffer.from(ivBlock.subarray(ivOffset - IV_BYTES, ivOffset));
}

/** A 256-bit random token, URL-safe; only its hash is ever stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A 256-bit key for one purpose, derived with HKDF-SHA256 from a secret. */
export function deriveKey(secret: string | Buffer, purpose: string, salt: string | Buffer = 'honne/v1'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, purpose, 32));
}

/**
 * AES-256-GCM. `context` is authenticated but not stored, so a sealed value moved
 * to another row (another context) fails to open.
 */
export function seal(key: Buffer, plaintext: string, context = ''): Buffer {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, context = ''): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
}
