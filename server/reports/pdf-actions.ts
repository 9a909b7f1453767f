import type { MessageKey, Params } from '../i18n/messages.ts';
import type { QuarterlyData } from './quarterly-data.ts';

const MAX_DESCRIPTION = 280;

/** "You said, we did" in the report: each action with its status and the reasons it addresses. */
export function actionList(
  doc: PDFKit.PDFDocument,
  actions: QuarterlyData['actions'],
  t: (key: MessageKey, params?: Params) => string,
  width: number,
  heading: (text: string, needs?: number) => void,
): void {
  heading(t('report.actions'), 40);
  if (actions.length === 0) {
    doc.fillColor('#52606d').text(t('report.actions_none'), { width }).fillColor('#1f2933');
    return;
  }
  for (const action of actions) {
    doc.fontSize(11).text(`${action.title}  [${t(`improvements.status.${action.status}`)}]`, { width });
    if (action.reasons.length)
      doc
        .fontSize(9)
        .fillColor('#52606d')
        .text(t('report.actions_reasons', { reasons: action.reasons.join(' / ') }), { width })
        .fillColor('#1f2933');
    const description =
      action.description.length > MAX_DESCRIPTION ? `${action.description.slice(0, MAX_DESCRIPTION)}…` : action.description;
    if (description) doc.fontSize(9).text(description, { width });
    doc.fontSize(10).moveDown(0.5);
  }
}
