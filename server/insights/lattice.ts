import { EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from '../answers/cohort.ts';

/*
 * Every number a report can show, for one calendar year, is a cell of this lattice:
 * (period, department subtree, exit type, tenure band, regrettable), where the
 * period is a quarter or the whole year ('Y'), the department is a node of the tree
 * or the whole organisation ('*'), and the others are a value or all ('*').
 * Tenure band and regrettable are never shown crossed (one of them is always '*'):
 * each crossing splits every group further, into groups too small to show. The
 * crossed cells are still counted, because suppression must protect them too.
 */

export const PERIODS = ['Y', 'Q1', 'Q2', 'Q3', 'Q4'] as const;
export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export const ALL = '*';
export const EXITS = [ALL, ...EXIT_TYPES] as const;
export const BANDS = [ALL, ...TENURE_BANDS] as const;
export const REGRETS = [ALL, ...REGRETTABLE] as const;

/**
 * Responses of one cohort. Released answers may be generalized (db/schema.ts): a
 * row known only at a coarser level counts towards the cells it fits and never
 * towards a finer one, so 'Y', a NULL and a department's own id each add only to
 * the whole-year, all-values and that department's own cells.
 */
export interface AtomicRow {
  /** 'Q1'…'Q4' of the lattice's year, or 'Y' when known only by the year. */
  quarter: string;
  /** NULL: known only as the whole organisation. */
  department_id: string | null;
  tenure_band: string | null;
  exit_type: string | null;
  regrettable: string | null;
}

/** Whether a report may show this band and regrettable value together (they are not crossed). */
export const inLattice = (band: string, regret: string) => band === ALL || regret === ALL;

/** Sizes of the dimensions after the department; each has '*' (or 'Y') at index 0. */
export const DIMENSIONS = [PERIODS.length, EXITS.length, BANDS.length, REGRETS.length] as const;
const [P, E, B, R] = DIMENSIONS;

/**
 * Cells are numbered, not named: a year of a 500-department organisation has
 * hundreds of thousands of them. A cell's id is arithmetic on its coordinates;
 * ids from `cells` on are the departments' own people (never shown).
 */
export interface Lattice {
  /** The department tree's nodes, the whole organisation ('*') first and every parent before its children. */
  nodes: string[];
  /** Each node's parent index (-1 for the whole organisation). */
  parents: Int32Array;
  children: Map<string, string[]>;
  /** Cells per kind: ids [0, cells) are subtree totals, [cells, 2 × cells) a department's own people. */
  cells: number;
  /** Responses per cell id. */
  values: Int32Array;
  at(node: number, period: number, exit: number, band: number, regret: number): number;
  /** The coordinates of a cell id: [own, node, period, exit, band, regret]. */
  coordinates(id: number): [boolean, number, number, number, number, number];
  /** A cell's key, `period|department|exit|band|regrettable` (own people: prefixed `own:`). */
  keyOf(id: number): string;
  idOf(key: string): number | undefined;
}

export const cellKey = (period: string, department: string, exit: string, band: string, regret: string) =>
  `${period}|${department}|${exit}|${band}|${regret}`;

/** The departments under `id` (itself included); '*' is the whole organisation. Each once, even in a cycle. */
export function subtree(children: Map<string, string[]>, id: string): string[] {
  const seen = new Set([id]);
  for (const at of seen) for (const kid of children.get(at) ?? []) seen.add(kid);
  return [...seen];
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
const [PERIOD, EXIT, BAND, REGRET] = [indexOf(PERIODS), indexOf(EXITS), indexOf(BANDS), indexOf(REGRETS)];

export function buildLattice(
  rows: Array<AtomicRow & { responses: number }>,
  departments: Array<{ id: string; parent_id: string | null }>,
): Lattice {
  const children = childrenOf(departments);
  const nodes = subtree(children, ALL);
  const node = indexOf(nodes);
  const parents = new Int32Array(nodes.length).fill(-1);
  for (const [parent, kids] of children) for (const kid of kids) parents[node.get(kid)!] = node.get(parent)!;
  const cells = nodes.length * P * E * B * R;
  const at = (n: number, p: number, e: number, b: number, r: number) => (((n * P + p) * E + e) * B + b) * R + r;
  const values = new Int32Array(2 * cells);
  // A department's own people: each row adds to up to 16 cells (its value and '*' in each of the four
  // dimensions); a coarse value adds to '*' alone.
  const upTo = (index: Map<string, number>, value: string | null) => (value === null || !index.get(value) ? [0] : [index.get(value)!, 0]);
  for (const row of rows) {
    const n = node.get(row.department_id ?? ALL)!;
    for (const p of upTo(PERIOD, row.quarter)) {
      for (const e of upTo(EXIT, row.exit_type)) {
        for (const b of upTo(BAND, row.tenure_band))
          for (const r of upTo(REGRET, row.regrettable)) values[cells + at(n, p, e, b, r)]! += row.responses;
      }
    }
  }
  // Children after parents in `nodes`: summing from the end adds each subtree into its parent once.
  const block = P * E * B * R;
  for (let n = nodes.length - 1; n >= 0; n--) {
    for (let i = 0; i < block; i++) values[n * block + i]! += values[cells + n * block + i]!;
    if (parents[n]! >= 0) for (let i = 0; i < block; i++) values[parents[n]! * block + i]! += values[n * block + i]!;
  }
  const coordinates = (id: number): [boolean, number, number, number, number, number] => {
    const own = id >= cells;
    let rest = own ? id - cells : id;
    const r = rest % R;
    rest = (rest - r) / R;
    const b = rest % B;
    rest = (rest - b) / B;
    const e = rest % E;
    rest = (rest - e) / E;
    const p = rest % P;
    return [own, (rest - p) / P, p, e, b, r];
  };
  const keyOf = (id: number) => {
    const [own, n, p, e, b, r] = coordinates(id);
    return `${own ? 'own:' : ''}${cellKey(PERIODS[p]!, nodes[n]!, EXITS[e]!, BANDS[b]!, REGRETS[r]!)}`;
  };
  const idOf = (key: string) => {
    const own = key.startsWith('own:');
    const [p, d, e, b, r] = (own ? key.slice(4) : key).split('|');
    const ids = [node.get(d!), PERIOD.get(p!), EXIT.get(e!), BAND.get(b!), REGRET.get(r!)];
    if (ids.some((i) => i === undefined)) return undefined;
    return (own ? cells : 0) + at(ids[0]!, ids[1]!, ids[2]!, ids[3]!, ids[4]!);
  };
  return { nodes, parents, children, cells, values, at, coordinates, keyOf, idOf };
}
