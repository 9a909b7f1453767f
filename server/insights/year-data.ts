import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ALL, buildLattice, cellKey, type Lattice, QUARTERS, subtree } from './lattice.ts';
import { loadInvited, loadYear } from './load.ts';
import { measuresOf } from './measures.ts';
import { type ShownCells, shownCells } from './suppress.ts';
import type { Cell } from './summary.ts';

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
  /** Rows by department, so a cell reads only its subtree's rows. */
  byDepartment: Map<string, { rows: Row[]; invited: Invited }>;
}

function indexByDepartment(rows: Row[], invited: Invited): YearData['byDepartment'] {
  const index: YearData['byDepartment'] = new Map();
  const entry = (id: string) => index.get(id) ?? (index.set(id, { rows: [], invited: [] }), index.get(id)!);
  for (const row of rows) entry(row.department_id).rows.push(row);
  for (const row of invited) entry(row.department_id).invited.push(row);
  return index;
}

/** A year's rollup, its lattice and what suppression shows; the insights plugin memoises it until the data changes. */
export type YearSource = (db: Kysely<Database>, year: number, departments: Array<{ id: string; parent_id: string | null }>, k: number) => Promise<YearData>;

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
  return { year, children: lattice.children, shown: shownCells(lattice, k), countKeys, byDepartment: indexByDepartment(rows, invited), cells: new Map() };
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

function cellValue(data: YearData, key: string, at: { period: string; department: string; exit: string; band: string; regret: string }): Cell {
  if (!data.shown.has(key)) return { suppressed: true };
  const { period, department, exit, band, regret } = at;
  const quarters = new Set(period === 'Y' ? QUARTERS : [period]);
  const matches = (row: { quarter: string; exit_type: string; tenure_band: string; regrettable: string }) =>
    quarters.has(row.quarter) && (exit === ALL || row.exit_type === exit) && (band === ALL || row.tenure_band === band) && (regret === ALL || row.regrettable === regret);
  const sums = new Int32Array(data.countKeys.length);
  let responses = 0;
  let invited = 0;
  for (const id of subtree(data.children, department)) {
    const own = data.byDepartment.get(id);
    if (!own) continue;
    for (const row of own.rows) {
      if (!matches(row)) continue;
      responses += row.responses;
      for (let i = 0; i < sums.length; i++) sums[i]! += row.counts[i]!;
    }
    for (const row of own.invited) if (matches(row)) invited += row.invited;
  }
  const counts: Record<string, number> = {};
  sums.forEach((n, i) => n > 0 && (counts[data.countKeys[i]!] = n));
  return { suppressed: false, ...measuresOf(responses, invited, counts) };
}
