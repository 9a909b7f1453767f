import type { FastifyInstance } from 'fastify';
import { quarterOf } from '../answers/cohort.ts';
import { DEFAULT_LOCALE } from '../i18n/messages.ts';
import { previousQuarter, today } from '../shared/dates.ts';
import { mailQuarterlyReports } from './batch.ts';

/**
 * At the start of a quarter, when the setting is on, mails each manager their
 * reports for the quarter that ended. The claim is one UPDATE on the settings row,
 * so of several instances exactly one sends; if sending fails, the claim is given
 * back and the next pass tries again. Returns the mails queued.
 */
export async function sendScheduledQuarterlyReports(app: FastifyInstance): Promise<number> {
  const ended = previousQuarter(quarterOf(today()));
  const claimed = await app.db
    .updateTable('org_settings')
    .set({ quarterly_reports_done_for: ended })
    .where('quarterly_reports', '=', true)
    .where((eb) => eb.or([eb('quarterly_reports_done_for', 'is', null), eb('quarterly_reports_done_for', '<', ended)]))
    .returning('quarterly_reports_done_for')
    .executeTakeFirst();
  if (!claimed) return 0;
  try {
    return await mailQuarterlyReports(app, { quarter: ended, locale: DEFAULT_LOCALE });
  } catch (error) {
    await app.db
      .updateTable('org_settings')
      .set({ quarterly_reports_done_for: previousQuarter(ended) })
      .where('quarterly_reports_done_for', '=', ended)
      .execute();
    throw error;
  }
}
