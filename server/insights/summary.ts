import type { Kysely } from 'kysely';
import { EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from '../answers/cohort.ts';
import type { Database, ExitType, Regrettable } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import { ALL, QUARTERS } from './lattice.ts';
import { loadDepartments } from './load.ts';
import type { Cell } from './measures.ts';
import { departmentsInScope, type Scope } from './scope.ts';
import { cell, leavesOutCoarser, loadYearData, type YearData, type YearSource } from './year-data.ts';

export const GROUP_BY = ['quarter', 'department', 'tenure', 'exitType', 'regrettable'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface SummaryRequest {
  from: string;
  to: string;
  /** A department id or name (its sub-departments included); absent: the whole scope. */
  department?: string;
  exitType?: ExitType;
  regrettable?: Regrettable;
  groupBy?: GroupBy;
}

export interface Group {
  key: string;
  label: string;
  value: Cell;
}

export interface Summary {
  k: number;
  from: string;
  to: string;
  department: { id: string; name: string } | null;
  exitType: ExitType | null;
  regrettable: Regrettable | null;
  groupBy: GroupBy | null;
  total: Cell | null;
  groups: Group[];
  /** Set when the asked-for total was too small and a larger one is shown instead. */
  rolledUp: { reason: 'period' | 'department'; from: string; to: string; department: string | null } | null;
  /**
   * Some answers that may belong to the total or a group are known only at a coarser
   * level (kept k-anonymous when released): they count in the wider totals they fit.
   */
  lessDetailed: boolean;
}

const badRequest = (
  messageKey: 'reports.error.period' | 'reports.error.years' | 'reports.error.department' | 'reports.error.regrettable_tenure',
  params = {},
) => new AppError({ code: 'invalid_report', status: 400, messageKey, params });

/** A quarter, a calendar year, or (by quarter only) several whole years. */
export function parsePeriod(from: string, to: string, groupBy?: GroupBy): { years: number[]; period: string } {
  const a = /^(\d{4})-Q([1-4])$/.exec(from);
  const b = /^(\d{4})-Q([1-4])$/.exec(to);
  if (!a || !b) throw badRequest('reports.error.period');
  const [fromYear, toYear] = [Number(a[1]), Number(b[1])];
  if (from === to) return { years: [fromYear], period: `Q${a[2]}` };
  if (a[2] !== '1' || b[2] !== '4' || toYear < fromYear) throw badRequest('reports.error.period');
  if (toYear > fromYear && groupBy !== 'quarter') throw badRequest('reports.error.years');
  if (toYear - fromYear > 9) throw badRequest('reports.error.period');
  return { years: Array.from({ length: toYear - fromYear + 1 }, (_v, i) => fromYear + i), period: 'Y' };
}

/** The department asked for, checked against the scope; a manager's default is their first department. */
function resolveDepartment(
  departments: Array<{ id: string; name: string; parent_id: string | null }>,
  scope: Scope,
  asked?: string,
): string {
  let id = ALL;
  if (asked && asked !== ALL) {
    const match = departments.filter((d) => d.id === asked || d.name === asked);
    // A manager learns nothing about departments outside their scope, not even whether one exists.
    if (match.length !== 1 && !scope.all) throw new AppError({ code: 'forbidden', status: 403, messageKey: 'reports.error.scope' });
    if (match.length !== 1) throw badRequest('reports.error.department', { department: asked });
    id = match[0]!.id;
  }
  if (scope.all) return id;
  const allowed = new Set(departmentsInScope(departments, scope).map((d) => d.id));
  if (id === ALL) {
    if (!scope.departmentIds[0]) throw new AppError({ code: 'forbidden', status: 403, messageKey: 'reports.error.scope' });
    return [...scope.departmentIds].sort((a, b) => departments.findIndex((d) => d.id === a) - departments.findIndex((d) => d.id === b))[0]!;
  }
  if (!allowed.has(id)) throw new AppError({ code: 'forbidden', status: 403, messageKey: 'reports.error.scope' });
  return id;
}

/**
 * The report behind the dashboard, the API and the exports. Every number in it
 * is a lattice cell that suppression allows; a suppressed group carries no number.
 */
export async function summarize(
  db: Kysely<Database>,
  request: SummaryRequest,
  k: number,
  scope: Scope,
  source: YearSource = loadYearData,
): Promise<Summary> {
  const { years, period } = parsePeriod(request.from, request.to, request.groupBy);
  const departments = await loadDepartments(db);
  const names = new Map(departments.map((d) => [d.id, d.name]));
  let department = resolveDepartment(departments, scope, request.department);
  const exit = request.exitType ?? ALL;
  const regret = request.regrettable ?? ALL;
  // The lattice does not cross the two (see lattice.ts): refused rather than shown as suppressed.
  if (regret !== ALL && request.groupBy === 'tenure') throw badRequest('reports.error.regrettable_tenure');
  const data = await Promise.all(years.map((year) => source(db, year, departments, k)));
  const single = data.length === 1 ? data[0]! : undefined;

  type Place = { data: YearData; at: [string, string, string, string, string] };
  const place = (d: YearData, ...at: Place['at']): Group & Place => ({ key: '', label: '', value: cell(d, ...at), data: d, at });
  const groupsFor = (p: string, dept: string): Array<Group & Place> =>
    data.flatMap((d) => {
      const at = single ? p : 'Y';
      switch (request.groupBy) {
        case 'quarter':
          return (at === 'Y' ? QUARTERS : [at]).map((q) => ({
            ...place(d, q, dept, exit, ALL, regret),
            key: `${d.year}-${q}`,
            label: `${d.year}-${q}`,
          }));
        case 'department':
          return (d.children.get(dept) ?? []).map((child) => ({
            ...place(d, at, child, exit, ALL, regret),
            key: child,
            label: names.get(child)!,
          }));
        case 'tenure':
          return TENURE_BANDS.map((band) => ({ ...place(d, at, dept, exit, band, ALL), key: band, label: band }));
        case 'exitType':
          return (exit === ALL ? EXIT_TYPES : [exit]).map((e) => ({ ...place(d, at, dept, e, ALL, regret), key: e, label: e }));
        case 'regrettable':
          return (regret === ALL ? REGRETTABLE : [regret]).map((r) => ({ ...place(d, at, dept, exit, ALL, r), key: r, label: r }));
        default:
          return [];
      }
    });
  // Too small to show anything: the whole year instead of a quarter, then the parent department (within the scope).
  const attempts: Array<{ period: string; department: string; reason: 'period' | 'department' | null }> = [
    { period, department, reason: null },
  ];
  if (single && period !== 'Y') attempts.push({ period: 'Y', department, reason: 'period' });
  const parent = department === ALL ? undefined : (departments.find((d) => d.id === department)?.parent_id ?? ALL);
  if (single && parent !== undefined && (scope.all || departmentsInScope(departments, scope).some((d) => d.id === parent))) {
    attempts.push({ period: 'Y', department: parent, reason: 'department' });
  }
  const results = attempts.map((attempt) => {
    const total = single ? cell(single, attempt.period, attempt.department, exit, ALL, regret) : null;
    const groups = groupsFor(attempt.period, attempt.department);
    const useful = (total === null || !total.suppressed) && (groups.length === 0 || groups.some((g) => !g.value.suppressed));
    return { attempt, total, groups, useful };
  });
  const chosen = results.find((r) => r.useful) ?? results[0]!;
  department = chosen.attempt.department;
  const { total } = chosen;
  const groups = chosen.groups.map(({ key, label, value }) => ({ key, label, value }));
  const coarser = (d: YearData, [period, dept, e, band, r]: Place['at']) =>
    leavesOutCoarser(d, { period, department: dept, exit: e, band, regret: r });
  const lessDetailed =
    (single !== undefined && coarser(single, [chosen.attempt.period, department, exit, ALL, regret])) ||
    chosen.groups.some((g) => coarser(g.data, g.at));
  const rolledUp: Summary['rolledUp'] = chosen.attempt.reason
    ? {
        reason: chosen.attempt.reason,
        from: `${single!.year}-Q1`,
        to: `${single!.year}-Q4`,
        department: department === ALL ? null : department,
      }
    : null;
  return {
    k,
    from: rolledUp ? rolledUp.from : request.from,
    to: rolledUp ? rolledUp.to : request.to,
    department: department === ALL ? null : { id: department, name: names.get(department)! },
    exitType: request.exitType ?? null,
    regrettable: request.regrettable ?? null,
    groupBy: request.groupBy ?? null,
    total,
    groups,
    rolledUp,
    lessDetailed,
  };
}
