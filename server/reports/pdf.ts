import PDFDocument from 'pdfkit';
import type { Locale, MessageKey, Params } from '../i18n/messages.ts';
import type { Cell } from '../insights/measures.ts';
import type { ChartImage } from './charts.ts';
import { useReportFont } from './pdf-font.ts';
import type { QuarterlyData } from './quarterly-data.ts';
import { actionList } from './pdf-actions.ts';
import { groupsChart, reasonsChart, trendChart } from './report-charts.ts';

type T = (key: MessageKey, params?: Params) => string;

interface Metric {
  key: MessageKey;
  value: (cell: Exclude<Cell, { suppressed: true }>) => number | null;
  format: (n: number) => string;
  /** A change of a rate is in percentage points. */
  change?: (n: number) => string;
}

const METRICS: Metric[] = [
  { key: 'report.leavers', value: (c) => c.invited, format: String },
  { key: 'report.responses', value: (c) => c.responses, format: String },
  {
    key: 'report.response_rate',
    value: (c) => c.responseRate,
    format: (n) => `${Math.round(n * 1000) / 10}%`,
    change: (n) => `${Math.round(n * 1000) / 10} pt`,
  },
  { key: 'report.enps', value: (c) => c.enps?.score ?? null, format: String },
  { key: 'report.would_return', value: (c) => c.wouldReturn?.mean ?? null, format: (n) => n.toFixed(2) },
  { key: 'report.manager_support', value: (c) => c.managerSupport?.mean ?? null, format: (n) => n.toFixed(2) },
];

/** A department's quarterly report as a PDF: A4, Japanese or English, every suppressed number marked. */
export async function quarterlyPdf(
  data: QuarterlyData,
  t: T,
  meta: {
    locale: Locale;
    organisation: string;
    generatedOn: string;
    tenureLabel: (k: string) => string;
    exitLabel: (k: string) => string;
    font?: { shareParsedFont?: boolean };
  },
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    lang: meta.locale,
    info: { Title: `${t('report.title')} ${data.quarter} ${data.department.name}`, Author: meta.organisation },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  // One face under two names: each face is subset per document, a good part of a report's time.
  useReportFont(doc, ['body', 'bold'], meta.font);
  const width = doc.page.width - 100;
  /** A heading stays with what follows it: it starts a new page when that would not fit below it. */
  const heading = (text: string, needs = 120) => {
    if (doc.y + 40 + needs > doc.page.height - 60) doc.addPage();
    doc.moveDown(0.8).font('bold').fontSize(14).fillColor('#1f2933').text(text).moveDown(0.4).font('body').fontSize(10);
  };
  const heightAt = (chart: ChartImage, w: number) => (w * chart.height) / chart.width;
  // An image placed at a position does not move the text cursor: move it below by hand.
  const image = (png: ChartImage | null, w: number) => {
    if (!png) {
      doc.fillColor('#52606d').text(t('report.no_chart')).fillColor('#1f2933');
      return;
    }
    const h = heightAt(png, w);
    if (doc.y + h > doc.page.height - 70) doc.addPage();
    const y = doc.y;
    doc.image(png.jpeg, 50, y, { width: w });
    doc.y = y + h + 8;
  };

  // Cover block
  doc.font('bold').fontSize(22).fillColor('#19b394').text(t('report.title'));
  doc.font('bold').fontSize(13).fillColor('#1f2933').text(meta.organisation).moveDown(0.3);
  doc
    .font('body')
    .fontSize(11)
    .text(t('report.department', { department: data.department.name }))
    .text(t('report.quarter', { quarter: data.quarter }))
    .text(t('report.generated', { date: meta.generatedOn }));
  doc
    .moveDown(0.3)
    .fontSize(9)
    .fillColor('#52606d')
    .text(t('report.threshold', { k: data.k }), { width });
  if (data.lessDetailed) doc.moveDown(0.2).text(t('report.less_detailed', { k: data.k }), { width });
  doc.fillColor('#1f2933');

  heading(t('report.headline'));
  const columns = [50, 230, 340, 450];
  const row = (cells: string[]) => {
    const y = doc.y;
    cells.forEach((text, i) => doc.text(text, columns[i]!, y, { width: i === 0 ? 175 : 105, lineBreak: false }));
    doc.y = y + 18;
  };
  doc.font('bold').fontSize(10);
  row([t('report.metric'), t('report.this_quarter'), t('report.previous', { quarter: data.previousQuarter }), t('report.change')]);
  doc.font('body');
  for (const metric of METRICS) {
    const now = data.current.suppressed ? null : metric.value(data.current);
    const before = data.previous.suppressed ? null : metric.value(data.previous);
    const cell = (c: Cell, n: number | null) => (c.suppressed ? t('report.suppressed') : n === null ? '—' : metric.format(n));
    const delta = now !== null && before !== null ? Math.round((now - before) * 1000) / 1000 : null;
    const change = delta === null ? '—' : `${delta >= 0 ? '+' : ''}${(metric.change ?? metric.format)(delta)}`;
    row([t(metric.key), cell(data.current, now), cell(data.previous, before), change]);
  }
  doc.x = 50;

  const reasons = reasonsChart(data.current, data.reasonLabels, t);
  heading(t('report.reasons'), reasons ? heightAt(reasons, width) : 20);
  image(reasons, width);
  actionList(doc, data.actions, t, width, heading);
  const trend = trendChart(data.current, data.trend, data.reasonLabels, t);
  heading(t('report.trend'), trend ? heightAt(trend, width) : 20);
  image(trend, width);
  const tenure = groupsChart(data.byTenure, meta.tenureLabel, t);
  const exit = groupsChart(data.byExitType, meta.exitLabel, t);
  const half = width / 2 - 5;
  const pairHeight = Math.max(tenure ? heightAt(tenure, half) : 0, exit ? heightAt(exit, half) : 0);
  heading(`${t('report.tenure')} / ${t('report.exit_type')}`, pairHeight || 20);
  const top = doc.y;
  if (tenure) doc.image(tenure.jpeg, 50, top, { width: half });
  if (exit) doc.image(exit.jpeg, 50 + half + 10, top, { width: half });
  if (!tenure && !exit) doc.text(t('report.no_chart'));
  else doc.y = top + pairHeight + 10;
  doc.x = 50;

  heading(t('report.comments'));
  if (data.comments === null) doc.fillColor('#52606d').text(t('report.comments_hidden')).fillColor('#1f2933');
  else if (data.comments.length === 0) doc.text(t('report.comments_none'));
  else for (const comment of data.comments) doc.text(`「${comment}」`, { width, paragraphGap: 6 });

  doc
    .moveDown(1)
    .fontSize(8)
    .fillColor('#52606d')
    .text(t('report.footnote', { k: data.k }), { width });
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin; without this pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc
      .fontSize(8)
      .fillColor('#9aa5b1')
      .text(t('report.page', { page: i + 1, pages: range.count }), 50, doc.page.height - 40, { width, align: 'right', lineBreak: false });
  }
  doc.end();
  return done;
}
