import { seal } from '../crypto/seal.ts';
import { today } from '../shared/dates.ts';
import type { Cohort } from './cohort.ts';

export interface PooledAnswers {
  surveyVersionId: string;
  cohort: Cohort;
  answers: Record<string, unknown>;
}

/**
 * A row for the answer pool: the answers sealed with a key derived from SECRET
 * (the row id bound in), and only the day. Nothing in it names the invitation,
 * so a database reader learns nothing but that someone answered that day.
 */
export function poolRow(key: Buffer, pooled: PooledAnswers) {
  const id = crypto.randomUUID();
  return { id, sealed: seal(key, JSON.stringify(pooled), id), waiting_since: today() };
}
