import t from 'tap';
import { EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from '../server/answers/cohort.ts';
import {
  ALL,
  type AtomicRow,
  BANDS,
  buildLattice,
  EXITS,
  inLattice,
  PERIODS,
  QUARTERS,
  REGRETS,
  subtree,
} from '../server/insights/lattice.ts';
import { shownCells } from '../server/insights/suppress.ts';

/** A small organisation: 本部A > (部A1, 部A2 > 課A2a), 本部B, 本部C > 部C1 (C itself has nobody of its own). */
const DEPARTMENTS = [
  { id: 'A', parent_id: null },
  { id: 'A1', parent_id: 'A' },
  { id: 'A2', parent_id: 'A' },
  { id: 'A2a', parent_id: 'A2' },
  { id: 'B', parent_id: null },
  { id: 'C', parent_id: null },
  { id: 'C1', parent_id: 'C' },
];
const WITHOUT_OWN_PEOPLE = new Set(['C']);

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Sparse counts, mostly small: the hard case for suppression. */
function organisation(seed: number): Array<AtomicRow & { responses: number }> {
  const next = random(seed);
  const rows: Array<AtomicRow & { responses: number }> = [];
  for (const quarter of QUARTERS) {
    for (const { id } of DEPARTMENTS.filter((d) => !WITHOUT_OWN_PEOPLE.has(d.id))) {
      for (const exit of EXIT_TYPES) {
        for (const band of TENURE_BANDS) {
          for (const regrettable of REGRETTABLE) {
            const r = next();
            const n = r < 0.88 ? 0 : r < 0.96 ? 1 + Math.floor(next() * 3) : 2 + Math.floor(next() * 8);
            if (n > 0) rows.push({ quarter, department_id: id, exit_type: exit, tenure_band: band, regrettable, responses: n });
          }
        }
      }
    }
  }
  return rows;
}

const P = 2147483647n;
const mod = (a: bigint) => ((a % P) + P) % P;
function inverse(a: bigint): bigint {
  let [r0, r1, s0, s1] = [P, mod(a), 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** Row-reduces published rows; `inSpan(v)` says whether v is a combination of them (what an attacker can compute). */
function rowSpace(rows: number[][], width: number) {
  const basis: Array<{ pivot: number; row: bigint[] }> = [];
  const reduce = (input: number[] | bigint[]) => {
    const v = input.map((x) => mod(BigInt(x)));
    for (const { pivot, row } of basis) {
      if (v[pivot] === 0n) continue;
      const f = v[pivot]!;
      for (let j = 0; j < width; j++) if (row[j] !== 0n) v[j] = mod(v[j]! - f * row[j]!);
    }
    return v;
  };
  for (const r of rows) {
    const v = reduce(r);
    const pivot = v.findIndex((x) => x !== 0n);
    if (pivot < 0) continue;
    const inv = inverse(v[pivot]!);
    const row = v.map((x) => mod(x * inv));
    for (const b of basis) {
      if (b.row[pivot] === 0n) continue;
      const f = b.row[pivot]!;
      for (let j = 0; j < width; j++) b.row[j] = mod(b.row[j]! - f * row[j]!);
    }
    basis.push({ pivot, row });
  }
  return { inSpan: (v: number[]) => reduce(v).every((x) => x === 0n) };
}

for (const seed of Array.from({ length: 20 }, (_v, i) => i + 1)) {
  for (const k of [3, 5]) {
    t.test(`an attacker with every shown number cannot recover a group of 1…k-1 (seed ${seed}, k ${k})`, async (t) => {
      const rows = organisation(seed);
      const lattice = buildLattice(rows, DEPARTMENTS);
      const shown = shownCells(lattice, k);
      // Atoms: (quarter, department's own people, exit, band, regrettable).
      const atoms = QUARTERS.flatMap((q) =>
        DEPARTMENTS.flatMap((d) =>
          EXIT_TYPES.flatMap((e) => TENURE_BANDS.flatMap((b) => REGRETTABLE.map((r) => `${q}|${d.id}|${e}|${b}|${r}`))),
        ),
      );
      const index = new Map(atoms.map((a, i) => [a, i]));
      const counts = new Array<number>(atoms.length).fill(0);
      for (const row of rows)
        counts[index.get(`${row.quarter}|${row.department_id}|${row.exit_type}|${row.tenure_band}|${row.regrettable}`)!]! += row.responses;
      const vectorOf = (period: string, department: string, exit: string, band: string, regret: string, ownOnly = false) => {
        const v = new Array<number>(atoms.length).fill(0);
        for (const q of period === 'Y' ? QUARTERS : [period]) {
          for (const d of ownOnly ? [department] : subtree(lattice.children, department).filter((id) => id !== ALL)) {
            for (const e of exit === ALL ? EXIT_TYPES : [exit]) {
              for (const b of band === ALL ? TENURE_BANDS : [band])
                for (const r of regret === ALL ? REGRETTABLE : [regret]) v[index.get(`${q}|${d}|${e}|${b}|${r}`)!] = 1;
            }
          }
        }
        return v;
      };
      const published = shown.keys().map((key) => vectorOf(...(key.split('|') as [string, string, string, string, string])));
      const attacker = rowSpace(published, atoms.length);

      // Every group, including band × regrettable ones the lattice never shows: none may be computable.
      let sensitive = 0;
      let crossed = 0;
      const leaks: string[] = [];
      for (const p of PERIODS) {
        for (const d of [ALL, ...DEPARTMENTS.map((x) => x.id)]) {
          for (const e of EXITS) {
            for (const b of BANDS) {
              for (const r of REGRETS) {
                for (const ownOnly of d === ALL ? [false] : [false, true]) {
                  const v = vectorOf(p, d, e, b, r, ownOnly);
                  const n = v.reduce((sum, x, i) => sum + x * counts[i]!, 0);
                  if (n === 0 || n >= k) continue;
                  sensitive++;
                  if (!inLattice(b, r)) crossed++;
                  if (attacker.inSpan(v)) leaks.push(`${ownOnly ? 'own ' : ''}${p}|${d}|${e}|${b}|${r} = ${n}`);
                }
              }
            }
          }
        }
      }
      t.ok(crossed > 10, `${crossed} of them by band and regrettable together`);
      t.ok(sensitive > 10, `${sensitive} groups of 1…${k - 1} people to protect`);
      t.ok(published.length > 20, `${published.length} cells still shown`);
      t.same(leaks, [], 'none of them can be computed from what is shown');
      for (const key of shown.keys()) t.ok(lattice.values[lattice.idOf(key)!]! >= k, `shown cells have at least k (${key})`) || t.bailout();
    });
  }
}
