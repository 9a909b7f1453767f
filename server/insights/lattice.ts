import { EXIT_TYPES, TENURE_BANDS } from '../answers/cohort.ts';

/*
 * Every number a report can show, for one calendar year, is a cell of this lattice:
 * (period, department subtree, exit type, tenure band), where the period is a
 * quarter or the whole year ('Y'), the department is a node of the tree or the
 * whole organisation ('*'), and exit type and tenure band are a value or all ('*').
 * The lattice's sums (year = its quarters, all = its values, a department = its own
 * people + its sub-departments) are the equations an attacker could subtract with;
 * suppression is decided over all of them at once, so every report, whatever its
 * filters, shows the same cells and hides the same ones.
 */

export const PERIODS = ['Y', 'Q1', 'Q2', 'Q3', 'Q4'] as const;
export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export const ALL = '*';
export const EXITS = [ALL, ...EXIT_TYPES] as const;
export const BANDS = [ALL, ...TENURE_BANDS] as const;

export interface AtomicRow {
  /** 'Q1'…'Q4' of the lattice's year. */
  quarter: string;
  department_id: string;
  tenure_band: string;
  exit_type: string;
}

export interface Lattice {
  /** Responses per cell key. */
  value: Map<string, number>;
  /** Equations: the first key is the total, the rest its parts. Hidden parts (a department's own people) start with "own:". */
  equations: string[][];
  children: Map<string, string[]>;
}

export const cellKey = (period: string, department: string, exit: string, band: string) => `${period}|${department}|${exit}|${band}`;

/** The departments under `id` (itself included); '*' is the whole organisation. */
export function subtree(children: Map<string, string[]>, id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** Each department's sub-departments; the top-level ones sit under ALL, the whole organisation. */
export function childrenOf(departments: Array<{ id: string; parent_id: string | null }>): Map<string, string[]> {
  const children = new Map<string, string[]>([[ALL, []]]);
  for (const d of departments) {
    const parent = d.parent_id ?? ALL;
    children.set(parent, [...(children.get(parent) ?? []), d.id]);
    if (!children.has(d.id)) children.set(d.id, []);
  }
  return children;
}

export function buildLattice(rows: Array<AtomicRow & { responses: number }>, departments: Array<{ id: string; parent_id: string | null }>): Lattice {
  const children = childrenOf(departments);
  const nodes = subtree(children, ALL);
  // A department's own people per (period, exit, band), 'Y' and '*' included: each row adds to 8 cells.
  const own = new Map<string, number>();
  for (const row of rows) {
    for (const p of [row.quarter, 'Y']) {
      for (const e of [row.exit_type, ALL]) {
        for (const b of [row.tenure_band, ALL]) {
          const key = cellKey(p, row.department_id, e, b);
          own.set(key, (own.get(key) ?? 0) + row.responses);
        }
      }
    }
  }
  const value = new Map<string, number>();
  const equations: string[][] = [];
  // Children before parents, so a subtree sum can use its children's sums.
  for (const node of [...nodes].reverse()) {
    const kids = children.get(node) ?? [];
    for (const p of PERIODS) {
      for (const e of EXITS) {
        for (const b of BANDS) {
          const key = cellKey(p, node, e, b);
          const mine = own.get(key) ?? 0;
          value.set(`own:${key}`, mine);
          let sum = mine;
          for (const kid of kids) sum += value.get(cellKey(p, kid, e, b))!;
          value.set(key, sum);
          if (kids.length > 0) equations.push([key, `own:${key}`, ...kids.map((kid) => cellKey(p, kid, e, b))]);
        }
      }
    }
  }
  for (const d of nodes) {
    for (const e of EXITS) for (const b of BANDS) equations.push([cellKey('Y', d, e, b), ...QUARTERS.map((q) => cellKey(q, d, e, b))]);
    for (const p of PERIODS) {
      for (const b of BANDS) equations.push([cellKey(p, d, ALL, b), ...EXIT_TYPES.map((e) => cellKey(p, d, e, b))]);
      for (const e of EXITS) equations.push([cellKey(p, d, e, ALL), ...TENURE_BANDS.map((b) => cellKey(p, d, e, b))]);
    }
  }
  return { value, equations, children };
}
