import type { Locale } from '../db/schema.ts';
import { DEFAULT_SURVEY, type Surveys } from '../surveys/plugin.ts';

type Text = string | Record<string, string>;

/** The survey's own wording for a question's choices, in the reader's language. */
function choiceLabels(definition: Record<string, unknown>, question: string, locale: Locale): Record<string, string> {
  const pages = (definition.pages ?? []) as Array<{ elements?: Array<{ name: string; choices?: Array<{ value: string; text?: Text }> }> }>;
  const element = pages.flatMap((page) => page.elements ?? []).find((e) => e.name === question);
  const text = (t: Text | undefined, fallback: string) =>
    typeof t === 'string' ? t : (t?.[locale === 'ja' ? 'ja' : 'default'] ?? t?.default ?? fallback);
  return Object.fromEntries((element?.choices ?? []).map((choice) => [choice.value, text(choice.text, choice.value)]));
}

/** The current exit interview's reasons for leaving (its primary_reason choices), code → wording. */
export function reasonLabels(surveys: Surveys, locale: Locale): Record<string, string> {
  return choiceLabels(surveys.current(DEFAULT_SURVEY).definition, 'primary_reason', locale);
}
