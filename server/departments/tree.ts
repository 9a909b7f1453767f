import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, conflict, invalid } from '../errors/app-error.ts';
import { FOREIGN_KEY, refusing, UNIQUE, type Violation } from '../errors/violation.ts';

export interface DepartmentNode {
  id: string;
  name: string;
  parent_id: string | null;
  depth: number;
  leavers: number;
  managers: string[];
}

/**
 * Every department in tree order (本部 > 部 > 課), with its depth, leaver count and
 * assigned managers. Departments no top-level one leads to (a cycle, should one
 * exist) follow at the top level, so HR can still see them and move them back.
 */
export async function departmentTree(db: Kysely<Database>): Promise<DepartmentNode[]> {
  const { rows } = await sql<DepartmentNode & { manager_ids: string | null }>`
    WITH RECURSIVE tree AS (
      SELECT id, name, parent_id, 0 AS depth, ARRAY[name] AS path FROM department WHERE parent_id IS NULL
      UNION ALL
      SELECT d.id, d.name, d.parent_id, t.depth + 1, t.path || d.name FROM department d JOIN tree t ON d.parent_id = t.id),
    listed AS (
      SELECT id, name, parent_id, depth, false AS stranded, path FROM tree
      UNION ALL
      SELECT id, name, parent_id, 0, true, ARRAY[name] FROM department WHERE id NOT IN (SELECT id FROM tree))
    SELECT t.id, t.name, t.parent_id, t.depth,
      (SELECT count(*)::int FROM leaver l WHERE l.department_id = t.id) AS leavers,
      (SELECT string_agg(sd.user_id::text, ',') FROM staff_department sd WHERE sd.department_id = t.id) AS manager_ids
    FROM listed t ORDER BY t.stranded, t.path`.execute(db);
  return rows.map(({ manager_ids, ...row }) => ({ ...row, managers: manager_ids ? manager_ids.split(',') : [] }));
}

const notFound = () => new AppError({ code: 'not_found', status: 404, messageKey: 'error.not_found' });
/** A department named in a form (a parent, a manager's, an action's) that is not there (any more). */
export const unknownDepartment = () => new AppError({ code: 'department_unknown', status: 400, messageKey: 'departments.error.unknown' });
const cycle = () => new AppError({ code: 'department_cycle', status: 400, messageKey: 'departments.error.cycle' });

/** Refuses a reference to a department that is gone: the foreign keys to it, by the names PostgreSQL gives them. */
export const refuseUnknownDepartment = (violation: Violation) =>
  violation.code === FOREIGN_KEY && violation.constraint.endsWith('department_id_fkey') ? unknownDepartment() : undefined;

/**
 * Serialises changes to the tree until the transaction ends. Checking for a cycle
 * and then moving is only safe one move at a time: two moves checked side by side
 * (P under Q, Q under P) each see no cycle, and together make one.
 */
async function lockTree(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended('department:tree', 0))`.execute(trx);
}

/** The name as stored: trimmed, and more than spaces (the table's check would refuse it with a 500). */
function nameOf(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid([{ field: 'name', messageKey: 'departments.error.name_blank' }]);
  return trimmed;
}

async function assertExists(trx: Kysely<Database>, id: string, error: () => AppError) {
  if (!(await trx.selectFrom('department').select('id').where('id', '=', id).executeTakeFirst())) throw error();
}

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

/** Leaver registration adds top-level departments without the tree lock: its insert can still win the race for a name. */
const refuseTakenName = (name: string) => (violation: Violation) =>
  violation.code === UNIQUE ? conflict('departments.error.exists', { name }) : undefined;

export async function createDepartment(trx: Kysely<Database>, rawName: string, parentId: string | null): Promise<string> {
  const name = nameOf(rawName);
  await lockTree(trx);
  if (parentId) await assertExists(trx, parentId, unknownDepartment);
  await assertNameFree(trx, name, parentId);
  const { id } = await refusing(
    trx.insertInto('department').values({ name, parent_id: parentId }).returning('id').executeTakeFirstOrThrow(),
    refuseTakenName(name),
  );
  return id;
}

/**
 * Renames or moves a department; moving it under itself or its own sub-department
 * is refused. The walk up from the new parent ends even on a cycle made before
 * moves were serialised (UNION keeps each department once).
 */
export async function updateDepartment(trx: Kysely<Database>, id: string, rawName: string, parentId: string | null): Promise<void> {
  const name = nameOf(rawName);
  await lockTree(trx);
  await assertExists(trx, id, notFound);
  if (parentId) {
    await assertExists(trx, parentId, unknownDepartment);
    const { rows } = await sql<{ id: string }>`
      WITH RECURSIVE above(id) AS (SELECT ${parentId}::uuid UNION SELECT d.parent_id FROM department d JOIN above a ON d.id = a.id WHERE d.parent_id IS NOT NULL)
      SELECT id FROM above WHERE id = ${id}`.execute(trx);
    if (rows.length > 0) throw cycle();
  }
  await assertNameFree(trx, name, parentId, id);
  await refusing(trx.updateTable('department').set({ name, parent_id: parentId }).where('id', '=', id).execute(), refuseTakenName(name));
}

/** Only an empty department goes: no sub-departments, leavers or responses refer to it. */
export async function deleteDepartment(trx: Kysely<Database>, id: string): Promise<void> {
  await lockTree(trx);
  const { rows } = await sql<{ used: boolean }>`
    SELECT EXISTS (SELECT 1 FROM department WHERE parent_id = ${id})
        OR EXISTS (SELECT 1 FROM leaver WHERE department_id = ${id})
        OR EXISTS (SELECT 1 FROM response WHERE department_id = ${id}) AS used`.execute(trx);
  if (rows[0]?.used) throw conflict('departments.error.in_use');
  // Cells of leavers deleted since: nobody left to count.
  await trx.deleteFrom('invited_rollup').where('department_id', '=', id).where('invited', '=', 0).execute();
  // A leaver registered into it meanwhile (without the tree lock) keeps it.
  const deleted = await refusing(trx.deleteFrom('department').where('id', '=', id).executeTakeFirst(), (v) =>
    v.code === FOREIGN_KEY ? conflict('departments.error.in_use') : undefined,
  );
  if (Number(deleted.numDeletedRows) !== 1) throw notFound();
}

/** The managers who see this department's reports (and its sub-departments'). */
export async function setDepartmentManagers(trx: Kysely<Database>, id: string, userIds: string[]): Promise<void> {
  if (!(await trx.selectFrom('department').select('id').where('id', '=', id).forUpdate().executeTakeFirst())) throw notFound();
  const managers = userIds.length
    ? await trx.selectFrom('staff_user').select('id').where('id', 'in', userIds).where('role', '=', 'manager').forKeyShare().execute()
    : [];
  if (managers.length !== new Set(userIds).size)
    throw new AppError({ code: 'not_manager', status: 400, messageKey: 'departments.error.not_manager' });
  await trx.deleteFrom('staff_department').where('department_id', '=', id).execute();
  if (managers.length)
    await trx
      .insertInto('staff_department')
      .values(managers.map((m) => ({ user_id: m.id, department_id: id })))
      .execute();
}
