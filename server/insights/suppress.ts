import type { Lattice } from './lattice.ts';

/**
 * Which lattice cells may be shown. Primary: a cell with fewer than k responses
 * is hidden. Complementary: the cells shown must not let anyone work out a hidden
 * group of 1…k-1 people by adding and subtracting; whenever one can be, another
 * cell in the equation that gave it away is hidden too (the smallest part, else
 * the total), until none can. A department's own people (never shown as such) are
 * unknown unless there are none.
 */
export function shownCells(lattice: Lattice, k: number): Set<string> {
  const { values: value, equations } = lattice;
  const size = value.length;
  const hidden = Uint8Array.from({ length: size }, (_v, i) => (i >= lattice.cells ? 1 : 0));
  const byVariable: number[][] = Array.from({ length: size }, () => []);
  equations.forEach((terms, i) => terms.forEach((term) => byVariable[term]!.push(i)));
  const shown = Uint8Array.from({ length: size }, (_v, i) => (!hidden[i] && value[i]! >= k ? 1 : 0));
  const sensitive = (i: number) => value[i]! > 0 && value[i]! < k;

  for (;;) {
    // What an attacker knows: every shown cell, and every equation left with one unknown, repeatedly.
    const known = Uint8Array.from(shown, (s, i) => (s || (hidden[i] && value[i] === 0) ? 1 : 0));
    const unknownCount = Int32Array.from(equations, (terms) => terms.reduce((n, t) => n + (known[t] ? 0 : 1), 0));
    const derivedBy = new Int32Array(size).fill(-1);
    const queue: number[] = [];
    unknownCount.forEach((count, i) => count === 1 && queue.push(i));
    const leaks: number[] = [];
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head]!;
      const variable = equations[i]!.find((t) => !known[t]);
      if (variable === undefined) continue;
      known[variable] = 1;
      derivedBy[variable] = i;
      if (sensitive(variable)) leaks.push(variable);
      for (const j of byVariable[variable]!) if (--unknownCount[j]! === 1) queue.push(j);
    }
    if (leaks.length === 0) break;
    // Every leak of this round is closed before looking again: a few rounds, not one per leak.
    const hiddenNow = new Uint8Array(size);
    for (const leak of leaks) {
      const cell = cellToHide(leak, derivedBy, equations, shown, value, hiddenNow);
      // -1: a hiding earlier in this round already broke its chain; the next round checks again.
      if (cell < 0) continue;
      shown[cell] = 0;
      hiddenNow[cell] = 1;
    }
  }
  const keys = new Set<string>();
  shown.forEach((s, i) => s && keys.add(lattice.keyOf(i)));
  return keys;
}

/**
 * A shown cell whose hiding breaks the chain that solved `leak`: in the equation
 * that solved it, the smallest shown part (else the total); when every other term
 * there was itself solved, the search goes back through what solved those.
 */
function cellToHide(leak: number, derivedBy: Int32Array, equations: Int32Array[], shown: Uint8Array, value: Int32Array, hiddenNow: Uint8Array): number {
  const visited = new Set<number>([leak]);
  let frontier = [leak];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const variable of frontier) {
      const terms = equations[derivedBy[variable]!]!;
      if (terms.some((t) => hiddenNow[t])) return -1;
      const [total, ...parts] = terms;
      const smallestPart = parts.filter((t) => t !== variable && shown[t]).sort((a, b) => value[a]! - value[b]! || a - b)[0];
      if (smallestPart !== undefined) return smallestPart;
      if (total !== variable && shown[total!]) return total!;
      for (const t of [total!, ...parts]) {
        if (visited.has(t) || derivedBy[t]! < 0) continue;
        visited.add(t);
        next.push(t);
      }
    }
    frontier = next;
  }
  return -1;
}
