import { DIMENSIONS, type Lattice } from './lattice.ts';

/*
 * Which lattice cells may be shown. Primary: a cell with fewer than k responses is
 * hidden. Complementary: no group of 1…k-1 people (a cell, a department's own
 * people, or a band × regrettable group, which is never shown) may be computable
 * from the shown cells by any adding and subtracting, however many equations an
 * attacker combines.
 *
 * The proof is a perturbation: a change to the per-person counts that moves the
 * group's number and leaves every shown cell as it was. Then the shown numbers fit
 * two different values of the group, and no arithmetic on them can tell which.
 * Perturbations are products: in each dimension, +1 on one value and -1 on
 * another (a pair), or +1 on one value alone. A cell moves only when every
 * dimension moves it, so the cells that move are the product of a few
 * coordinates per dimension, and all of them must be hidden. For each small group
 * the cheapest such product is chosen, and the shown cells in it are hidden.
 * Hiding more never breaks an earlier proof, so one pass protects them all.
 * A department without people of its own is known to have none: it never varies.
 */

/** The cells a report may show, as one byte per cell rather than a key per cell (a year can have hundreds of thousands). */
export interface ShownCells {
  has(key: string): boolean;
  keys(): string[];
}

export function shownCells(lattice: Lattice, k: number): ShownCells {
  const { values, cells, nodes, parents, at } = lattice;
  const [, , B, R] = DIMENSIONS;
  const shown = new Uint8Array(cells);
  for (let id = 0; id < cells; id++) {
    const r = id % R;
    const b = ((id - r) / R) % B;
    shown[id] = (b === 0 || r === 0) && values[id]! >= k ? 1 : 0;
  }
  const kids = nodes.map(() => [] as number[]);
  parents.forEach((parent, n) => parent >= 0 && kids[parent]!.push(n));
  const varies = Uint8Array.from(nodes, (_id, n) => (n > 0 && values[cells + at(n, 0, 0, 0, 0)]! > 0 ? 1 : 0));
  const paths = nodes.map((_id, n) => {
    const path = [n];
    while (parents[path[path.length - 1]!]! >= 0) path.push(parents[path[path.length - 1]!]!);
    return path;
  });
  const tree = { kids, varies, paths, parents };
  // Options depend only on the department (and own or not) and on the coordinate: worked out once each.
  const remembered = new Map<number, number[][]>();
  const departmentOptionsOf = (n: number, own: boolean) => {
    const key = own ? -1 - n : n;
    return remembered.get(key) ?? (remembered.set(key, departmentOptions(tree, n, own)), remembered.get(key)!);
  };
  const flat = DIMENSIONS.map((size) => Array.from({ length: size }, (_v, c) => flatOptions(c, size)));

  for (let id = 0; id < 2 * cells; id++) {
    const value = values[id]!;
    if (value === 0 || value >= k) continue;
    const [own, n, p, e, b, r] = lattice.coordinates(id);
    // A department without sub-departments: its own people are its subtree cell.
    if (own && kids[n]!.length === 0) continue;
    const options = [departmentOptionsOf(n, own), flat[0]![p]!, flat[1]![e]!, flat[2]![b]!, flat[3]![r]!];
    // Cannot happen (someone in the group varies); if it did, failing beats showing a group unprotected.
    if (options.some((list) => list.length === 0)) throw new Error(`no perturbation protects ${lattice.keyOf(id)}`);
    const moved = cheapestPerturbation(options, (picked, limit) => {
      let sum = 0;
      forEachCell(picked, (cell) => {
        if (shown[cell]) sum += values[cell]!;
        return sum < limit;
      });
      return sum;
    });
    forEachCell(moved, (cell) => ((shown[cell] = 0), true));
  }
  const { idOf, keyOf } = lattice;
  return {
    has: (key) => {
      const id = idOf(key);
      return id !== undefined && id < cells && shown[id] === 1;
    },
    keys: () =>
      Array.from(shown.keys())
        .filter((id) => shown[id] === 1)
        .map(keyOf),
  };
}

/** In a dimension with '*' at 0: a value is paired with each other value or with '*' (alone); '*' needs a value alone. */
function flatOptions(c: number, size: number): number[][] {
  const values = Array.from({ length: size - 1 }, (_v, i) => i + 1);
  return c > 0 ? [...values.filter((v) => v !== c).map((v) => [c, v]), [c, 0]] : values.map((v) => [0, v]);
}

const CANDIDATES = 6;

/**
 * The department subtrees that move: for a varied department x alone, x and every
 * department above it; for x against y, those that hold exactly one of the two.
 * x lies in the group (the subtree, or the own people, of n); y outside it.
 */
function departmentOptions(
  tree: { kids: number[][]; varies: Uint8Array; paths: number[][]; parents: Int32Array },
  n: number,
  own: boolean,
): number[][] {
  const { kids, varies, paths, parents } = tree;
  const firstVarying = (from: number, skip = -1) => {
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      if (queue[i] !== skip && varies[queue[i]!]) return queue[i]!;
      queue.push(...kids[queue[i]!]!.filter((kid) => kid !== skip));
    }
    return -1;
  };
  const inside = own
    ? [n]
    : [...new Set([firstVarying(n), ...kids[n]!.map((kid) => firstVarying(kid))])].filter((x) => x >= 0).slice(0, CANDIDATES);
  const outside: number[] = own
    ? kids[n]!.map((kid) => firstVarying(kid))
        .filter((y) => y >= 0)
        .slice(0, 2)
    : [];
  for (let from = n, up = parents[n]!; up >= 0 && outside.length < CANDIDATES; from = up, up = parents[up]!) {
    if (varies[up]) outside.push(up);
    for (const sibling of kids[up]!) if (sibling !== from && outside.length < CANDIDATES) outside.push(firstVarying(sibling));
  }
  const pairs = inside.flatMap((x) => outside.filter((y) => y >= 0).map((y) => symmetricDifference(paths[x]!, paths[y]!)));
  return [...pairs, ...inside.map((x) => paths[x]!)];
}

function symmetricDifference(a: number[], b: number[]): number[] {
  const inB = new Set(b);
  const inA = new Set(a);
  return [...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))];
}

/** Visits the cell ids of a product of coordinates until `visit` returns false (the hot loop: no allocation). */
function forEachCell(lists: number[][], visit: (cell: number) => boolean): void {
  const [P, E, B, R] = DIMENSIONS;
  const [ns, ps, es, bs, rs] = lists as [number[], number[], number[], number[], number[]];
  for (const n of ns) {
    for (const p of ps) {
      for (const e of es) {
        const ne = ((n * P + p) * E + e) * B;
        for (const b of bs) for (const r of rs) if (!visit((ne + b) * R + r)) return;
      }
    }
  }
}

/**
 * One option per dimension, chosen by coordinate descent (stopping at the first
 * choice that hides nothing more): the cost of a product is what it would hide.
 */
function cheapestPerturbation(options: number[][][], cost: (picked: number[][], limit: number) => number): number[][] {
  const choice = options.map(() => 0);
  const total = (picked: number[], limit = Infinity) =>
    cost(
      picked.map((j, d) => options[d]![j]!),
      limit,
    );
  let best = total(choice);
  for (let round = 0; round < 3 && best > 0; round++) {
    let improved = false;
    for (let d = 0; d < options.length && best > 0; d++) {
      for (let j = 0; j < options[d]!.length && best > 0; j++) {
        if (j === choice[d]) continue;
        const tried = choice.map((c, i) => (i === d ? j : c));
        const cost = total(tried, best);
        if (cost < best) [best, choice[d], improved] = [cost, j, true];
      }
    }
    if (!improved) break;
  }
  return choice.map((j, d) => options[d]![j]!);
}
