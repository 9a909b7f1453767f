import { deriveKey } from './seal.ts';

/** The keys derived from SECRET, one per purpose, so that none can stand in for another. */
export interface Keys {
  /** Seals answers while they wait in the pool. */
  answerPool: Buffer;
  /** Seals queued mails (an invitation mail carries its link). */
  outbox: Buffer;
  /** Salt for the per-link draft keys: a draft needs the link *and* this installation. */
  draftSalt: Buffer;
  /** Seals an uploaded CSV while HR looks at its preview. */
  stagedImport: Buffer;
  /** Binds a form's CSRF field to the browser's CSRF cookie. */
  csrf: Buffer;
  /** Signs alumni join and unsubscribe links (server/alumni/signed-id.ts). */
  alumniLinks: Buffer;
}

export function deriveKeys(secret: string): Keys {
  return {
    answerPool: deriveKey(secret, 'answer-pool'),
    outbox: deriveKey(secret, 'mail-outbox'),
    draftSalt: deriveKey(secret, 'draft-salt'),
    stagedImport: deriveKey(secret, 'staged-import'),
    csrf: deriveKey(secret, 'csrf'),
    alumniLinks: deriveKey(secret, 'alumni-links'),
  };
}

/** A draft's key comes from the survey link's token, which the server never stores. */
export function draftKey(keys: Keys, token: string): Buffer {
  return deriveKey(token, 'draft', keys.draftSalt);
}
