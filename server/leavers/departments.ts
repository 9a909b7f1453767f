import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A department given by id or by name. An unknown name becomes a new top-level
 * department (HR arranges the tree later); a name used twice in the tree is ambiguous.
 */
export async function resolveDepartment(db: Kysely<Database>, nameOrId: string): Promise<string> {
  const value = nameOrId.trim();
  if (UUID.test(value)) {
    const byId = await db.selectFrom('department').select('id').where('id', '=', value).executeTakeFirst();
    if (byId) return byId.id;
  }
  const matches = await db.selectFrom('department').select('id').where('name', '=', value).limit(2).execute();
  if (matches.length > 1)
    throw new AppError({
      code: 'department_ambiguous',
      status: 400,
      messageKey: 'error.department_ambiguous',
      params: { department: value },
    });
  if (matches[0]) return matches[0].id;
  const created = await db
    .insertInto('department')
    .values({ name: value, parent_id: null })
    .onConflict((oc) => oc.columns(['parent_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) return created.id;
  // Another transaction created it between our look-up and insert.
  const row = await db
    .selectFrom('department')
    .select('id')
    .where('name', '=', value)
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  return row.id;
}
