import t from 'tap';
import { EXIT_TYPES, REGRETTABLE, TENURE_BANDS } from '../server/answers/cohort.ts';
import type { Cohort } from '../server/answers/cohort.ts';
import { departmentPaths, type GeneralCohort, partition } from '../server/answers/generalize.ts';
import { type OpenedRow, planRelease } from '../server/answers/plan.ts';
import { seededRandom } from '../server/demo/answers.ts';

// Two divisions with departments and a section, and a top-level department on its own.
const DEPARTMENTS = [
  { id: 'D1', parent_id: null },
  { id: 'D1a', parent_id: 'D1' },
  { id: 'D1b', parent_id: 'D1' },
  { id: 'D1b1', parent_id: 'D1b' },
  { id: 'D2', parent_id: null },
  { id: 'D2a', parent_id: 'D2' },
  { id: 'D2b', parent_id: 'D2' },
  { id: 'D3', parent_id: null },
];
const PATHS = departmentPaths(DEPARTMENTS);
const pick = <T>(random: () => number, list: readonly T[]) => list[Math.floor(random() * list.length)]!;

function company(seed: number, size: number, years = [2026]): Cohort[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, () => ({
    departmentId: pick(random, DEPARTMENTS).id,
    tenureBand: pick(random, TENURE_BANDS),
    exitType: pick(random, EXIT_TYPES),
    regrettable: pick(random, REGRETTABLE),
    quarter: `${pick(random, years)}-Q${1 + Math.floor(random() * 4)}`,
  }));
}

/** Whether a leaver's true cohort fits a stored class: what the database reader checks. */
function fits(cohort: Cohort, general: GeneralCohort): boolean {
  return (
    cohort.quarter.startsWith(String(general.year)) &&
    (general.quarter === null || cohort.quarter.endsWith(general.quarter)) &&
    (general.departmentId === null || PATHS.get(cohort.departmentId)!.includes(general.departmentId)) &&
    (general.tenureBand === null || general.tenureBand === cohort.tenureBand) &&
    (general.exitType === null || general.exitType === cohort.exitType) &&
    (general.regrettable === null || general.regrettable === cohort.regrettable)
  );
}

t.test('every class holds at least k, fits every member truly, and leaves out only years with fewer than k', async (t) => {
  const problems = { small: 0, untrue: 0, lost: 0, exactWrong: 0 };
  let placedCount = 0;
  let exactCount = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const k = 3 + (seed % 6);
    const cohorts = company(seed, 5 + (seed % 120), [2025, 2026]);
    const placed = partition(
      cohorts.map((cohort, i) => ({ item: i, cohort })),
      PATHS,
      k,
    );
    const classes = new Map<string, number>();
    for (const p of placed) classes.set(JSON.stringify(p.cohort), (classes.get(JSON.stringify(p.cohort)) ?? 0) + 1);
    problems.small += [...classes.values()].filter((n) => n < k).length;
    problems.untrue += placed.filter((p) => !fits(cohorts[p.item]!, p.cohort)).length;
    problems.exactWrong += placed.filter(
      (p) =>
        p.exact !==
        (p.cohort.departmentId === cohorts[p.item]!.departmentId &&
          p.cohort.quarter !== null &&
          p.cohort.tenureBand !== null &&
          p.cohort.exitType !== null &&
          p.cohort.regrettable !== null),
    ).length;
    for (const year of [2025, 2026]) {
      const inYear = cohorts.filter((c) => c.quarter.startsWith(String(year))).length;
      const placedInYear = placed.filter((p) => p.cohort.year === year).length;
      if (placedInYear !== (inYear >= k ? inYear : 0)) problems.lost++;
    }
    placedCount += placed.length;
    exactCount += placed.filter((p) => p.exact).length;
  }
  t.same(
    problems,
    { small: 0, untrue: 0, lost: 0, exactWrong: 0 },
    'no class under k, no false attribute, nobody lost, exactness as stated',
  );
  t.comment(`${exactCount} of ${placedCount} placed answers kept every attribute exact`);
});

t.test('large groups keep their detail; a small department is generalized to its division, not further', async (t) => {
  const same = (departmentId: string, n: number): Cohort[] =>
    Array.from({ length: n }, () => ({ departmentId, tenureBand: '1to3', exitType: 'voluntary', regrettable: 'no', quarter: '2026-Q2' }));
  const cohorts = [...same('D1a', 6), ...same('D1b1', 2), ...same('D1b', 3), ...same('D2a', 5)];
  const placed = partition(
    cohorts.map((cohort, i) => ({ item: i, cohort })),
    PATHS,
    5,
  );
  const at = (i: number) => placed.find((p) => p.item === i)!.cohort;
  t.match(at(0), { departmentId: 'D1a', quarter: 'Q2', tenureBand: '1to3', exitType: 'voluntary', regrettable: 'no' }, 'six alike: exact');
  t.equal(at(6).departmentId, 'D1b', 'the section of two and its department of three form one class at the department');
  t.equal(at(15).departmentId, 'D2a', 'five alike: exact');
  t.equal(placed.filter((p) => p.exact).length, 6 + 3 + 5, 'only the section lost detail');
});

t.test(
  'a release plan sends out full-detail classes at once, waits with coarser ones until one is overdue, and sets aside what cannot be stored',
  async (t) => {
    const row = (id: string, waitingSince: string, cohorts: Cohort[]): OpenedRow => ({
      id,
      waitingSince,
      answers: cohorts.map((cohort) => ({ surveyVersionId: 'v', cohort, answers: { comments: id } })),
    });
    const exact: Cohort = { departmentId: 'D1a', tenureBand: '1to3', exitType: 'voluntary', regrettable: 'no', quarter: '2026-Q2' };
    const rows = [
      row('a', '2026-06-01', [exact, exact]),
      row('b', '2026-06-02', [exact, { ...exact, departmentId: 'D2a' }]),
      row('c', '2026-06-03', [
        { ...exact, departmentId: 'D2b' },
        { ...exact, departmentId: 'D3' },
      ]),
    ];
    const fresh = planRelease(rows, PATHS, { k: 3, maxDays: 7 }, '2026-06-04');
    t.equal(fresh.released.length, 3, 'the three alike go out at once');
    t.same(fresh.taken.sort(), ['a', 'b'], 'rows with an answer going out are taken');
    t.same(
      [...fresh.kept.values()].flat().map((a) => a.cohort.departmentId),
      ['D2a'],
      'the other answer of a taken row waits on',
    );
    t.same([...fresh.kept.keys()], ['2026-06-02'], 'keeping the day it began to wait');

    const late = planRelease(rows, PATHS, { k: 3, maxDays: 7 }, '2026-06-09');
    t.equal(late.released.length, 6, 'once one has waited 7 days, everything goes out in classes of 3');
    t.equal(
      late.released.filter((r) => r.cohort.departmentId === null).length,
      3,
      'the three scattered ones known only as the organisation',
    );

    const poisoned = row('d', '2026-06-04', [{ ...exact }]);
    poisoned.answers[0]!.answers = { comments: 'x\ud800y' };
    const withPoison = planRelease([...rows, poisoned], PATHS, { k: 3, maxDays: 7 }, '2026-06-04');
    t.equal(withPoison.setAside.length, 1, 'an answer with an unpaired surrogate is set aside');
    t.equal(withPoison.released.length, 3, 'and the rest go out as before');
  },
);
