import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ALL, buildLattice, cellKey, type Lattice, QUARTERS, subtree } from './lattice.ts';
import { loadInvited, loadYear } from './load.ts';
import { type Cell, measuresOf } from './measures.ts';
import { type ShownCells, shownCells } from './suppress.ts';

type Row = Omit<Awaited<ReturnType<typeof loadYear>>[number], 'counts'> & {
  /** The rollup's counts as one number per key of `countKeys`: summing them is a loop over a typed array. */
  counts: Int32Array;
};
type Invited = Awaited<ReturnType<typeof loadInvited>>;

export interface YearData {
  year: number;
  /** The department tree; the lattice's values are needed only to decide `shown`, and are not kept. */
  children: Lattice['children'];
  shown: ShownCells;
  countKeys: string[];
  /** Measures already worked out, by cell key (the data never changes under a YearData). */
  cells: Map<string, Cell>;
  /** leavesOutCoarser's answers, by cell key (the same data never changes under a YearData). */
  leftOut: Map<string, boolean>;
  /** Each department's parent ('*' for the top level). */
  parents: Map<string, string>;
  /** Rows by department, so a cell reads only its subtree's rows. */
  byDepartment: Map<string, { rows: Row[]; invited: Invited }>;
}

function indexByDepartment(rows: Row[], invited: Invited): YearData['byDepartment'] {
  const index: YearData['byDepartment'] = new Map();
  const entry = (id: string) => index.get(id) ?? (index.set(id, { rows: [], invited: [] }), index.get(id)!);
  // Answers known only as the whole organisation sit with it.
  for (const row of rows) entry(row.department_id ?? ALL).rows.push(row);
  for (const row of invited) entry(row.department_id).invited.push(row);
  return index;
}

/** A year's rollup, its lattice and what suppression shows; the insights plugin memoises it until the data changes. */
export type YearSource = (
  db: Kysely<Database>,
  year: number,
  departments: Array<{ id: string; parent_id: string | null }>,
  k: number,
) => Promise<YearData>;

export const loadYearData: YearSource = async (db, year, departments, k) => {
  const [loaded, invited] = await Promise.all([loadYear(db, year), loadInvited(db, year)]);
  const lattice = buildLattice(loaded, departments);
  const countKeys = [...new Set(loaded.flatMap((row) => Object.keys(row.counts)))];
  const position = new Map(countKeys.map((key, i) => [key, i]));
  const rows = loaded.map(({ counts, ...row }) => {
    const packed = new Int32Array(countKeys.length);
    for (const [key, n] of Object.entries(counts)) packed[position.get(key)!] = n;
    return { ...row, counts: packed };
  });
  const parents = new Map([...lattice.children].flatMap(([parent, kids]) => kids.map((kid) => [kid, parent] as const)));
  return {
    year,
    children: lattice.children,
    parents,
    shown: shownCells(lattice, k),
    countKeys,
    byDepartment: indexByDepartment(rows, invited),
    cells: new Map(),
    leftOut: new Map(),
  };
};

const REMEMBERED_CELLS = 5000;

/** A lattice cell's value: suppressed, or its measures from the rollup rows it covers. */
export function cell(data: YearData, period: string, department: string, exit: string, band: string, regret: string): Cell {
  const key = cellKey(period, department, exit, band, regret);
  const known = data.cells.get(key);
  if (known) return known;
  const value = cellValue(data, key, { period, department, exit, band, regret });
  // Bounded: a batch of every department's report asks for tens of thousands of cells, each once.
  if (data.cells.size >= REMEMBERED_CELLS) data.cells.delete(data.cells.keys().next().value!);
  data.cells.set(key, value);
  return value;
}

interface At {
  period: string;
  department: string;
  exit: string;
  band: string;
  regret: string;
}

/** Visits the rollup rows (and invited counts) a cell counts: never one known only at a coarser level. */
function forEachRowIn(data: YearData, at: At, visit: { row?: (row: Row) => void; invited?: (row: Invited[number]) => void }): void {
  const { period, department, exit, band, regret } = at;
  // The whole year includes answers known only by the year ('Y'); a quarter does not.
  const quarters = new Set<string>(period === 'Y' ? [...QUARTERS, 'Y'] : [period]);
  const matches = (row: { quarter: string; exit_type: string | null; tenure_band: string | null; regrettable: string | null }) =>
    quarters.has(row.quarter) &&
    (exit === ALL || row.exit_type === exit) &&
    (band === ALL || row.tenure_band === band) &&
    (regret === ALL || row.regrettable === regret);
  for (const id of subtree(data.children, department)) {
    const own = data.byDepartment.get(id);
    if (!own) continue;
    if (visit.row) for (const row of own.rows) if (matches(row)) visit.row(row);
    if (visit.invited) for (const row of own.invited) if (matches(row)) visit.invited(row);
  }
}

/**
 * Whether answers that may belong to this cell are known only at a coarser level
 * (a year without its quarter, a division without its department, any tenure…):
 * they count in the totals they fit, not here, and the report says so.
 */
export function leavesOutCoarser(data: YearData, at: At): boolean {
  const key = cellKey(at.period, at.department, at.exit, at.band, at.regret);
  const known = data.leftOut.get(key);
  if (known !== undefined) return known;
  const value = anyCoarser(data, at);
  if (data.leftOut.size >= REMEMBERED_CELLS) data.leftOut.delete(data.leftOut.keys().next().value!);
  data.leftOut.set(key, value);
  return value;
}

function anyCoarser(data: YearData, at: At): boolean {
  const { period, department, exit, band, regret } = at;
  const above: string[] = [];
  for (let up = data.parents.get(department); up !== undefined; up = data.parents.get(up)) above.push(up);
  const fits = (asked: string, value: string | null) => asked === ALL || value === asked || value === null;
  const coarse = (asked: string, value: string | null) => asked !== ALL && value === null;
  const test = (rows: Row[], isAbove: boolean) =>
    rows.some(
      (row) =>
        (period === 'Y' || row.quarter === period || row.quarter === 'Y') &&
        fits(exit, row.exit_type) &&
        fits(band, row.tenure_band) &&
        fits(regret, row.regrettable) &&
        (isAbove ||
          (period !== 'Y' && row.quarter === 'Y') ||
          coarse(exit, row.exit_type) ||
          coarse(band, row.tenure_band) ||
          coarse(regret, row.regrettable)),
    );
  if (above.some((id) => test(data.byDepartment.get(id)?.rows ?? [], true))) return true;
  // Within the cell's own departments only a coarse quarter or value can leave an answer out.
  if (period === 'Y' && exit === ALL && band === ALL && regret === ALL) return false;
  return subtree(data.children, department).some((id) => test(data.byDepartment.get(id)?.rows ?? [], false));
}

/**
 * Whether comments of a shown cell may be filtered by main reason. The texts of
 * two filtered views can be intersected and subtracted as sets, so every stored
 * class in the cell must split by main reason (and "none given") into parts of 0
 * or at least k: then any combination of views is a union of such parts.
 */
export function reasonsSeparable(data: YearData, at: At, k: number): boolean {
  const primary = data.countKeys.map((key, i) => (key.startsWith('primary:') ? i : -1)).filter((i) => i >= 0);
  let separable = true;
  forEachRowIn(data, at, {
    row: (row) => {
      let named = 0;
      for (const i of primary) {
        const n = row.counts[i]!;
        named += n;
        if (n > 0 && n < k) separable = false;
      }
      const none = row.responses - named;
      if (none > 0 && none < k) separable = false;
    },
  });
  return separable;
}

function cellValue(data: YearData, key: string, at: At): Cell {
  if (!data.shown.has(key)) return { suppressed: true };
  const sums = new Int32Array(data.countKeys.length);
  let responses = 0;
  let invited = 0;
  forEachRowIn(data, at, {
    row: (row) => {
      responses += row.responses;
      for (let i = 0; i < sums.length; i++) sums[i]! += row.counts[i]!;
    },
    invited: (row) => (invited += row.invited),
  });
  const counts: Record<string, number> = {};
  sums.forEach((n, i) => n > 0 && (counts[data.countKeys[i]!] = n));
  return { suppressed: false, ...measuresOf(responses, invited, counts) };
}
