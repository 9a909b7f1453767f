import { openJson, seal } from '../crypto/seal.ts';
import { today } from '../shared/dates.ts';
import type { Cohort } from './cohort.ts';

export interface PooledAnswers {
  surveyVersionId: string;
  cohort: Cohort;
  answers: Record<string, unknown>;
}

/**
 * Bytes of plaintext each answer takes in a pool row, whatever it says. A pool row
 * shares its xmin with the invitations it completes, so a length of its own would
 * tie it to the released answers of the same length. The worst case of the shipped
 * exit interview is 4,947 bytes (every question answered, free text at the 400
 * character limit in 3-byte UTF-8, every box ticked, the longest cohort values);
 * test/sizes.test.ts derives it from the definition and checks that it fits. Every
 * byte here is written, pooled and read back for every answer, so the slot keeps
 * only a little room; answers of a survey that need more are refused (fitsSlot).
 */
export const ANSWER_SLOT = 5120;

/** Whether one completion's answers fit their slot (their JSON, a separator and the list's bracket). */
export function fitsSlot(pooled: PooledAnswers): boolean {
  return Buffer.byteLength(JSON.stringify(pooled)) + 2 <= ANSWER_SLOT;
}

/**
 * A row for the answer pool: the answers of one completion batch sealed together
 * with a key derived from SECRET (the row id bound in), padded to ANSWER_SLOT bytes
 * per answer, their count, and only the day. Nothing in it names an invitation, and
 * its length follows the count alone, so a database reader learns nothing but that
 * this many people answered that day. Completions are refused unless they fit
 * (fitsSlot); only answers pooled before the limits, sealed again by a release,
 * can need more, and take whole extra slots rather than stop the release.
 */
export function poolRow(key: Buffer, batch: PooledAnswers[]) {
  const id = crypto.randomUUID();
  const plaintext = JSON.stringify(batch);
  const slots = Math.max(batch.length, Math.ceil(Buffer.byteLength(plaintext) / ANSWER_SLOT));
  return { id, sealed: seal(key, plaintext, id, slots * ANSWER_SLOT), waiting_since: today(), answer_count: batch.length };
}

/** The answers a pool row holds. Rows pooled before migration 0011 hold one answer, not a list; older rows are not padded. */
export function openPoolRow(key: Buffer, row: { id: string; sealed: Buffer }): PooledAnswers[] {
  const held = openJson(key, row.sealed, row.id) as PooledAnswers | PooledAnswers[];
  return Array.isArray(held) ? held : [held];
}
