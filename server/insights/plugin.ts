import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { ALL } from './lattice.ts';
import { loadDepartments } from './load.ts';
import type { Scope } from './scope.ts';
import { parsePeriod, type Summary, type SummaryRequest, summarize } from './summary.ts';
import { loadYearData, reasonsSeparable, type YearSource } from './year-data.ts';

export interface Insights {
  summarize(request: SummaryRequest, scope: Scope): Promise<Summary>;
  /** Whether a shown one-year summary's comments may be filtered by main reason (year-data.ts). */
  reasonsSeparable(summary: Summary): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    insights: Insights;
  }
}

const REMEMBERED_YEARS = 16;

/**
 * Remembers each year's rollup, lattice and suppression decision until its data
 * changes. The key is a fingerprint read from the database on every request (the
 * responses released, which only grow; the invited counts; the department tree;
 * k), so every instance reaches the same decision on its own and none holds state
 * another needs.
 */
export function memoisedYears(): YearSource {
  const memo = new Map<string, ReturnType<YearSource>>();
  return async (db, year, departments, k) => {
    const { rows } = await sql<{ responses: string; invited: string }>`
      -- Releases only add; generalizing older answers rewrites rows: the newest writer's xid sees both.
      SELECT (SELECT count(*) || ':' || coalesce(sum(responses), 0) || ':' || coalesce(max(xmin::text::bigint), 0)
              FROM response_rollup WHERE quarter LIKE ${`${year}-Q_`} OR quarter = ${String(year)}) AS responses,
             -- Counts move between cells when HR edits a leaver: a sum of each cell's hash times its count sees that, without sorting.
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(quarter || department_id || tenure_band || exit_type || regrettable, 0)::numeric * invited), 0)
              FROM invited_rollup WHERE quarter LIKE ${`${year}-Q_`}) AS invited`.execute(db);
    const tree = createHash('sha256')
      .update(departments.map((d) => `${d.id}>${d.parent_id ?? ''}`).join(','))
      .digest('base64url');
    const key = `${year}|${k}|${rows[0]!.responses}|${rows[0]!.invited}|${tree}`;
    const known = memo.get(key);
    if (known) return known;
    const loading = loadYearData(db, year, departments, k);
    memo.set(key, loading);
    loading.catch(() => memo.delete(key));
    if (memo.size > REMEMBERED_YEARS) memo.delete(memo.keys().next().value!);
    return loading;
  };
}

export const insightsPlugin = fp(
  async (app) => {
    const years = memoisedYears();
    app.decorate('insights', {
      summarize: (request: SummaryRequest, scope: Scope) => summarize(app.db, request, app.config.anonymityK, scope, years),
      reasonsSeparable: async (summary: Summary) => {
        const k = app.config.anonymityK;
        const data = await years(app.db, Number(summary.from.slice(0, 4)), await loadDepartments(app.db), k);
        const at = {
          period: parsePeriod(summary.from, summary.to).period,
          department: summary.department?.id ?? ALL,
          exit: summary.exitType ?? ALL,
          band: ALL,
          regret: summary.regrettable ?? ALL,
        };
        return reasonsSeparable(data, at, k);
      },
    });
  },
  { name: 'honne-insights', dependencies: ['honne-db', 'honne-config'] },
);
