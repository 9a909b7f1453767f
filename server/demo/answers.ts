/** Plausible exit-interview answers for the demo company, from a seeded random source. */

/** Main reasons, weighted after the MHLW job-changer survey (雇用動向調査, reasons for leaving the previous job). */
const REASON_WEIGHTS: Array<[string, number]> = [
  ['working_conditions', 11],
  ['pay_benefits', 10],
  ['relationships', 9],
  ['contract_end', 8],
  ['career_growth', 8],
  ['job_content', 7],
  ['company_future', 6],
  ['manager', 6],
  ['better_offer', 6],
  ['evaluation', 5],
  ['culture', 4],
  ['family_care', 4],
  ['health', 4],
  ['other', 4],
  ['work_environment', 3],
  ['relocation', 3],
  ['job_security', 2],
];

const COMMENTS = {
  ja: [
    '評価の基準がもっと分かりやすいとよかったです。',
    '残業が多く、家族との時間が取れませんでした。',
    'チームの雰囲気はとても良かったです。',
    '若手の意見をもっと聞いてほしいです。',
    '研修制度が充実すると、成長を実感しやすいと思います。',
    '在宅勤務の選択肢があれば続けられたかもしれません。',
    '給与水準を市場に合わせて見直してほしいです。',
    '上司との1on1をもっと定期的に行ってほしかったです。',
  ],
  en: [
    'Clearer promotion criteria would help a lot.',
    'Too much overtime; I could not spend time with my family.',
    'The team was great to work with.',
    'Please listen more to junior staff.',
    'More training would make growth easier to see.',
    'With a remote option I might have stayed.',
    'Pay should be reviewed against the market.',
    'Regular one-on-ones with my manager would have helped.',
  ],
};

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function pick<T>(random: Random, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1]![0];
}

const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

export function demoAnswers(random: Random, locale: 'ja' | 'en', exitType: string): Record<string, unknown> {
  const primary =
    exitType === 'contract_end'
      ? 'contract_end'
      : exitType === 'retirement'
        ? pick(random, [
            ['other', 3],
            ['health', 1],
            ['family_care', 1],
          ])
        : pick(random, REASON_WEIGHTS);
  const reasons = new Set([primary]);
  for (let i = between(random, 0, 2); i > 0; i--) reasons.add(pick(random, REASON_WEIGHTS));
  const managerIssue = reasons.has('manager');
  const unhappy = ['relationships', 'manager', 'evaluation', 'working_conditions'].includes(primary);
  const answers: Record<string, unknown> = {
    primary_reason: primary,
    reasons: [...reasons],
    manager_support: managerIssue ? between(random, 1, 2) : between(random, 2, 5),
    enps: unhappy ? between(random, 0, 7) : between(random, 3, 10),
    would_return: unhappy ? between(random, 1, 3) : between(random, 2, 5),
    improvement: COMMENTS[locale][between(random, 0, COMMENTS[locale].length - 1)],
  };
  if (primary === 'other') answers.primary_reason_other = locale === 'ja' ? '家業を継ぐため' : 'Joining the family business';
  if (managerIssue)
    answers.manager_aspects = [
      pick(random, [
        ['communication', 3],
        ['fairness', 2],
        ['growth_support', 2],
        ['recognition', 2],
        ['workload', 1],
      ]),
    ];
  return answers;
}
