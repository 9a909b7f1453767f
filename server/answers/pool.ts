import { open, seal } from '../crypto/seal.ts';
import { today } from '../shared/dates.ts';
import type { Cohort } from './cohort.ts';

export interface PooledAnswers {
  surveyVersionId: string;
  cohort: Cohort;
  answers: Record<string, unknown>;
}

/**
 * A row for the answer pool: the answers of one completion batch sealed together
 * with a key derived from SECRET (the row id bound in), their count, and only the
 * day. Nothing in it names an invitation, so a database reader learns nothing but
 * that this many people answered that day.
 */
export function poolRow(key: Buffer, batch: PooledAnswers[]) {
  const id = crypto.randomUUID();
  return { id, sealed: seal(key, JSON.stringify(batch), id), waiting_since: today(), answer_count: batch.length };
}

/** The answers a pool row holds. Rows pooled before migration 0011 hold one answer, not a list. */
export function openPoolRow(key: Buffer, row: { id: string; sealed: Buffer }): PooledAnswers[] {
  const held = JSON.parse(open(key, row.sealed, row.id)) as PooledAnswers | PooledAnswers[];
  return Array.isArray(held) ? held : [held];
}
