import type { ExitType, Regrettable, TenureBand } from '../db/schema.ts';

export const EXIT_TYPES = ['voluntary', 'involuntary', 'retirement', 'contract_end'] as const satisfies readonly ExitType[];
export const TENURE_BANDS = ['lt1', '1to3', '3to5', '5to10', '10plus'] as const satisfies readonly TenureBand[];
export const REGRETTABLE = ['yes', 'no', 'unassessed'] as const satisfies readonly Regrettable[];

/** HR's yes/no on the leaver record, or 'unassessed' while HR has not said. */
export const regrettableOf = (judgement: boolean | null): Regrettable => (judgement === null ? 'unassessed' : judgement ? 'yes' : 'no');

/** Whole years between two 'YYYY-MM-DD' days, as a person counts them (birthday rule). */
export function completedYears(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** <1y, 1–3y, 3–5y, 5–10y, 10y+: coarse enough not to single anyone out. */
export function tenureBand(hireDate: string, lastDay: string): TenureBand {
  const years = completedYears(hireDate, lastDay);
  if (years < 1) return 'lt1';
  if (years < 3) return '1to3';
  if (years < 5) return '3to5';
  if (years < 10) return '5to10';
  return '10plus';
}

/** Calendar quarter of a day: '2026-11-30' → '2026-Q4'. */
export function quarterOf(day: string): string {
  const month = Number(day.slice(5, 7));
  return `${day.slice(0, 4)}-Q${Math.ceil(month / 3)}`;
}

/** The only facts about a leaver that travel with their answers. */
export interface Cohort {
  departmentId: string;
  tenureBand: TenureBand;
  exitType: ExitType;
  /** As HR had judged it when the leaver completed; absent in answers pooled before it was copied. */
  regrettable?: Regrettable;
  quarter: string;
}
