import { ConditionRunner, Helpers, Model, surveyLocalization } from 'survey-core';
import { type Locale, translate } from '../i18n/messages.ts';
import { textLimit } from './answer-text.ts';
import type { AnswerChecker, AnswerError } from './answer-types.ts';

/**
 * Building a survey-core model and setting its data costs about a millisecond a
 * request, the whole budget of a completion. So a definition that keeps to the
 * plain features below is compiled once *through survey-core*: its model supplies
 * each question's type, choices, scale, length and required flag, its condition
 * engine evaluates visibleIf, and its localisation gives the "required" message.
 * Per request only those checks run. Anything else (validators, panels, matrices,
 * choicesVisibleIf, requiredIf, triggers…) is not compiled, and the full model
 * checks it. test/surveys.test.ts compares both checkers on random answers.
 */
const ELEMENT_KEYS = new Set([
  'type',
  'name',
  'title',
  'description',
  'isRequired',
  'visibleIf',
  'choices',
  'colCount',
  'maxLength',
  'rows',
  'rateMin',
  'rateMax',
  'rateStep',
  'rateValues',
  'minRateDescription',
  'maxRateDescription',
  'rateDescriptionLocation',
  'displayMode',
  'placeholder',
  'showOtherItem',
  'showNoneItem',
  'inputType',
]);
const PAGE_KEYS = new Set(['name', 'title', 'description', 'elements', 'visibleIf']);
const SINGLE = new Set(['radiogroup', 'dropdown']);
const MULTI = new Set(['checkbox', 'tagbox']);
const TEXT = new Set(['text', 'comment']);

interface CompiledQuestion {
  name: string;
  kind: 'single' | 'multi' | 'rating' | 'text' | 'boolean';
  required: boolean;
  /** The question's own condition and its page's, both of which must hold. */
  conditions: ConditionRunner[];
  allowed: unknown[];
  maxLength: number;
}

type Element = Record<string, unknown>;

function compilable(definition: Record<string, unknown>): boolean {
  const pages = definition.pages;
  if (!Array.isArray(pages)) return false;
  if (['triggers', 'calculatedValues', 'questionsOnPageMode'].some((key) => key in definition)) return false;
  return pages.every(
    (page: Element) =>
      Object.keys(page).every((key) => PAGE_KEYS.has(key)) &&
      Array.isArray(page.elements) &&
      page.elements.every((element: Element) => {
        const type = element.type as string;
        const known = SINGLE.has(type) || MULTI.has(type) || TEXT.has(type) || type === 'rating' || type === 'boolean';
        const plainText = type !== 'text' || element.inputType === undefined || element.inputType === 'text';
        return known && plainText && Object.keys(element).every((key) => ELEMENT_KEYS.has(key));
      }),
  );
}

/** The compiled checker, or undefined when the definition needs the full model. */
export function compileChecker(definition: Record<string, unknown>): AnswerChecker | undefined {
  if (!compilable(definition)) return undefined;
  const model = new Model(definition);
  const questions: CompiledQuestion[] = [];
  for (const page of model.pages) {
    for (const q of page.questions as Array<Record<string, any>>) {
      const type = q.getType() as string;
      const conditions = [page.visibleIf, q.visibleIf].filter(Boolean).map((expression) => new ConditionRunner(expression));
      const kind = SINGLE.has(type)
        ? 'single'
        : MULTI.has(type)
          ? 'multi'
          : type === 'rating'
            ? 'rating'
            : type === 'boolean'
              ? 'boolean'
              : 'text';
      const allowed =
        kind === 'single' || kind === 'multi'
          ? q.visibleChoices.map((c: { value: unknown }) => c.value)
          : kind === 'rating'
            ? q.visibleRateValues.map((v: { value: unknown }) => v.value)
            : kind === 'boolean'
              ? [q.getValueTrue(), q.getValueFalse()]
              : [];
      questions.push({
        name: q.getValueName(),
        kind,
        required: q.isRequired,
        conditions,
        allowed,
        maxLength: kind === 'text' ? textLimit(q.getMaxLength()) : -1,
      });
    }
  }
  const names = new Set(questions.map((q) => q.name));

  return (submitted, locale) => {
    const errors: AnswerError[] = [];
    for (const name of Object.keys(submitted)) {
      if (!names.has(name)) errors.push({ question: name, message: translate(locale, 'validation.unknown_question') });
    }
    const known: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(submitted)) if (names.has(name)) known[name] = value;
    const answers: Record<string, unknown> = {};
    for (const q of questions) {
      if (!q.conditions.every((condition) => condition.runValues(known))) continue;
      const value = known[q.name];
      if (Helpers.isValueEmpty(value)) {
        if (q.required) errors.push({ question: q.name, message: requiredMessage(locale) });
        continue;
      }
      const problem = shapeProblem(q, value, locale);
      if (problem) errors.push({ question: q.name, message: problem });
      else answers[q.name] = value;
    }
    return { errors, answers };
  };
}

function requiredMessage(locale: Locale): string {
  return surveyLocalization.getString('requiredError', locale) as string;
}

function shapeProblem(q: CompiledQuestion, value: unknown, locale: Locale): string | undefined {
  switch (q.kind) {
    case 'single':
      return q.allowed.includes(value) ? undefined : translate(locale, 'validation.choice');
    case 'multi':
      if (!Array.isArray(value)) return translate(locale, 'validation.type');
      return value.every((v) => q.allowed.includes(v)) ? undefined : translate(locale, 'validation.choice');
    case 'rating':
      return q.allowed.includes(value)
        ? undefined
        : translate(locale, 'validation.range', { min: String(q.allowed[0]), max: String(q.allowed.at(-1)) });
    case 'boolean':
      return q.allowed.includes(value) ? undefined : translate(locale, 'validation.type');
    case 'text':
      if (typeof value !== 'string') return translate(locale, 'validation.type');
      return value.length > q.maxLength ? translate(locale, 'validation.too_long', { limit: String(q.maxLength) }) : undefined;
  }
}
