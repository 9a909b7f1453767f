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
  const { value, equations } = lattice;
  const shown = new Set<string>();
  for (const [key, n] of value) if (!key.startsWith('own:') && n >= k) shown.add(key);
  const sensitive = (key: string) => {
    const n = value.get(key)!;
    return n > 0 && n < k;
  };
  const byVariable = new Map<string, number[]>();
  equations.forEach((terms, i) => terms.forEach((term) => byVariable.set(term, [...(byVariable.get(term) ?? []), i])));

  for (;;) {
    const known = new Set<string>(shown);
    for (const [key, n] of value) if (key.startsWith('own:') && n === 0) known.add(key);
    // Solve every equation left with one unknown, and what that solves in turn.
    const unknownCount = equations.map((terms) => terms.filter((t) => !known.has(t)).length);
    const queue = unknownCount.flatMap((count, i) => (count === 1 ? [i] : []));
    const derivedBy = new Map<string, number>();
    let leak: string | undefined;
    while (queue.length > 0 && !leak) {
      const i = queue.shift()!;
      const variable = equations[i]!.find((t) => !known.has(t));
      if (variable === undefined) continue;
      known.add(variable);
      derivedBy.set(variable, i);
      if (sensitive(variable)) leak = variable;
      for (const j of byVariable.get(variable) ?? []) if (--unknownCount[j]! === 1) queue.push(j);
    }
    if (!leak) return shown;
    shown.delete(cellToHide(leak, derivedBy, equations, shown, value));
  }
}

/**
 * A shown cell whose hiding breaks the chain that solved `leak`: in the equation
 * that solved it, the smallest shown part (else the total); when every other term
 * there was itself solved, the search goes back through what solved those.
 */
function cellToHide(leak: string, derivedBy: Map<string, number>, equations: string[][], shown: Set<string>, value: Map<string, number>): string {
  const visited = new Set<string>([leak]);
  let frontier = [leak];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const variable of frontier) {
      const [total, ...parts] = equations[derivedBy.get(variable)!]!;
      const others = [...parts, total!].filter((t) => t !== variable);
      const candidates = others.filter((t) => shown.has(t));
      const partsShown = candidates.filter((t) => t !== total).sort((a, b) => value.get(a)! - value.get(b)! || a.localeCompare(b));
      if (partsShown[0]) return partsShown[0];
      if (candidates[0]) return candidates[0];
      for (const t of others) {
        if (visited.has(t) || !derivedBy.has(t)) continue;
        visited.add(t);
        next.push(t);
      }
    }
    frontier = next;
  }
  throw new Error(`no shown cell leads to ${leak}`);
}
