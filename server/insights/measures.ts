/** The measures of one group, from its summed rollup counts. Only ever built for a group that is shown. */
export interface Measures {
  responses: number;
  invited: number;
  /** responses / invited, 0…1; null when nobody was invited (answers from an earlier period). */
  responseRate: number | null;
  primaryReasons: Array<{ code: string; count: number; share: number }>;
  reasons: Array<{ code: string; count: number }>;
  enps: { score: number; promoters: number; passives: number; detractors: number; distribution: number[] } | null;
  wouldReturn: { mean: number; share4to5: number } | null;
  managerSupport: { mean: number } | null;
}

/** A report cell: suppressed, with no number at all, or its measures. */
export type Cell = ({ suppressed: false } & Measures) | { suppressed: true };

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function histogram(counts: Record<string, number>, question: string, min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_v, i) => counts[`${question}:${min + i}`] ?? 0);
}

function mean(hist: number[], min: number): number | null {
  const n = hist.reduce((a, b) => a + b, 0);
  return n === 0 ? null : round(hist.reduce((sum, count, i) => sum + count * (min + i), 0) / n, 2);
}

export function measuresOf(responses: number, invited: number, counts: Record<string, number>): Measures {
  const byPrefix = (prefix: string) =>
    Object.entries(counts)
      .filter(([key, n]) => key.startsWith(prefix) && n > 0)
      .map(([key, count]) => ({ code: key.slice(prefix.length), count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const primary = byPrefix('primary:');
  const primaryTotal = primary.reduce((sum, p) => sum + p.count, 0);
  const enps = histogram(counts, 'enps', 0, 10);
  const enpsN = enps.reduce((a, b) => a + b, 0);
  const promoters = enps[9]! + enps[10]!;
  const detractors = enps.slice(0, 7).reduce((a, b) => a + b, 0);
  const wouldReturn = histogram(counts, 'would_return', 1, 5);
  const wouldReturnN = wouldReturn.reduce((a, b) => a + b, 0);
  const managerSupport = mean(histogram(counts, 'manager_support', 1, 5), 1);
  return {
    responses,
    invited,
    responseRate: invited > 0 ? round(Math.min(1, responses / invited), 3) : null,
    primaryReasons: primary.map((p) => ({ ...p, share: round(p.count / primaryTotal, 3) })),
    reasons: byPrefix('reason:'),
    enps:
      enpsN === 0
        ? null
        : {
            score: round(((promoters - detractors) / enpsN) * 100),
            promoters,
            passives: enpsN - promoters - detractors,
            detractors,
            distribution: enps,
          },
    wouldReturn:
      wouldReturnN === 0 ? null : { mean: mean(wouldReturn, 1)!, share4to5: round((wouldReturn[3]! + wouldReturn[4]!) / wouldReturnN, 3) },
    managerSupport: managerSupport === null ? null : { mean: managerSupport },
  };
}
