import { type Kysely, sql } from 'kysely';
import { quarterOf, regrettableOf, tenureBand } from '../../server/answers/cohort.ts';
import type { Database } from '../../server/db/schema.ts';

/**
 * The database reader of docs/privacy.md, played for tests: they poll the
 * database (a read replica) as often as they like and know what HR knows (the
 * leaver records, the department tree, which invitations were completed on
 * which day), but not SECRET.
 */

/** A seeded generator (mulberry32): a failure names its seed and can be replayed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (below: number) => Math.floor(next() * below);
  const between = (min: number, max: number) => min + int(max - min + 1);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const shuffled = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { next, int, between, pick, shuffled };
}
export type Random = ReturnType<typeof seededRandom>;

/** A pool row as the watcher saw it, with the leavers whose answers it may hold. */
export interface PoolRowSeen {
  id: string;
  xmin: string;
  answerCount: number;
  /** octet_length(sealed); NaN for a row that came and went between two polls. */
  size: number;
  candidates: Set<string>;
}

export interface ResponseSeen {
  id: string;
  /** The xmin the row had when first seen: the releasing transaction. */
  xmin: string;
  /** octet_length(answers::text) when first seen. */
  size: number;
  /** Leavers of the pool rows that vanished in that release (before any cohort filtering). */
  candidates: Set<string>;
  release: number;
}

export interface ReleaseSeen {
  /** Transactions that inserted responses or new pool rows between the two polls; one unless a release took several. */
  xids: string[];
  vanished: PoolRowSeen[];
  repooled: PoolRowSeen[];
  responses: ResponseSeen[];
}

/**
 * Polls the tables an attacker would watch and keeps what each diff tells:
 * - a completion marks its invitations and inserts its pool row in one statement,
 *   so a new pool row's candidates are the invitations newly completed with its xmin;
 * - a release deletes pool rows and inserts responses (and any re-pooled rows) in
 *   one transaction, so each new response, and each new pool row no completion
 *   explains, could come from any leaver of the rows that vanished meanwhile.
 * Polling between every completion and around every release keeps each diff to
 * one such event, so nothing is blurred by waiting.
 */
export class DatabaseWatcher {
  readonly releases: ReleaseSeen[] = [];
  readonly responses = new Map<string, ResponseSeen>();
  /** Every leaver whose answer may have left the pool (a candidate of a vanished row). */
  readonly maybeReleased = new Set<string>();
  private readonly pool = new Map<string, PoolRowSeen>();
  private readonly completed = new Map<string, { leaverId: string; xmin: string; completedOn: string }>();

  constructor(private readonly db: Kysely<Database>) {}

  async poll(): Promise<void> {
    const newCompletions = await this.newlyCompleted();
    const { appeared, vanished } = await this.poolDiff();
    const newResponses = await this.newResponses();

    // Rows a completion wrote: the invitations that share their xmin.
    const releaseXids = new Set(newResponses.map((r) => r.xmin));
    const repooled: PoolRowSeen[] = [];
    const pooledBy = new Set<string>();
    for (const row of appeared) {
      const completion = newCompletions.get(row.xmin);
      if (completion) {
        row.candidates = new Set(completion);
        pooledBy.add(row.xmin);
      } else {
        repooled.push(row);
        releaseXids.add(row.xmin);
      }
    }
    // A completion whose pool row was written and released between two polls.
    for (const [xmin, leavers] of newCompletions) {
      if (pooledBy.has(xmin)) continue;
      vanished.push({ id: `unseen@${xmin}`, xmin, answerCount: leavers.length, size: Number.NaN, candidates: new Set(leavers) });
    }
    if (vanished.length === 0 && releaseXids.size === 0) return;

    // One release (one transaction, one xid) in the usual case. Should one poll span
    // several, the attacker cannot tell which vanished row went where and takes the
    // union: kinder to the code under test, never harsher.
    const union = new Set(vanished.flatMap((row) => [...row.candidates]));
    for (const leaver of union) this.maybeReleased.add(leaver);
    for (const row of repooled) row.candidates = new Set(union);
    const release = this.releases.length;
    const responses = newResponses.map((r) => ({ ...r, candidates: union, release }));
    for (const response of responses) this.responses.set(response.id, response);
    this.releases.push({ xids: [...releaseXids], vanished, repooled, responses });
  }

  /** Invitations completed since the last poll, grouped by xmin: the completing statement. */
  private async newlyCompleted(): Promise<Map<string, string[]>> {
    const { rows } = await sql<{ id: string; leaver_id: string; completed_on: string; xmin: string }>`
      SELECT id, leaver_id, completed_on::text, xmin::text FROM invitation WHERE completed_on IS NOT NULL`.execute(this.db);
    const groups = new Map<string, string[]>();
    for (const row of rows) {
      if (this.completed.has(row.id)) continue;
      this.completed.set(row.id, { leaverId: row.leaver_id, xmin: row.xmin, completedOn: row.completed_on });
      groups.set(row.xmin, [...(groups.get(row.xmin) ?? []), row.leaver_id]);
    }
    return groups;
  }

  /**
   * Pool rows that appeared and vanished since the last poll. A row kept under its
   * id with the same count and size is the same row (setting it aside, say, changes
   * only its xmin); one rewritten in place counts as vanished and re-pooled.
   */
  private async poolDiff(): Promise<{ appeared: PoolRowSeen[]; vanished: PoolRowSeen[] }> {
    const { rows } = await sql<{ id: string; xmin: string; answer_count: number; size: number }>`
      SELECT id, xmin::text, answer_count, octet_length(sealed)::int AS size FROM answer_pool`.execute(this.db);
    const appeared: PoolRowSeen[] = [];
    const vanished: PoolRowSeen[] = [];
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.id);
      const known = this.pool.get(row.id);
      if (known && known.answerCount === row.answer_count && known.size === row.size) continue;
      if (known) vanished.push(known);
      const seen = { id: row.id, xmin: row.xmin, answerCount: row.answer_count, size: row.size, candidates: new Set<string>() };
      this.pool.set(row.id, seen);
      appeared.push(seen);
    }
    for (const [id, row] of this.pool) {
      if (present.has(id)) continue;
      vanished.push(row);
      this.pool.delete(id);
    }
    return { appeared, vanished };
  }

  private async newResponses(): Promise<Omit<ResponseSeen, 'candidates' | 'release'>[]> {
    const { rows } = await sql<{ id: string; xmin: string; size: number }>`
      SELECT id, xmin::text, octet_length(answers::text)::int AS size FROM response`.execute(this.db);
    return rows.filter((row) => !this.responses.has(row.id));
  }
}

/** A cohort key as `response` and `response_rollup` store it: NULL (or a coarser value) means "any". */
export interface CohortKey {
  department_id: string | null;
  tenure_band: string | null;
  exit_type: string | null;
  regrettable: string | null;
  quarter: string;
}

/** A leaver's true cohort, as the attacker works it out from the leaver record. */
export interface LeaverCohort {
  id: string;
  departmentId: string;
  tenureBand: string;
  exitType: string;
  regrettable: string;
  quarter: string;
}

/** What HR knows: every leaver's cohort, and each department's ancestors (itself included). */
export async function hrKnowledge(db: Kysely<Database>) {
  const { rows: leavers } = await sql<{
    id: string;
    department_id: string;
    hire_date: string;
    last_day: string;
    exit_type: string;
    regrettable: boolean | null;
  }>`
    SELECT id, department_id, hire_date::text, last_day::text, exit_type, regrettable FROM leaver`.execute(db);
  const { rows: departments } = await sql<{ id: string; parent_id: string | null }>`SELECT id, parent_id FROM department`.execute(db);
  const parent = new Map(departments.map((d) => [d.id, d.parent_id]));
  const ancestors = new Map<string, Set<string>>();
  for (const { id } of departments) {
    const chain = new Set<string>();
    for (let at: string | null | undefined = id; at && !chain.has(at); at = parent.get(at)) chain.add(at);
    ancestors.set(id, chain);
  }
  const cohorts = new Map<string, LeaverCohort>(
    leavers.map((l) => [
      l.id,
      {
        id: l.id,
        departmentId: l.department_id,
        tenureBand: tenureBand(l.hire_date, l.last_day),
        exitType: l.exit_type,
        // HR does not change the judgement in these tests, so it is what the completion copied.
        regrettable: regrettableOf(l.regrettable),
        quarter: quarterOf(l.last_day),
      },
    ]),
  );
  /** Whether a leaver could be behind a (possibly generalized) cohort key. */
  const fits = (leaver: LeaverCohort, key: CohortKey): boolean =>
    (key.department_id === null || (ancestors.get(leaver.departmentId)?.has(key.department_id) ?? false)) &&
    (key.tenure_band === null || key.tenure_band === leaver.tenureBand) &&
    (key.exit_type === null || key.exit_type === leaver.exitType) &&
    (key.regrettable === null || key.regrettable === leaver.regrettable) &&
    (/^\d{4}$/.test(key.quarter) ? leaver.quarter.startsWith(`${key.quarter}-`) : key.quarter === leaver.quarter);
  return { cohorts, fits };
}

/** One guess of the size attack: the candidates of the pool slot a response was matched to, and its true author. */
export interface SizeGuess {
  candidates: Set<string>;
  author: string;
}

/** A guess counts 1/c when the author is among the slot's c candidates (1 for a one-leaver row). */
export const guessScore = (guess: SizeGuess) => (guess.candidates.has(guess.author) ? 1 / guess.candidates.size : 0);

/**
 * The size attack on one release: rank the vanished pool rows' answers by sealed
 * bytes per answer and the released responses by the bytes of their answers, and
 * pair equal ranks (by relative rank when some answers were re-pooled rather than
 * released). Ties are broken at random, so padding to equal sizes leaves chance.
 */
export function sizeAttack(release: ReleaseSeen, authorOf: (responseId: string) => string, random: Random): SizeGuess[] {
  const slots = release.vanished
    .filter((row) => Number.isFinite(row.size))
    .flatMap((row) =>
      Array.from({ length: row.answerCount }, () => ({ size: row.size / row.answerCount, tie: random.next(), candidates: row.candidates })),
    )
    .sort((a, b) => a.size - b.size || a.tie - b.tie);
  const responses = release.responses
    .map((r) => ({ size: r.size, tie: random.next(), author: authorOf(r.id) }))
    .sort((a, b) => a.size - b.size || a.tie - b.tie);
  if (slots.length === 0) return [];
  const slotFor = (rank: number) =>
    responses.length === 1 ? Math.floor((slots.length - 1) / 2) : Math.round((rank * (slots.length - 1)) / (responses.length - 1));
  return responses.map((response, rank) => ({ candidates: slots[slotFor(rank)]!.candidates, author: response.author }));
}

/**
 * The score chance stays at or under with probability at least 1 - p: the same
 * slots with the authors dealt to them at random, `trials` times.
 */
export function chanceBound(releases: SizeGuess[][], p: number, trials: number, random: Random): { bound: number; mean: number } {
  const scores: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    let score = 0;
    for (const guesses of releases) {
      const authors = random.shuffled(guesses.map((g) => g.author));
      guesses.forEach((g, i) => (score += guessScore({ candidates: g.candidates, author: authors[i]! })));
    }
    scores.push(score);
  }
  scores.sort((a, b) => a - b);
  return { bound: scores[Math.ceil((1 - p) * trials) - 1]!, mean: scores.reduce((a, b) => a + b, 0) / trials };
}

/** "1×38, 2×2": how many responses had each number of candidates. */
export function histogram(values: number[]): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([v, n]) => `${v}×${n}`)
    .join(', ');
}
