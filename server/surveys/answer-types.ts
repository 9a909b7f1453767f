import type { Locale } from '../i18n/locale.ts';

/** One refused answer, with its message in the respondent's language. */
export interface AnswerError {
  question: string;
  message: string;
}

export interface CheckedAnswers {
  errors: AnswerError[];
  /** The answers to store: those of visible questions only, as the browser keeps them. */
  answers: Record<string, unknown>;
}

/** Checks submitted answers against one survey definition (validate-answers.ts, compiled-checker.ts). */
export type AnswerChecker = (submitted: Record<string, unknown>, locale: Locale) => CheckedAnswers;
