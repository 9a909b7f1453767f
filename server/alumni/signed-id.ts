import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedPurpose = 'join' | 'unsubscribe';

const MAC_BYTES = 16;
const mac = (key: Buffer, purpose: SignedPurpose, id: Buffer) =>
  createHmac('sha256', key).update(`${purpose}:`).update(id).digest().subarray(0, MAC_BYTES);

/**
 * A record's id with its HMAC, URL-safe. Join and unsubscribe links are signed rather
 * than stored: every mail about the person can carry the same link, and nothing about
 * who may join or unsubscribe sits in a table.
 */
export function signId(key: Buffer, purpose: SignedPurpose, uuid: string): string {
  const id = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  return Buffer.concat([id, mac(key, purpose, id)]).toString('base64url');
}

/** The id a signed link carries, or undefined when it was not signed by this installation for `purpose`. */
export function verifySignedId(key: Buffer, purpose: SignedPurpose, token: string): string | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + MAC_BYTES) return undefined;
  const id = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), mac(key, purpose, id))) return undefined;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
