import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { quarterOf, regrettableOf, tenureBand } from './cohort.ts';
import { departmentPaths } from './generalize.ts';

export interface AnonymityAudit {
  responses: number;
  /** Responses whose stored cohort fits fewer than k completed leavers (the promise says 0). */
  underK: number;
  /** How many responses have each attribute stored only at a coarser level. */
  coarser: { organisation: number; parentDepartment: number; year: number; tenure: number; exitType: number; regrettable: number };
}

/**
 * Plays the reader of the whole database who knows the leaver table: for each
 * stored response, how many completed leavers of its year fit its cohort. Reads
 * only what that reader has; used by `honne answers audit` and the benchmarks.
 */
export async function auditAnonymity(db: Kysely<Database>, k: number): Promise<AnonymityAudit> {
  const departments = await db.selectFrom('department').select(['id', 'parent_id']).execute();
  const paths = departmentPaths(departments);
  const parents = new Set(departments.map((d) => d.parent_id).filter((id) => id !== null));
  const leavers = (
    await db
      .selectFrom('leaver')
      .innerJoin('invitation', 'invitation.leaver_id', 'leaver.id')
      .select(['leaver.department_id', 'leaver.hire_date', 'leaver.last_day', 'leaver.exit_type', 'leaver.regrettable'])
      .where('invitation.completed_on', 'is not', null)
      .where('leaver.department_id', 'is not', null)
      .execute()
  ).map((l) => ({
    path: paths.get(l.department_id!) ?? [l.department_id!],
    band: tenureBand(l.hire_date, l.last_day),
    exit: l.exit_type,
    regret: regrettableOf(l.regrettable),
    quarter: quarterOf(l.last_day),
  }));
  const classes = await db
    .selectFrom('response')
    .select(['department_id', 'tenure_band', 'exit_type', 'regrettable', 'quarter', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['department_id', 'tenure_band', 'exit_type', 'regrettable', 'quarter'])
    .execute();
  const audit: AnonymityAudit = {
    responses: 0,
    underK: 0,
    coarser: { organisation: 0, parentDepartment: 0, year: 0, tenure: 0, exitType: 0, regrettable: 0 },
  };
  for (const c of classes) {
    const n = Number(c.n);
    const fitting = leavers.filter(
      (l) =>
        (c.quarter.length === 4 ? l.quarter.startsWith(c.quarter) : l.quarter === c.quarter) &&
        (c.department_id === null || l.path.includes(c.department_id)) &&
        (c.tenure_band === null || l.band === c.tenure_band) &&
        (c.exit_type === null || l.exit === c.exit_type) &&
        (c.regrettable === null || l.regret === c.regrettable),
    ).length;
    audit.responses += n;
    if (fitting < k) audit.underK += n;
    const coarser = audit.coarser;
    if (c.department_id === null) coarser.organisation += n;
    else if (parents.has(c.department_id)) coarser.parentDepartment += n;
    if (c.quarter.length === 4) coarser.year += n;
    if (c.tenure_band === null) coarser.tenure += n;
    if (c.exit_type === null) coarser.exitType += n;
    if (c.regrettable === null) coarser.regrettable += n;
  }
  return audit;
}
