import t from 'tap';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { EXIT_TYPES, TENURE_BANDS, tenureBand } from '../server/answers/cohort.ts';
import { releaseAnswers } from '../server/answers/release.ts';
import type { ExitType } from '../server/db/schema.ts';
import { addDays, today } from '../server/shared/dates.ts';
import { buildTestApp } from './helpers/app.ts';
import {
  chanceBound,
  type CohortKey,
  DatabaseWatcher,
  guessScore,
  histogram,
  hrKnowledge,
  type Random,
  seededRandom,
  sizeAttack,
} from './helpers/attacker.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

// The attacker of docs/privacy.md ("someone who can read the whole database"),
// played on a whole company: they know what HR knows (leaver records, the
// department tree, which invitations were completed on which day), poll the
// database between every completion and around every release, and read
// everything once the answers are out. They do not have SECRET.

const K = 5;
const LEAVERS = 40;
const SEED = 20261128;
/** Release whatever can go k-anonymously now, generalizing as needed. */
const FORCED = { k: K, maxDays: 7, force: true };
const json = { 'content-type': 'application/json', accept: 'application/json' };

/** Two divisions, with departments and sections under them: [name, parent]. */
const TREE: Array<[string, string | null]> = [
  ['Sales Division', null],
  ['Sales 1', 'Sales Division'],
  ['Sales 2', 'Sales Division'],
  ['Corporate Sales', 'Sales Division'],
  ['Corporate Sales East', 'Corporate Sales'],
  ['Engineering Division', null],
  ['Platform', 'Engineering Division'],
  ['Product', 'Engineering Division'],
  ['Mobile', 'Product'],
];

/** Whole years of service each tenure band is drawn from. */
const BAND_YEARS: Record<(typeof TENURE_BANDS)[number], [number, number]> = {
  lt1: [0, 0],
  '1to3': [1, 2],
  '3to5': [3, 4],
  '5to10': [5, 9],
  '10plus': [10, 25],
};
const JUDGEMENTS = [true, false, null] as const;

interface Plan {
  marker: number;
  department: string;
  hireDate: string;
  lastDay: string;
  exitType: ExitType;
  regrettable: boolean | null;
  /** Filler after the marker in the free text, distinct per leaver, so answer sizes vary a lot. */
  fillerLength: number;
}

/** Every value of a list, dealt round-robin to n leavers and shuffled: all appear, in varied combinations. */
const dealt = <T>(random: Random, values: readonly T[], n: number): T[] =>
  random.shuffled(Array.from({ length: n }, (_, i) => values[i % values.length]!));

/** A random day in quarter q (1–4) of the year. */
function dayInQuarter(random: Random, year: number, q: number): string {
  const month = 3 * (q - 1) + random.between(1, 3);
  return `${year}-${String(month).padStart(2, '0')}-${String(random.between(1, 28)).padStart(2, '0')}`;
}

/** A hire date giving `band` at `lastDay`: `years` whole years before it, less up to 300 days. */
function hireDateFor(random: Random, band: (typeof TENURE_BANDS)[number], lastDay: string): string {
  const years = random.between(...BAND_YEARS[band]);
  const hireDate = addDays(`${Number(lastDay.slice(0, 4)) - years}${lastDay.slice(4)}`, -random.between(years === 0 ? 1 : 0, 300));
  if (tenureBand(hireDate, lastDay) !== band) throw new Error(`generator: ${hireDate}–${lastDay} is not ${band}`);
  return hireDate;
}

/**
 * The company's leavers: all 4 exit types, 5 tenure bands, 4 quarters of this
 * year (their links stay open: expiry counts from today for a past last day) and
 * 3 regrettable judgements, across every department of the tree.
 */
function generateCompany(random: Random, year: number): Plan[] {
  const departments = dealt(
    random,
    TREE.map(([name]) => name),
    LEAVERS,
  );
  const exitTypes = dealt(random, EXIT_TYPES, LEAVERS);
  const bands = dealt(random, TENURE_BANDS, LEAVERS);
  const quarters = dealt(random, [1, 2, 3, 4], LEAVERS);
  const judgements = dealt(random, JUDGEMENTS, LEAVERS);
  const fillers = random.shuffled(Array.from({ length: 371 }, (_, i) => 10 + i)).slice(0, LEAVERS);
  return Array.from({ length: LEAVERS }, (_, marker) => {
    const lastDay = dayInQuarter(random, year, quarters[marker]!);
    return {
      marker,
      department: departments[marker]!,
      hireDate: hireDateFor(random, bands[marker]!, lastDay),
      lastDay,
      exitType: exitTypes[marker]!,
      regrettable: judgements[marker]!,
      fillerLength: fillers[marker]!,
    };
  });
}

async function createTree(app: FastifyInstance): Promise<void> {
  const ids = new Map<string, string>();
  for (const [name, parent] of TREE) {
    const row = await app.db
      .insertInto('department')
      .values({ name, parent_id: parent ? ids.get(parent)! : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(name, row.id);
  }
}

const FILLER = 'we needed clearer goals, fairer pay reviews and more time for training. ';
const improvementOf = (plan: Plan) => `marker-${plan.marker} ${FILLER.repeat(6).slice(0, plan.fillerLength)}`;
const markerOf = (improvement: string) => Number(/^marker-(\d+) /.exec(improvement)?.[1] ?? Number.NaN);

/** After how many completions a release runs: every 8–12, and once more at the end. */
function releasePoints(random: Random): number[] {
  const points: number[] = [];
  for (let at = random.between(8, 12); at < LEAVERS; at += random.between(8, 12)) points.push(at);
  return [...points, LEAVERS];
}

t.test('a database reader who watches every completion and release cannot narrow any answer below k leavers', async (t) => {
  const { app } = await buildTestApp(t, { ANONYMITY_K: String(K) });
  const random = seededRandom(SEED);
  t.comment(`seed ${SEED}, k = ${K}, ${LEAVERS} leavers`);

  await createTree(app);
  const plans = generateCompany(random, Number(today().slice(0, 4)));
  const leavers = [];
  for (const plan of plans) {
    const { department, hireDate, lastDay, exitType, regrettable } = plan;
    const registered = await invitedLeaver(
      app,
      { department, hireDate, lastDay, exitType },
      { regrettable, rehireEligibility: null, rehireNote: null },
    );
    leavers.push({ plan, id: registered.id, token: registered.token });
  }
  const authorByMarker = new Map(leavers.map((l) => [l.plan.marker, l.id]));

  // The leavers answer in random order; the attacker polls after every completion
  // (which is also "before" the release that may follow) and after every release.
  // Releases alternate between the forced release and the worker's own pass.
  const watcher = new DatabaseWatcher(app.db);
  await watcher.poll();
  const points = releasePoints(random);
  let refused = 0;
  let releasesRun = 0;
  for (const [i, leaver] of random.shuffled(leavers).entries()) {
    const res = await app.inject({
      method: 'POST',
      url: `/s/${leaver.token}/complete`,
      headers: json,
      payload: { answers: validAnswers({ improvement: improvementOf(leaver.plan), enps: random.between(0, 10) }) },
    });
    if (res.statusCode !== 201) refused++;
    await watcher.poll();
    if (!points.includes(i + 1)) continue;
    const last = i + 1 === LEAVERS;
    if (releasesRun++ % 2 === 1 && !last) await app.worker.runOnce();
    else await releaseAnswers(app.db, app.keys.answerPool, FORCED);
    await watcher.poll();
  }
  t.equal(refused, 0, `all ${LEAVERS} leavers completed their survey`);

  // Not vacuous: the final forced release leaves fewer than k waiting, and loses nothing.
  const { rows: released } = await sql<CohortKey & { id: string; improvement: string }>`
    SELECT id, department_id, tenure_band, exit_type, regrettable, quarter, answers->>'improvement' AS improvement FROM response`.execute(
    app.db,
  );
  const {
    rows: [pool],
  } = await sql<{ waiting: number }>`SELECT coalesce(sum(answer_count), 0)::int AS waiting FROM answer_pool`.execute(app.db);
  t.ok(
    pool!.waiting < K,
    `${released.length} answers released, ${pool!.waiting} still waiting after the final forced release (fewer than k)`,
  );
  t.equal(released.length + pool!.waiting, LEAVERS, 'every completed answer is released or still waiting');
  // Each release is one transaction, so what vanished in it is exactly what its responses and re-pooled rows may hold.
  t.ok(
    watcher.releases.every((release) => release.xids.length <= 1),
    `each of the ${watcher.releases.length} releases the attacker saw was one transaction`,
  );
  for (const [i, release] of watcher.releases.entries()) {
    const answers = release.vanished.reduce((n, row) => n + row.answerCount, 0);
    t.comment(
      `release ${i + 1}: ${release.vanished.length} pool rows (${answers} answers) vanished, ${release.responses.length} responses, ${release.repooled.length} re-pooled rows, xid ${release.xids.join('+')}`,
    );
  }

  // Every released answer: the leavers of the rows that vanished in its release
  // whose true cohort fits its (possibly generalized) cohort.
  const { cohorts, fits } = await hrKnowledge(app.db);
  const candidatesOf = (response: CohortKey & { id: string }) =>
    [...(watcher.responses.get(response.id)?.candidates ?? [])].filter((leaver) => fits(cohorts.get(leaver)!, response)).length;
  const counts = released.map(candidatesOf);
  t.comment(`candidates per released answer (count×answers): ${histogram(counts)}`);
  t.equal(counts.filter((n) => n < K).length, 0, `every released answer fits at least k = ${K} leavers of its release`);

  // The combined linkage: the attacker guesses a random candidate for each answer.
  const linkage = counts.reduce((sum, n) => sum + 1 / Math.max(1, n), 0) / Math.max(1, counts.length);
  t.comment(`expected linkage ${linkage.toFixed(3)} (1/k = ${(1 / K).toFixed(3)})`);
  t.ok(counts.length > 0 && linkage <= 1 / K, `expected linkage ${linkage.toFixed(3)} is at most 1/k`);

  // Every rollup cell: the leavers whose answer may have been released that fit its key.
  const { rows: cells } = await sql<CohortKey & { responses: number }>`
    SELECT department_id, tenure_band, exit_type, regrettable, quarter, responses FROM response_rollup`.execute(app.db);
  const cellFits = cells.map((cell) => [...watcher.maybeReleased].filter((leaver) => fits(cohorts.get(leaver)!, cell)).length);
  t.comment(
    `rollup: ${cells.length} cells; leavers fitting each: ${histogram(cellFits)}; responses in each: ${histogram(cells.map((c) => c.responses))}`,
  );
  const smallCells = cells.filter((cell, i) => cellFits[i]! < K || cell.responses < K).length;
  t.equal(smallCells, 0, `every rollup cell fits at least k = ${K} released leavers and counts at least k responses`);

  // The size attack: per release, match the vanished pool rows to the responses by
  // size rank. Its score is compared with the same matching with the authors dealt
  // at random, 20,000 times: the bound is that null distribution's 99.9th
  // percentile, so chance exceeds it with probability < 0.001.
  const authorOf = (responseId: string) => {
    const row = released.find((r) => r.id === responseId);
    return authorByMarker.get(markerOf(row?.improvement ?? '')) ?? 'unknown';
  };
  const guesses = watcher.releases.map((release) => sizeAttack(release, authorOf, random));
  const score = guesses.flat().reduce((sum, guess) => sum + guessScore(guess), 0);
  const chance = chanceBound(guesses, 0.001, 20_000, random);
  t.comment(
    `size attack: ${score.toFixed(1)} of ${guesses.flat().length} matched to their author; chance gets ${chance.mean.toFixed(1)} on average, over ${chance.bound.toFixed(1)} with p < 0.001`,
  );
  t.ok(
    score <= chance.bound,
    `the size attack (${score.toFixed(1)} right) does no better than chance (at most ${chance.bound.toFixed(1)})`,
  );
});
