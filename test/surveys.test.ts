import { readFileSync } from 'node:fs';
import t from 'tap';
import { Model } from 'survey-core';
import { checkAnswers } from '../server/surveys/validate-answers.ts';
import { buildTestApp } from './helpers/app.ts';
import { validAnswers } from './helpers/fixtures.ts';

const definition = JSON.parse(readFileSync(new URL('../surveys/exit-interview.json', import.meta.url), 'utf8'));
const REASONS = [
  'pay_benefits',
  'working_conditions',
  'job_content',
  'career_growth',
  'evaluation',
  'manager',
  'relationships',
  'company_future',
  'culture',
  'work_environment',
  'job_security',
  'better_offer',
  'family_care',
  'health',
  'relocation',
  'contract_end',
  'other',
];

t.test('the exit interview has the questions reports rely on', async (t) => {
  const model = new Model(definition);
  const q = (name: string) => model.getQuestionByName(name) as any;
  t.equal(q('primary_reason').getType(), 'radiogroup');
  t.equal(q('reasons').getType(), 'checkbox');
  t.same(
    q('primary_reason').choices.map((c: any) => c.value),
    REASONS,
  );
  t.same(
    q('reasons').choices.map((c: any) => c.value),
    REASONS,
  );
  t.match(q('enps'), { rateMin: 0, rateMax: 10 });
  t.match(q('would_return'), { rateMin: 1, rateMax: 5 });
  t.match(q('manager_support'), { rateMin: 1, rateMax: 5 });
  t.equal(q('improvement').getType(), 'comment');
  t.equal(q('comments').getType(), 'comment');
  t.notOk(q('comments').isRequired, 'comments are optional');
  t.equal(definition.locale, 'ja', 'Japanese by default');
  t.equal(definition.showProgressBar, 'top');
  const names = model
    .getAllQuestions()
    .map((question) => question.name)
    .join(' ');
  t.notMatch(names, /name|department|tenure|email|employee/, 'never asks for identifying data');
});

t.test('every string is localised in English and Japanese', async (t) => {
  const missing: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const here = `${path}.${key}`;
      if (['title', 'description', 'text', 'completedHtml', 'minRateDescription', 'maxRateDescription', 'placeholder'].includes(key)) {
        if (typeof value !== 'object' || !(value as any).default || !(value as any).ja) missing.push(here);
      } else walk(value, here);
    }
  };
  walk(definition, '$');
  t.same(missing, [], 'no string without both default (English) and ja');
  t.equal(definition.pages[0].elements[0].choices[0].text.ja, '給与・福利厚生');
});

t.test('the manager question appears only when the manager was a reason', async (t) => {
  const model = new Model(definition);
  const aspect = model.getQuestionByName('manager_aspects');
  model.data = { primary_reason: 'pay_benefits' };
  t.notOk(aspect.isVisible);
  model.data = { primary_reason: 'pay_benefits', reasons: ['manager'] };
  t.ok(aspect.isVisible);
  model.data = { primary_reason: 'manager' };
  t.ok(aspect.isVisible);
});

t.test('valid answers pass; invisible answers are dropped', async (t) => {
  const result = checkAnswers(
    definition,
    validAnswers({ primary_reason: 'pay_benefits', reasons: ['health'], manager_aspects: ['fairness'] }),
    'en',
  );
  t.same(result.errors, []);
  t.notOk('manager_aspects' in result.answers);
  const other = checkAnswers(definition, validAnswers({ primary_reason: 'other', primary_reason_other: '起業' }), 'ja');
  t.same(other.errors, []);
  t.equal(other.answers.primary_reason_other, '起業');
});

t.test('wrong types are caught', async (t) => {
  const result = checkAnswers(definition, validAnswers({ reasons: 'pay_benefits', enps: '7', improvement: 42 }), 'en');
  t.same(result.errors.map((e) => e.question).sort(), ['enps', 'improvement', 'reasons']);
});

t.test('each definition is stored with its hash and served', async (t) => {
  const { app } = await buildTestApp(t);
  const current = app.surveys.current('exit-interview');
  const row = await app.db.selectFrom('survey_version').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow();
  t.match(row.hash, /^[0-9a-f]{64}$/);
  t.same(row.definition, definition);
});

t.test('the compiled checker agrees with the full survey-core model on random answers', async (t) => {
  const { compileChecker } = await import('../server/surveys/compiled-checker.ts');
  const { modelChecker } = await import('../server/surveys/validate-answers.ts');
  const compiled = compileChecker(definition);
  t.ok(compiled, 'the exit interview compiles');
  const model = modelChecker(definition);

  // A seeded generator: a failure names its seed and can be replayed.
  let seed = 20261121;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const candidates = (name: string): unknown[] => [
    ...REASONS,
    'bogus',
    '',
    null,
    0,
    3,
    5,
    10,
    11,
    -1,
    2.5,
    '7',
    true,
    [],
    ['manager'],
    ['pay_benefits', 'health'],
    ['nope'],
    'x'.repeat(4001),
    'ちょうどいい長さの回答',
    { nested: 1 },
    ['fairness', 'respect'],
    name === 'manager_aspects' ? 'fairness' : 'text',
  ];
  const names = [
    'primary_reason',
    'primary_reason_other',
    'reasons',
    'manager_aspects',
    'manager_support',
    'liked_most',
    'enps',
    'would_return',
    'improvement',
    'comments',
    'unknown_question',
  ];

  let disagreements = 0;
  for (let i = 0; i < 3000; i++) {
    const answers: Record<string, unknown> = {};
    for (const name of names) if (random() < 0.6) answers[name] = pick(candidates(name));
    if (random() < 0.3) Object.assign(answers, validAnswers());
    const locale = random() < 0.5 ? 'ja' : 'en';
    const a = JSON.stringify(compiled!(answers, locale));
    const b = JSON.stringify(model(answers, locale));
    const short = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
    if (a !== b && disagreements++ < 3) t.fail(`case ${i}: ${short(JSON.stringify(answers))} → compiled ${short(a)} but model ${short(b)}`);
  }
  t.equal(disagreements, 0, '3,000 random answer sets, identical results');
});

t.test('a definition with features outside the compiled subset falls back to the full model', async (t) => {
  const { compileChecker } = await import('../server/surveys/compiled-checker.ts');
  const withValidator = { pages: [{ elements: [{ type: 'text', name: 'a', validators: [{ type: 'email' }] }] }] };
  const withPanel = { pages: [{ elements: [{ type: 'panel', name: 'p', elements: [] }] }] };
  t.equal(compileChecker(withValidator), undefined);
  t.equal(compileChecker(withPanel), undefined);
  const result = checkAnswers(withValidator, { a: 'not an email' }, 'en');
  t.equal(result.errors.length, 1, 'and survey-core still applies the validator');
});
