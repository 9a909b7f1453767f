import { type Kysely, sql } from 'kysely';
import { type PooledAnswers, poolRow } from '../answers/pool.ts';
import { shuffle } from '../crypto/shuffle.ts';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';

export interface Completion {
  invitationId: string;
  pooled: PooledAnswers;
}

/**
 * Completes a batch of links and pools their answers sealed together in one row.
 * A link named twice in the batch is sent once (the first); if any link turns
 * out used, expired or gone, nothing of the batch is written and the links still
 * open are tried again without it, so a pool row never holds the answers of a
 * link that was not completed. Answers, in order, whether each call completed
 * its link.
 */
export async function completeAndPool(db: Kysely<Database>, key: Buffer, completions: Completion[]): Promise<boolean[]> {
  const first = new Map<string, Completion>();
  for (const completion of completions) if (!first.has(completion.invitationId)) first.set(completion.invitationId, completion);
  let candidates = [...first.values()];
  while (candidates.length > 0) {
    const open = await completeAllOrNothing(db, key, candidates);
    if (open.size === candidates.length) break;
    candidates = candidates.filter((completion) => open.has(completion.invitationId));
  }
  const completed = new Set(candidates);
  return completions.map((completion) => completed.has(completion));
}

/**
 * One statement, so atomic without a transaction: locks the links in id order (two
 * batches that share links wait for each other instead of deadlocking), and only if
 * every one is still open marks them used (a day, no time) and wipes their sealed
 * copies, deletes their drafts and any reminder not sent yet, and pools the
 * answers. A concurrent completion of a link in another batch waits for the row
 * lock, then finds it used. Returns the ids that were open when locked. The sealed
 * row goes as base64, not as postgres.js's hex bytea: a padded row is mostly bytes.
 */
async function completeAllOrNothing(db: Kysely<Database>, key: Buffer, batch: Completion[]): Promise<Set<string>> {
  // Shuffled, so that even with SECRET the order inside the row is not the order the requests came in.
  const row = poolRow(key, shuffle(batch.map((completion) => completion.pooled)));
  const { rows } = await sql<{ id: string; open: boolean }>`
    WITH locked AS MATERIALIZED (
      SELECT id, completed_on IS NULL AND expires_on >= current_date AS open FROM invitation
      WHERE id IN (SELECT id::uuid FROM jsonb_array_elements_text(${jsonb(batch.map((completion) => completion.invitationId))}) AS t(id))
      ORDER BY id FOR UPDATE),
    go AS (SELECT count(*) FILTER (WHERE open) = ${batch.length}::int AS all_open FROM locked),
    done AS (
      UPDATE invitation i SET completed_on = current_date, sealed_token = NULL FROM locked, go
      WHERE go.all_open AND i.id = locked.id
      RETURNING i.id),
    dropped AS (DELETE FROM draft WHERE invitation_id IN (SELECT id FROM done)),
    unsent AS (DELETE FROM mail_outbox WHERE kind = 'reminder' AND sent_at IS NULL AND invitation_id IN (SELECT id FROM done)),
    pooled AS (
      INSERT INTO answer_pool (id, sealed, waiting_since, answer_count)
      SELECT ${row.id}::uuid, decode(${row.sealed.toString('base64')}, 'base64'), ${row.waiting_since}::date, ${row.answer_count}::int FROM go WHERE go.all_open)
    SELECT id, open FROM locked`.execute(db);
  return new Set(rows.filter((locked) => locked.open).map((locked) => locked.id));
}
