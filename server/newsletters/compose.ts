import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { NewsletterTable } from '../db/alumni-schema.ts';
import type { Locale } from '../db/schema.ts';
import { translate } from '../i18n/messages.ts';
import { inLocale, listActions } from '../improvements/actions.ts';
import { reasonLabels } from '../insights/labels.ts';
import type { NewsletterMailParams } from '../mail/render.ts';

export type Issue = Pick<
  Selectable<NewsletterTable>,
  'subject_ja' | 'subject_en' | 'body_ja' | 'body_en' | 'action_ids' | 'reasons_period'
>;
export type IssueContent = Omit<NewsletterMailParams, 'portalLink' | 'unsubscribeLink' | 'company'>;
const TOP_REASONS = 5;

/** '2026' or '2026-Q3' as the engine's from/to. */
const rangeOf = (period: string) => (period.includes('-Q') ? { from: period, to: period } : { from: `${period}-Q1`, to: `${period}-Q4` });

/**
 * The period's most common primary reasons for the whole company, as shares. Only
 * when the company's total for the period is shown under the k-rules (not rolled up
 * to another period), and only reasons that at least k people gave: a newsletter
 * leaves the company, so no small count goes with it.
 */
async function topReasons(app: FastifyInstance, period: string, locale: Locale): Promise<IssueContent['reasons']> {
  const summary = await app.insights.summarize(rangeOf(period), { all: true });
  const total = summary.total;
  if (!total || total.suppressed || summary.rolledUp) return null;
  const labels = reasonLabels(app.surveys, locale);
  const items = total.primaryReasons
    .filter((reason) => reason.count >= summary.k)
    .slice(0, TOP_REASONS)
    .map((reason) => ({ label: labels[reason.code] ?? reason.code, share: `${Math.round(reason.share * 100)}%` }));
  return items.length > 0 ? { period, items } : null;
}

/** An issue's content in one language: its text, the chosen published actions, the period's top reasons. */
export async function composeIssue(app: FastifyInstance, issue: Issue, locale: Locale): Promise<IssueContent> {
  const actions = await listActions(app.db, { ids: issue.action_ids, published: true });
  const body = locale === 'ja' ? issue.body_ja : issue.body_en;
  return {
    locale,
    subject: locale === 'ja' ? issue.subject_ja : issue.subject_en,
    paragraphs: body
      .split(/\r?\n\s*\r?\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    actions: actions.map((action) => ({ ...inLocale(action, locale), status: translate(locale, `improvements.status.${action.status}`) })),
    reasons: issue.reasons_period ? await topReasons(app, issue.reasons_period, locale) : null,
  };
}
