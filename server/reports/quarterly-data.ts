import type { FastifyInstance } from 'fastify';
import type { ActionStatus } from '../db/alumni-schema.ts';
import type { Locale } from '../db/schema.ts';
import { inLocale, listActions } from '../improvements/actions.ts';
import { relatedDepartments } from '../improvements/for-reasons.ts';
import { groupComments } from '../insights/comments.ts';
import { reasonLabels } from '../insights/labels.ts';
import { childrenOf, subtree } from '../insights/lattice.ts';
import { loadDepartments } from '../insights/load.ts';
import type { Cell } from '../insights/measures.ts';
import type { Scope } from '../insights/scope.ts';
import type { Group } from '../insights/summary.ts';
import { previousQuarter } from '../shared/dates.ts';

export interface QuarterlyData {
  quarter: string;
  previousQuarter: string;
  department: { id: string; name: string };
  k: number;
  current: Cell;
  previous: Cell;
  trend: Group[];
  byTenure: Group[];
  byExitType: Group[];
  comments: string[] | null;
  /** Some answers that may belong here are known only at a coarser level (see Summary.lessDetailed). */
  lessDetailed: boolean;
  reasonLabels: Record<string, string>;
  /** "You said, we did": actions for this department (or above or below it) and company-wide ones. */
  actions: Array<{ title: string; description: string; status: ActionStatus; reasons: string[] }>;
}

const MAX_COMMENTS = 8;

/**
 * Everything a department's quarterly report shows, from the insights engine and
 * under its suppression. A quarter too small to show stays suppressed here: the
 * report is about that quarter, so the engine's roll-up to the year is not used.
 */
export async function quarterlyData(
  app: FastifyInstance,
  quarter: string,
  departmentId: string,
  scope: Scope,
  locale: Locale,
): Promise<QuarterlyData> {
  const year = Number(quarter.slice(0, 4));
  const base = { department: departmentId };
  const exact = async (from: string, groupBy?: 'tenure' | 'exitType') => {
    const summary = await app.insights.summarize({ ...base, from, to: from, ...(groupBy ? { groupBy } : {}) }, scope);
    const rolled = summary.rolledUp !== null;
    return {
      total: rolled || !summary.total ? ({ suppressed: true } as Cell) : summary.total,
      groups: summary.groups.map((g) => (rolled ? { ...g, value: { suppressed: true } as Cell } : g)),
      summary,
    };
  };
  const [current, previous, tenure, exitType, trend] = await Promise.all([
    exact(quarter),
    exact(previousQuarter(quarter)),
    exact(quarter, 'tenure'),
    exact(quarter, 'exitType'),
    app.insights.summarize({ ...base, from: `${year - 1}-Q1`, to: `${year}-Q4`, groupBy: 'quarter' }, scope),
  ]);
  const departments = await loadDepartments(app.db);
  // A suppressed quarter's summary may roll up and name no department: the report still names its own.
  const department = current.summary.department ?? { id: departmentId, name: departments.find((d) => d.id === departmentId)?.name ?? '' };
  let comments: string[] | null = null;
  if (!current.total.suppressed) {
    comments = (
      await groupComments(app.db, {
        year,
        period: quarter.slice(5),
        departmentIds: subtree(childrenOf(departments), department.id),
        wholeOrganisation: false,
      })
    ).slice(0, MAX_COMMENTS);
  }
  const labels = reasonLabels(app.surveys, locale);
  // Managers read only what HR has published, as alumni do.
  const actions = (await listActions(app.db, { published: true, departmentIds: relatedDepartments(departments, [department.id]) })).map(
    (action) => ({
      ...inLocale(action, locale),
      status: action.status,
      reasons: action.reasonCodes.map((code) => labels[code] ?? code),
    }),
  );
  return {
    quarter,
    previousQuarter: previousQuarter(quarter),
    department,
    k: app.config.anonymityK,
    current: current.total,
    previous: previous.total,
    trend: trend.groups.filter((g) => g.key <= quarter).slice(-8),
    byTenure: tenure.groups,
    byExitType: exitType.groups,
    comments,
    lessDetailed: [current, previous, tenure, exitType].some((s) => s.summary.lessDetailed),
    reasonLabels: labels,
    actions,
  };
}
