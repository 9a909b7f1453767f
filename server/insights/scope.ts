import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { StaffUser } from '../staff/users.ts';
import { childrenOf, subtree } from './lattice.ts';

/** Whose report it is: HR and admins see everything, a manager their departments' subtrees. */
export type Scope = { all: true } | { all: false; departmentIds: string[] };

/** HR and admins see the whole organisation; a manager the departments assigned to them (and below). */
export async function scopeOf(db: Kysely<Database>, staff: StaffUser): Promise<Scope> {
  if (staff.role !== 'manager') return { all: true };
  const rows = await db.selectFrom('staff_department').select('department_id').where('user_id', '=', staff.id).execute();
  return { all: false, departmentIds: rows.map((row) => row.department_id) };
}

/** The departments a scope may see: all of them, or a manager's and those below. */
export function departmentsInScope<T extends { id: string; parent_id: string | null }>(departments: T[], scope: Scope): T[] {
  if (scope.all) return departments;
  const children = childrenOf(departments);
  const allowed = new Set(scope.departmentIds.flatMap((root) => subtree(children, root)));
  return departments.filter((d) => allowed.has(d.id));
}

/** The years that have released responses, newest first. */
export async function yearsWithData(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('response_rollup').select('quarter').distinct().execute();
  return [...new Set(rows.map((row) => Number(row.quarter.slice(0, 4))))].sort((a, b) => b - a);
}
