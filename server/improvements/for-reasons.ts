import type { Kysely } from 'kysely';
import type { ActionStatus } from '../db/alumni-schema.ts';
import type { Database, Locale } from '../db/schema.ts';
import { childrenOf, subtree } from '../insights/lattice.ts';
import { inLocale, listActions } from './actions.ts';

export interface ActionNote {
  title: string;
  status: ActionStatus;
  published: boolean;
}

/** Departments whose actions concern `roots`: each root, those below it, and those above it (a division's action covers its sections). */
export function relatedDepartments(departments: Array<{ id: string; parent_id: string | null }>, roots: string[]): string[] {
  const parent = new Map(departments.map((d) => [d.id, d.parent_id]));
  const children = childrenOf(departments);
  const related = new Set<string>();
  for (const root of roots) {
    for (const id of subtree(children, root)) related.add(id);
    for (let up = parent.get(root); up; up = parent.get(up)) related.add(up);
  }
  return [...related];
}

/**
 * The actions addressing each reason code, for the whole company (no `departmentIds`)
 * or for those departments (company-wide actions always count).
 */
export async function actionsByReason(
  db: Kysely<Database>,
  locale: Locale,
  departmentIds?: string[],
): Promise<Record<string, ActionNote[]>> {
  const actions = await listActions(db, departmentIds ? { departmentIds } : {});
  const byReason: Record<string, ActionNote[]> = {};
  for (const action of actions) {
    for (const code of action.reasonCodes) {
      (byReason[code] ??= []).push({ title: inLocale(action, locale).title, status: action.status, published: action.published });
    }
  }
  return byReason;
}
