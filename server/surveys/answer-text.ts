import { type Locale, translate } from '../i18n/messages.ts';
import { isStorableText } from '../shared/text.ts';
import type { AnswerError, CheckedAnswers } from './answer-types.ts';

/**
 * Free text is at most this many UTF-16 code units (JavaScript's length, the unit of
 * the browser's maxlength), whatever a definition says: so at most 1,200 bytes of
 * UTF-8, which the fixed-size padding of sealed answers and drafts relies on.
 */
export const MAX_ANSWER_LENGTH = 400;
/** The limit a text question has: its definition's, if lower. */
export const textLimit = (defined: number | null | undefined): number =>
  defined && defined > 0 ? Math.min(defined, MAX_ANSWER_LENGTH) : MAX_ANSWER_LENGTH;
/** C0 controls but tab, LF and CR: nobody types them, and JSON writes each as six bytes (\u0001), past that bound. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/** Deeper than any answer survey-core gives; the HTTP boundary refuses deeper bodies already. */
const MAX_DEPTH = 16;

function textProblem(text: string, locale: Locale): string | undefined {
  if (text.length > MAX_ANSWER_LENGTH) return translate(locale, 'validation.too_long', { limit: MAX_ANSWER_LENGTH });
  if (CONTROL.test(text) || !isStorableText(text)) return translate(locale, 'validation.control_chars');
  return undefined;
}

/** The first problem with any string in one answer, however it is nested (matrices, multiple text, keys included). */
function answerProblem(value: unknown, locale: Locale, depth: number): string | undefined {
  if (typeof value === 'string') return textProblem(value, locale);
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return translate(locale, 'validation.type');
  for (const [key, item] of Object.entries(value)) {
    const problem = (Array.isArray(value) ? undefined : textProblem(key, locale)) ?? answerProblem(item, locale, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** One error per answer with text too long or with control characters: drafts and completions alike. */
export function answerTextErrors(answers: Record<string, unknown>, locale: Locale): AnswerError[] {
  const errors: AnswerError[] = [];
  for (const [question, value] of Object.entries(answers)) {
    const message = answerProblem(value, locale, 0);
    if (message) errors.push({ question, message });
  }
  return errors;
}

/** Adds the text errors to a definition's check; where both found one for a question, the check's (which knows a lower maxLength) is kept. */
export function withTextErrors(checked: CheckedAnswers, submitted: Record<string, unknown>, locale: Locale): CheckedAnswers {
  const text = answerTextErrors(submitted, locale);
  if (text.length === 0) return checked;
  const flagged = new Set(checked.errors.map((error) => error.question));
  return { errors: [...checked.errors, ...text.filter((error) => !flagged.has(error.question))], answers: {} };
}
