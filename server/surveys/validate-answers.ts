import { type Question, Model } from 'survey-core';
import 'survey-core/i18n/japanese';
import { type Locale, translate } from '../i18n/messages.ts';
import { textLimit, withTextErrors } from './answer-text.ts';
import type { AnswerChecker, AnswerError, CheckedAnswers } from './answer-types.ts';
import { compileChecker } from './compiled-checker.ts';

export type { AnswerChecker, AnswerError, CheckedAnswers };

const CHOICE_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox', 'imagepicker', 'ranking']);
const MULTI_TYPES = new Set(['checkbox', 'tagbox', 'ranking']);
const TEXT_TYPES = new Set(['text', 'comment']);

type AnyQuestion = Question & Record<string, any>;

function choiceValues(question: AnyQuestion): unknown[] {
  return (question.visibleChoices ?? []).map((choice: { value: unknown }) => choice.value);
}

/** What survey-core itself does not check: values outside the choices, the scale or the length. */
function shapeError(question: AnyQuestion, value: unknown, locale: Locale): string | undefined {
  const type = question.getType();
  if (CHOICE_TYPES.has(type)) {
    const allowed = choiceValues(question);
    const values = MULTI_TYPES.has(type) ? value : [value];
    if (!Array.isArray(values)) return translate(locale, 'validation.type');
    if (values.some((v) => !allowed.includes(v))) return translate(locale, 'validation.choice');
  } else if (type === 'rating') {
    const allowed = (question.visibleRateValues ?? []).map((item: { value: unknown }) => item.value);
    if (!allowed.includes(value)) {
      return translate(locale, 'validation.range', { min: String(allowed[0]), max: String(allowed.at(-1)) });
    }
  } else if (type === 'boolean') {
    if (![question.getValueTrue(), question.getValueFalse()].includes(value)) return translate(locale, 'validation.type');
  } else if (TEXT_TYPES.has(type)) {
    const numeric = type === 'text' && ['number', 'range'].includes(question.inputType);
    if (numeric ? typeof value !== 'number' : typeof value !== 'string') return translate(locale, 'validation.type');
    const limit = textLimit(question.getMaxLength?.() ?? question.maxLength);
    if (typeof value === 'string' && value.length > limit) {
      return translate(locale, 'validation.too_long', { limit: String(limit) });
    }
  }
  return undefined;
}

/**
 * Validates answers against a survey definition with survey-core, the same engine
 * the browser runs: required questions, visibility, validators and ranges; and,
 * whatever the definition says, the length and characters of every string in them.
 * Building a model costs milliseconds, so one is kept per definition and reused;
 * that is safe because a check runs synchronously from start to end.
 */
export function answerChecker(definition: Record<string, unknown>): AnswerChecker {
  const check = compileChecker(definition) ?? modelChecker(definition);
  return (submitted, locale) => withTextErrors(check(submitted, locale), submitted, locale);
}

/** The full survey-core model: every feature, about a millisecond a check. */
export function modelChecker(definition: object): AnswerChecker {
  const model = new Model(definition);
  const questions = new Map(model.getAllQuestions().map((q) => [q.getValueName(), q as AnyQuestion]));
  return (submitted, locale) => check(model, questions, submitted, locale);
}

/** One-off check (tests, tools); the server uses a cached answerChecker. */
export function checkAnswers(definition: Record<string, unknown>, submitted: Record<string, unknown>, locale: Locale): CheckedAnswers {
  return answerChecker(definition)(submitted, locale);
}

function check(model: Model, questions: Map<string, AnyQuestion>, submitted: Record<string, unknown>, locale: Locale): CheckedAnswers {
  model.locale = locale;
  const errors: AnswerError[] = [];
  for (const name of Object.keys(submitted)) {
    if (!questions.has(name)) errors.push({ question: name, message: translate(locale, 'validation.unknown_question') });
  }
  const known = Object.fromEntries(Object.entries(submitted).filter(([name]) => questions.has(name)));
  model.data = known;

  const answers: Record<string, unknown> = {};
  for (const [name, question] of questions) {
    if (!question.isVisible || !question.isParentVisible) continue;
    const value = known[name];
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    const shape = empty ? undefined : shapeError(question, value, locale);
    if (shape) {
      errors.push({ question: name, message: shape });
      continue;
    }
    question.validate(true);
    if (question.errors.length > 0) {
      errors.push(...question.errors.map((error) => ({ question: name, message: error.getText() })));
      continue;
    }
    if (!empty) answers[name] = value;
  }
  return { errors, answers };
}
