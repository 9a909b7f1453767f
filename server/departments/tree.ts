import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, conflict } from '../errors/app-error.ts';

export interface DepartmentNode {
  id: string;
  name: string;
  parent_id: string | null;
  depth: number;
  leavers: number;
  managers: string[];
}

/** Every department in tree order (本部 > 部 > 課), with its depth, leaver count and assigned managers. */
export async function departmentTree(db: Kysely<Database>): Promise<DepartmentNode[]> {
  const { rows } = await sql<DepartmentNode & { manager_ids: string | null }>`
    WITH RECURSIVE tree AS (
      SELECT id, name, parent_id, 0 AS depth, ARRAY[name] AS path FROM department WHERE parent_id IS NULL
      UNION ALL
      SELECT d.id, d.name, d.parent_id, t.depth + 1, t.path || d.name FROM department d JOIN tree t ON d.parent_id = t.id)
    SELECT t.id, t.name, t.parent_id, t.depth,
      (SELECT count(*)::int FROM leaver l WHERE l.department_id = t.id) AS leavers,
      (SELECT string_agg(sd.user_id::text, ',') FROM staff_department sd WHERE sd.department_id = t.id) AS manager_ids
    FROM tree t ORDER BY t.path`.execute(db);
  return rows.map(({ manager_ids, ...row }) => ({ ...row, managers: manager_ids ? manager_ids.split(',') : [] }));
}

const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });

/** A sibling with the same name is refused (the database's unique key says so too). */
async function assertNameFree(trx: Kysely<Database>, name: string, parentId: string | null, except?: string) {
  const clash = await trx
    .selectFrom('department')
    .select('id')
    .where('name', '=', name)
    .where((eb) => (parentId ? eb('parent_id', '=', parentId) : eb('parent_id', 'is', null)))
    .$if(except !== undefined, (q) => q.where('id', '!=', except!))
    .executeTakeFirst();
  if (clash) throw conflict('departments.error.exists', { name });
}

export async function createDepartment(trx: Kysely<Database>, name: string, parentId: string | null): Promise<string> {
  if (parentId && !(await trx.selectFrom('department').select('id').where('id', '=', parentId).executeTakeFirst())) throw notFound();
  await assertNameFree(trx, name, parentId);
  const { id } = await trx.insertInto('department').values({ name, parent_id: parentId }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Renames or moves a department; moving it under itself or its own sub-department is refused. */
export async function updateDepartment(trx: Kysely<Database>, id: string, name: string, parentId: string | null): Promise<void> {
  if (parentId) {
    const { rows } = await sql<{ id: string }>`
      WITH RECURSIVE below AS (SELECT id FROM department WHERE id = ${id} UNION ALL SELECT d.id FROM department d JOIN below b ON d.parent_id = b.id)
      SELECT id FROM below WHERE id = ${parentId}`.execute(trx);
    if (rows.length > 0) throw new AppError({ code: 'department_cycle', status: 400, messageKey: 'departments.error.cycle' });
  }
  await assertNameFree(trx, name, parentId, id);
  const updated = await trx.updateTable('department').set({ name, parent_id: parentId }).where('id', '=', id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw notFound();
}

/** Only an empty department goes: no sub-departments, leavers or responses refer to it. */
export async function deleteDepartment(trx: Kysely<Database>, id: string): Promise<void> {
  const { rows } = await sql<{ used: boolean }>`
    SELECT EXISTS (SELECT 1 FROM department WHERE parent_id = ${id})
        OR EXISTS (SELECT 1 FROM leaver WHERE department_id = ${id})
        OR EXISTS (SELECT 1 FROM response WHERE department_id = ${id}) AS used`.execute(trx);
  if (rows[0]?.used) throw conflict('departments.error.in_use');
  // Cells of leavers deleted since: nobody left to count.
  await trx.deleteFrom('invited_rollup').where('department_id', '=', id).where('invited', '=', 0).execute();
  const deleted = await trx.deleteFrom('department').where('id', '=', id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) throw notFound();
}

/** The managers who see this department's reports (and its sub-departments'). */
export async function setDepartmentManagers(trx: Kysely<Database>, id: string, userIds: string[]): Promise<void> {
  if (!(await trx.selectFrom('department').select('id').where('id', '=', id).forUpdate().executeTakeFirst())) throw notFound();
  const managers = userIds.length
    ? await trx.selectFrom('staff_user').select('id').where('id', 'in', userIds).where('role', '=', 'manager').execute()
    : [];
  if (managers.length !== new Set(userIds).size) throw new AppError({ code: 'not_manager', status: 400, messageKey: 'departments.error.not_manager' });
  await trx.deleteFrom('staff_department').where('department_id', '=', id).execute();
  if (managers.length) await trx.insertInto('staff_department').values(managers.map((m) => ({ user_id: m.id, department_id: id }))).execute();
}
