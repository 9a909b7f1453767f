import { addDays, today } from '../shared/dates.ts';
import { type GeneralCohort, partition } from './generalize.ts';
import type { PooledAnswers } from './pool.ts';

export interface OpenedRow {
  id: string;
  waitingSince: string;
  answers: PooledAnswers[];
}

export interface PlanPolicy {
  /** ANONYMITY_K: every class released holds at least this many answers. */
  k: number;
  /** RELEASE_MAX_DAYS: how long an answer may wait for a class at full detail before it is generalized. */
  maxDays: number;
  /** Generalize whatever waits now, as if it had waited long enough (operators, tests). */
  force?: boolean;
}

export interface ReleasePlan {
  released: Array<{ pooled: PooledAnswers; cohort: GeneralCohort }>;
  /** Answers of taken rows that go on waiting, by the day they began to wait. */
  kept: Map<string, PooledAnswers[]>;
  /** Answers PostgreSQL would refuse to store: set aside, still sealed, rather than block the rest. */
  setAside: PooledAnswers[];
  /** Pool rows the release deletes: those with an answer released or set aside. */
  taken: string[];
}

/**
 * What one release does with the rows it holds. A class goes out at once when it
 * costs its members no detail, or once any of them has waited `maxDays`; the rest
 * wait for more answers that may give them a finer class. Whatever goes out, goes
 * out in classes of at least k (generalize.ts).
 */
export function planRelease(rows: OpenedRow[], paths: Map<string, string[]>, policy: PlanPolicy, day = today()): ReleasePlan {
  type Item = { row: OpenedRow; pooled: PooledAnswers };
  const storable: Array<{ item: Item; cohort: PooledAnswers['cohort'] }> = [];
  const setAside: Item[] = [];
  for (const row of rows) {
    for (const pooled of row.answers)
      isStorable(pooled) ? storable.push({ item: { row, pooled }, cohort: pooled.cohort }) : setAside.push({ row, pooled });
  }
  const placed = partition(storable, paths, policy.k);
  const classes = new Map<string, typeof placed>();
  for (const p of placed) {
    const key = JSON.stringify(p.cohort);
    (classes.get(key) ?? (classes.set(key, []), classes.get(key)!)).push(p);
  }
  const overdue = (row: OpenedRow) => policy.force || addDays(row.waitingSince, policy.maxDays) <= day;
  const released: ReleasePlan['released'] = [];
  for (const members of classes.values()) {
    if (members.every((m) => m.exact) || members.some((m) => overdue(m.item.row))) {
      for (const m of members) released.push({ pooled: m.item.pooled, cohort: m.cohort });
    }
  }
  const going = new Set<PooledAnswers>([...released.map((r) => r.pooled), ...setAside.map((s) => s.pooled)]);
  const taken = rows.filter((row) => row.answers.some((a) => going.has(a)));
  const kept = new Map<string, PooledAnswers[]>();
  for (const row of taken) {
    for (const pooled of row.answers) {
      if (!going.has(pooled)) (kept.get(row.waitingSince) ?? (kept.set(row.waitingSince, []), kept.get(row.waitingSince)!)).push(pooled);
    }
  }
  return { released, kept, setAside: setAside.map((s) => s.pooled), taken: taken.map((row) => row.id) };
}

/** jsonb refuses NUL and unpaired surrogates (in values and in keys); input checks refuse them now, older answers may hold them. */
export function isStorable(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === 'string') return !value.includes('\u0000') && value.isWellFormed();
  if (Array.isArray(value)) return value.every((v) => isStorable(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, v]) => isStorable(key, depth) && isStorable(v, depth + 1));
  }
  return typeof value !== 'number' || Number.isFinite(value);
}
