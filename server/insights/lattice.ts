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

/**
 * Cells are numbered, not named: a year of a 500-department organisation has
 * 180,000 of them, and string keys for each (and for each term of each equation)
 * were most of a report's memory. A cell's id is arithmetic on its coordinates;
 * ids from `cells` on are the departments' own people.
 */
export interface Lattice {
  /** Cells per kind: ids [0, cells) are subtree totals, [cells, 2 × cells) a department's own people (never shown). */
  cells: number;
  /** Responses per cell id. */
  values: Int32Array;
  /** Equations over cell ids: the first is the total, the rest its parts. */
  equations: Int32Array[];
  children: Map<string, string[]>;
  /** A cell's key, `period|department|exit|band` (own people: prefixed `own:`). */
  keyOf(id: number): string;
  idOf(key: string): number | undefined;
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

const indexOf = <T extends string>(list: readonly T[]) => new Map<string, number>(list.map((item, i) => [item, i]));
const PERIOD = indexOf(PERIODS);
const EXIT = indexOf(EXITS);
const BAND = indexOf(BANDS);
// 'Y' and '*' come first in their lists: index 0 is "the whole year", "every exit type", "every band".
const [P, E, B] = [PERIODS.length, EXITS.length, BANDS.length];

export function buildLattice(rows: Array<AtomicRow & { responses: number }>, departments: Array<{ id: string; parent_id: string | null }>): Lattice {
  const children = childrenOf(departments);
  const nodes = subtree(children, ALL);
  const node = indexOf(nodes);
  const cells = nodes.length * P * E * B;
  const at = (n: number, p: number, e: number, b: number) => ((n * P + p) * E + e) * B + b;
  const values = new Int32Array(2 * cells);
  // A department's own people: each row adds to 8 cells (its quarter and the year, its values and '*').
  for (const row of rows) {
    const n = node.get(row.department_id)!;
    for (const p of [PERIOD.get(row.quarter)!, 0]) {
      for (const e of [EXIT.get(row.exit_type)!, 0]) for (const b of [BAND.get(row.tenure_band)!, 0]) values[cells + at(n, p, e, b)]! += row.responses;
    }
  }
  const equations: Int32Array[] = [];
  // Children before parents, so a subtree sum can use its children's sums.
  for (let n = nodes.length - 1; n >= 0; n--) {
    const kids = (children.get(nodes[n]!) ?? []).map((kid) => node.get(kid)!);
    for (let p = 0; p < P; p++) {
      for (let e = 0; e < E; e++) {
        for (let b = 0; b < B; b++) {
          const id = at(n, p, e, b);
          let sum = values[cells + id]!;
          for (const kid of kids) sum += values[at(kid, p, e, b)]!;
          values[id] = sum;
          if (kids.length > 0) equations.push(Int32Array.of(id, cells + id, ...kids.map((kid) => at(kid, p, e, b))));
        }
      }
    }
  }
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_v, i) => from + i);
  for (let n = 0; n < nodes.length; n++) {
    for (let e = 0; e < E; e++) for (let b = 0; b < B; b++) equations.push(Int32Array.of(at(n, 0, e, b), ...range(1, P).map((p) => at(n, p, e, b))));
    for (let p = 0; p < P; p++) {
      for (let b = 0; b < B; b++) equations.push(Int32Array.of(at(n, p, 0, b), ...range(1, E).map((e) => at(n, p, e, b))));
      for (let e = 0; e < E; e++) equations.push(Int32Array.of(at(n, p, e, 0), ...range(1, B).map((b) => at(n, p, e, b))));
    }
  }
  const keyOf = (id: number) => {
    const own = id >= cells;
    let rest = own ? id - cells : id;
    const b = rest % B;
    rest = (rest - b) / B;
    const e = rest % E;
    rest = (rest - e) / E;
    const p = rest % P;
    return `${own ? 'own:' : ''}${cellKey(PERIODS[p]!, nodes[(rest - p) / P]!, EXITS[e]!, BANDS[b]!)}`;
  };
  const idOf = (key: string) => {
    const own = key.startsWith('own:');
    const [p, d, e, b] = (own ? key.slice(4) : key).split('|');
    const ids = [node.get(d!), PERIOD.get(p!), EXIT.get(e!), BAND.get(b!)];
    if (ids.some((i) => i === undefined)) return undefined;
    return (own ? cells : 0) + at(ids[0]!, ids[1]!, ids[2]!, ids[3]!);
  };
  return { cells, values, equations, children, keyOf, idOf };
}
