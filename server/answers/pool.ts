import type { Kysely } from 'kysely';
import { seal } from '../crypto/seal.ts';
import type { Database } from '../db/schema.ts';
import type { Cohort } from './cohort.ts';

export interface PooledAnswers {
  surveyVersionId: string;
  cohort: Cohort;
  answers: Record<string, unknown>;
}

/**
 * Puts completed answers in the pool, sealed with a key derived from SECRET. The row
 * names no invitation and carries only the day: a database reader learns nothing
 * but that someone answered today.
 */
export async function poolAnswers(trx: Kysely<Database>, key: Buffer, pooled: PooledAnswers): Promise<void> {
  const id = crypto.randomUUID();
  await trx
    .insertInto('answer_pool')
    .values({ id, sealed: seal(key, JSON.stringify(pooled), id), waiting_since: new Date().toISOString().slice(0, 10) })
    .execute();
}
