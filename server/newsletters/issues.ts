import type { Kysely } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';

/** What HR writes for an issue, both languages; the actions and the period of top reasons it quotes. */
export interface IssueInput {
  subjectJa: string;
  subjectEn: string;
  bodyJa: string;
  bodyEn: string;
  actionIds: string[];
  reasonsPeriod: string | null;
}

const columns = (input: IssueInput) => ({
  subject_ja: input.subjectJa.trim(),
  subject_en: input.subjectEn.trim(),
  body_ja: input.bodyJa,
  body_en: input.bodyEn,
  action_ids: jsonb([...new Set(input.actionIds)]),
  reasons_period: input.reasonsPeriod,
});

export const findIssue = (db: Kysely<Database>, id: string) =>
  db.selectFrom('newsletter').selectAll().where('id', '=', id).executeTakeFirst();

export const listIssues = (db: Kysely<Database>) =>
  db
    .selectFrom('newsletter')
    .select(['id', 'subject_ja', 'subject_en', 'created_at', 'sent_at', 'recipients'])
    .orderBy('created_at', 'desc')
    .execute();

export async function createIssue(db: Kysely<Database>, input: IssueInput, createdBy: string): Promise<string> {
  const { id } = await db
    .insertInto('newsletter')
    .values({ ...columns(input), created_by: createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Saves an issue not sent yet; false once it has gone out (a sent issue is never changed). */
export async function updateIssue(db: Kysely<Database>, id: string, input: IssueInput): Promise<boolean> {
  const updated = await db
    .updateTable('newsletter')
    .set({ ...columns(input), updated_at: new Date() })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
