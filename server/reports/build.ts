import type { FastifyInstance } from 'fastify';
import { type Locale, translate } from '../i18n/messages.ts';
import type { Scope } from '../insights/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { today } from '../shared/dates.ts';
import { quarterlyData } from './quarterly-data.ts';

/** One department's quarterly PDF in the reader's language, under the reader's scope. */
export async function buildQuarterlyReport(app: FastifyInstance, quarter: string, departmentId: string, scope: Scope, locale: Locale) {
  const data = await quarterlyData(app, quarter, departmentId, scope, locale);
  // pdfkit, the canvas and Chart.js load on the first report, not with every process (the CLI starts often).
  const { quarterlyPdf } = await import('./pdf.ts');
  const settings = await loadSettings(app.db);
  const pdf = await quarterlyPdf(data, (key, params) => translate(locale, key, params), {
    locale,
    organisation: settings.senderName ?? app.config.orgName,
    generatedOn: today(),
    tenureLabel: (key) => translate(locale, `insights.tenure.${key}` as 'insights.tenure.lt1'),
    exitLabel: (key) => translate(locale, `leavers.exit.${key}` as 'leavers.exit.voluntary'),
  });
  return { pdf, department: data.department };
}
