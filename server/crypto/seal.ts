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
 * to another row (another context) fails to open. With `padTo`, the plaintext is
 * followed by spaces up to that many bytes (JSON.parse ignores them), so that the
 * sealed length says nothing of the content; a longer plaintext is refused rather
 * than sealed at a length of its own.
 */
export function seal(key: Buffer, plaintext: string, context = '', padTo = 0): Buffer {
  const bytes = padTo > 0 ? Buffer.byteLength(plaintext) : 0;
  if (bytes > padTo) throw new RangeError(`${bytes} bytes do not fit in ${padTo}`);
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const parts = [iv, Buffer.alloc(TAG_BYTES), cipher.update(plaintext, 'utf8')];
  // GCM is a stream cipher: the padding is encrypted on its own, not copied onto the plaintext first.
  if (padTo > bytes) parts.push(cipher.update(Buffer.alloc(padTo - bytes, ' ')));
  parts.push(cipher.final());
  const sealed = Buffer.concat(parts);
  cipher.getAuthTag().copy(sealed, IV_BYTES);
  return sealed;
}

function decipherFor(key: Buffer, sealed: Buffer, context: string) {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return decipher;
}

export function open(key: Buffer, sealed: Buffer, context = ''): string {
  const decipher = decipherFor(key, sealed, context);
  return decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
}

/**
 * Opens a sealed JSON object or array, padded or not. The padding is cut off before
 * it is decoded: a pool row is mostly padding, and decoding and parsing it took
 * five times as long as the answers themselves (200 answers: 2.5 ms, cut: 0.8 ms).
 */
export function openJson(key: Buffer, sealed: Buffer, context = ''): unknown {
  const decipher = decipherFor(key, sealed, context);
  const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  // An object or array ends with its closing bracket; only padding (spaces) follows it.
  const end = Math.max(plain.lastIndexOf(0x7d), plain.lastIndexOf(0x5d)) + 1;
  return JSON.parse(plain.toString('utf8', 0, end));
}
