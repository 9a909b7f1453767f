import type { ExitType, Regrettable, TenureBand } from '../db/schema.ts';
import { type Cohort, EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from './cohort.ts';

/*
 * Which cohort a released answer may carry, so that a reader of the whole database
 * who knows the leaver table finds at least k completed leavers fitting every
 * stored class, within what one release makes public.
 *
 * The method is Mondrian's (LeFevre, DeWitt & Ramakrishnan, 2006) top-down
 * partitioning with categorical hierarchies, relaxed as its multidimensional
 * local-recoding form: start from one class per year, known only by the year, and
 * split it one attribute one level down at a time, as long as every part keeps at
 * least k answers. Parts too small to stand alone stay together at the coarser
 * level (the "rest"), itself at least k or merged with the smallest part until it
 * is. Global recoding (ARX's full-domain lattice, sdcMicro's globalRecode) would
 * coarsen every leaver alike, so one small department would blur the whole
 * company's figures; local recoding keeps detail wherever groups are large.
 *
 * Hierarchies: department → parent → … → the organisation; quarter → year;
 * tenure band, exit type, regrettable → any. The year is never generalized away:
 * every report is per year, so an answer whose year has fewer than k waits.
 */

/** A stored class: null means known only at the coarser level (any, or the whole organisation). */
export interface GeneralCohort {
  year: number;
  quarter: string | null;
  departmentId: string | null;
  tenureBand: TenureBand | null;
  exitType: ExitType | null;
  regrettable: Regrettable | null;
}

export interface Placed<T> {
  item: T;
  cohort: GeneralCohort;
  /** Every attribute as it really is: the class costs its members no detail. */
  exact: boolean;
}

type Attribute = 'quarter' | 'departmentId' | 'exitType' | 'tenureBand' | 'regrettable';
/** Split order on ties: the report dimensions people filter by most first. */
const ATTRIBUTES: Attribute[] = ['quarter', 'departmentId', 'exitType', 'tenureBand', 'regrettable'];
const VALUES: Record<Exclude<Attribute, 'departmentId'>, readonly string[]> = {
  quarter: ['Q1', 'Q2', 'Q3', 'Q4'],
  exitType: EXIT_TYPES,
  tenureBand: TENURE_BANDS,
  regrettable: REGRETTABLE,
};

interface Member<T> {
  item: T;
  cohort: Cohort;
  /** Departments from the organisation down to the leaver's own (ids). */
  path: string[];
}

interface Split<T> {
  parts: Array<{ value: string; members: Member<T>[] }>;
  rest: Member<T>[];
}

/** The department tree as parent pointers: every department's path from the top. */
export function departmentPaths(departments: Array<{ id: string; parent_id: string | null }>): Map<string, string[]> {
  const parent = new Map(departments.map((d) => [d.id, d.parent_id]));
  const paths = new Map<string, string[]>();
  const pathOf = (id: string): string[] => {
    const known = paths.get(id);
    if (known) return known;
    const up = parent.get(id);
    // A cycle or a missing parent ends the path there rather than looping.
    paths.set(id, [id]);
    const path = up && parent.has(up) && !pathOf(up).includes(id) ? [...pathOf(up), id] : [id];
    paths.set(id, path);
    return path;
  };
  for (const d of departments) pathOf(d.id);
  return paths;
}

/**
 * Places items into classes of at least k, per year. Items in a year with fewer
 * than k are not placed. Every item placed shares its class with at least k-1
 * others, so each class fits at least k of the leavers behind them.
 */
export function partition<T>(items: Array<{ item: T; cohort: Cohort }>, paths: Map<string, string[]>, k: number): Placed<T>[] {
  const byYear = new Map<number, Member<T>[]>();
  for (const { item, cohort } of items) {
    const year = Number(cohort.quarter.slice(0, 4));
    const members = byYear.get(year) ?? (byYear.set(year, []), byYear.get(year)!);
    members.push({ item, cohort, path: paths.get(cohort.departmentId) ?? [cohort.departmentId] });
  }
  const placed: Placed<T>[] = [];
  for (const [year, members] of byYear) {
    if (members.length < k) continue;
    const root: GeneralCohort = { year, quarter: null, departmentId: null, tenureBand: null, exitType: null, regrettable: null };
    specialize(root, members, new Set(), k, placed);
  }
  return placed;
}

function specialize<T>(cohort: GeneralCohort, members: Member<T>[], frozen: Set<Attribute>, k: number, out: Placed<T>[]): void {
  let best: { attribute: Attribute; split: Split<T>; gained: number } | undefined;
  for (const attribute of ATTRIBUTES) {
    if (frozen.has(attribute)) continue;
    const split = splitOn(attribute, cohort, members, k);
    if (!split) continue;
    const gained = split.parts.reduce((sum, part) => sum + part.members.length, 0);
    if (!best || gained > best.gained) best = { attribute, split, gained };
  }
  if (!best) {
    for (const member of members) out.push({ item: member.item, cohort, exact: isExact(cohort, member) });
    return;
  }
  const { attribute, split } = best;
  for (const part of split.parts) specialize({ ...cohort, [attribute]: part.value }, part.members, frozen, k, out);
  // The rest cannot be split on this attribute again (its parts were too small), but may be on others.
  if (split.rest.length > 0) specialize(cohort, split.rest, new Set([...frozen, attribute]), k, out);
}

/** One level down on one attribute: the parts of at least k, and the rest (0 or at least k) that stays coarse. */
function splitOn<T>(attribute: Attribute, cohort: GeneralCohort, members: Member<T>[], k: number): Split<T> | undefined {
  const groups = new Map<string, Member<T>[]>();
  const rest: Member<T>[] = [];
  for (const member of members) {
    const value = childValue(attribute, cohort, member);
    if (value === undefined) rest.push(member);
    else (groups.get(value) ?? (groups.set(value, []), groups.get(value)!)).push(member);
  }
  const parts: Split<T>['parts'] = [];
  for (const [value, group] of groups) {
    if (group.length >= k) parts.push({ value, members: group });
    else rest.push(...group);
  }
  // A rest of 1…k-1 would be a class too small: it borrows members that parts can spare (the
  // rarest cohorts of each, which would lose detail further down anyway), then takes whole parts.
  if (rest.length > 0 && rest.length < k) {
    for (const part of parts.sort((a, b) => b.members.length - a.members.length)) {
      const spare = Math.min(part.members.length - k, k - rest.length);
      if (spare <= 0) continue;
      const sorted = byRarity(part.members);
      rest.push(...sorted.slice(sorted.length - spare));
      part.members = sorted.slice(0, sorted.length - spare);
    }
    parts.sort((a, b) => a.members.length - b.members.length);
    while (rest.length < k && parts.length > 0) rest.push(...parts.shift()!.members);
  }
  if (parts.length === 0 || (rest.length > 0 && rest.length < k)) return undefined;
  return { parts, rest };
}

/** Members ordered from the most common full cohort to the rarest. */
function byRarity<T>(members: Member<T>[]): Member<T>[] {
  const keyOf = (m: Member<T>) =>
    `${m.cohort.quarter}|${m.cohort.departmentId}|${m.cohort.exitType}|${m.cohort.tenureBand}|${m.cohort.regrettable}`;
  const counts = new Map<string, number>();
  for (const m of members) counts.set(keyOf(m), (counts.get(keyOf(m)) ?? 0) + 1);
  return [...members].sort((a, b) => counts.get(keyOf(b))! - counts.get(keyOf(a))!);
}

/** The member's value one level below the class on this attribute; undefined if it has none (a department's own people). */
function childValue<T>(attribute: Attribute, cohort: GeneralCohort, member: Member<T>): string | undefined {
  if (attribute === 'departmentId') {
    if (cohort.departmentId === null) return member.path[0];
    const at = member.path.indexOf(cohort.departmentId);
    return at >= 0 ? member.path[at + 1] : undefined;
  }
  if (cohort[attribute] !== null) return undefined;
  const value = attribute === 'quarter' ? member.cohort.quarter.slice(5) : (member.cohort[attribute] ?? 'unassessed');
  return VALUES[attribute].includes(value) ? value : undefined;
}

function isExact<T>(cohort: GeneralCohort, member: Member<T>): boolean {
  const own = member.cohort;
  return (
    cohort.quarter === own.quarter.slice(5) &&
    cohort.departmentId === own.departmentId &&
    cohort.exitType === own.exitType &&
    cohort.tenureBand === own.tenureBand &&
    cohort.regrettable === (own.regrettable ?? 'unassessed')
  );
}
