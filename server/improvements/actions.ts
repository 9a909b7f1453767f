import { type Kysely, sql } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { ActionStatus } from '../db/alumni-schema.ts';
import type { Database, Locale } from '../db/schema.ts';
import { refuseUnknownDepartment } from '../departments/tree.ts';
import { refusing } from '../errors/violation.ts';

export const ACTION_STATUSES = ['planned', 'in_progress', 'done'] as const satisfies readonly ActionStatus[];

export interface ActionInput {
  titleJa: string;
  titleEn: string;
  descriptionJa: string;
  descriptionEn: string;
  reasonCodes: string[];
  /** Empty: the whole company. */
  departmentIds: string[];
  status: ActionStatus;
  startedOn: string | null;
  doneOn: string | null;
  published: boolean;
}

export interface Action extends ActionInput {
  id: string;
  publishedOn: string | null;
}

/** The text in the reader's language, else in the other one (an action may be written in one only). */
export function inLocale(action: Pick<Action, 'titleJa' | 'titleEn' | 'descriptionJa' | 'descriptionEn'>, locale: Locale) {
  const [first, second] = locale === 'ja' ? (['Ja', 'En'] as const) : (['En', 'Ja'] as const);
  return {
    title: action[`title${first}`] || action[`title${second}`],
    description: action[`title${first}`] ? action[`description${first}`] : action[`description${second}`],
  };
}

/**
 * Actions, newest first: optionally only published ones, only these ids, or only
 * those for the whole company or for one of `departmentIds`.
 */
export async function listActions(
  db: Kysely<Database>,
  filter: { published?: boolean; ids?: string[]; departmentIds?: string[] } = {},
): Promise<Action[]> {
  if (filter.ids?.length === 0) return [];
  const rows = await db
    .selectFrom('improvement_action as a')
    .selectAll('a')
    .select(
      sql<
        string[]
      >`coalesce((SELECT array_agg(d.department_id::text) FROM improvement_action_department d WHERE d.action_id = a.id), '{}')`.as(
        'department_ids',
      ),
    )
    .$if(filter.published !== undefined, (q) => q.where('a.published', '=', filter.published!))
    .$if(filter.ids !== undefined, (q) => q.where('a.id', 'in', filter.ids!))
    .$if(filter.departmentIds !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb.not(eb.exists(eb.selectFrom('improvement_action_department as d').select('d.action_id').whereRef('d.action_id', '=', 'a.id'))),
          ...(filter.departmentIds!.length > 0
            ? [
                eb.exists(
                  eb
                    .selectFrom('improvement_action_department as d')
                    .select('d.action_id')
                    .whereRef('d.action_id', '=', 'a.id')
                    .where('d.department_id', 'in', filter.departmentIds!),
                ),
              ]
            : []),
        ]),
      ),
    )
    .orderBy('a.created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    titleJa: row.title_ja,
    titleEn: row.title_en,
    descriptionJa: row.description_ja,
    descriptionEn: row.description_en,
    reasonCodes: row.reason_codes,
    departmentIds: row.department_ids,
    status: row.status,
    startedOn: row.started_on,
    doneOn: row.done_on,
    published: row.published,
    publishedOn: row.published_on,
  }));
}

/** Creates or updates an action; the first publication is dated, and unpublishing clears the date. */
export async function saveAction(trx: Kysely<Database>, id: string | undefined, input: ActionInput): Promise<string> {
  const values = {
    title_ja: input.titleJa,
    title_en: input.titleEn,
    description_ja: input.descriptionJa,
    description_en: input.descriptionEn,
    reason_codes: jsonb(input.reasonCodes),
    status: input.status,
    started_on: input.startedOn,
    done_on: input.doneOn,
    published: input.published,
    published_on: input.published ? sql<string>`coalesce(published_on, current_date)` : null,
  };
  let actionId = id;
  if (actionId) {
    const updated = await trx
      .updateTable('improvement_action')
      .set({ ...values, updated_at: sql<Date>`now()` })
      .where('id', '=', actionId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return '';
    await trx.deleteFrom('improvement_action_department').where('action_id', '=', actionId).execute();
  } else {
    const created = await trx
      .insertInto('improvement_action')
      .values({ ...values, published_on: input.published ? sql<string>`current_date` : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    actionId = created.id;
  }
  if (input.departmentIds.length > 0) {
    await refusing(
      trx
        .insertInto('improvement_action_department')
        .values(input.departmentIds.map((department_id) => ({ action_id: actionId!, department_id })))
        .execute(),
      refuseUnknownDepartment,
    );
  }
  return actionId;
}

export async function deleteAction(trx: Kysely<Database>, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('improvement_action').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
