import { toCsv } from '../shared/csv.ts';
import type { Summary } from './summary.ts';

/**
 * The report's aggregated table as CSV, UTF-8 with a BOM so that Excel in Japan
 * opens it correctly. A suppressed group has "suppressed" and no number at all.
 */
export function summaryCsv(
  summary: Summary,
  reasonCodes: string[],
  header: { group: string; suppressed: string; lessDetailed: string },
): string {
  const columns = [
    'responses',
    'invited',
    'response_rate',
    'enps',
    'would_return_mean',
    'would_return_share_4_5',
    'manager_support_mean',
    ...reasonCodes.map((c) => `primary:${c}`),
    ...reasonCodes.map((c) => `reason:${c}`),
  ];
  const rows = [[header.group, ...columns]];
  const entries = [...(summary.total ? [{ label: 'total', value: summary.total }] : []), ...summary.groups];
  for (const { label, value } of entries) {
    if (value.suppressed) {
      rows.push([label, header.suppressed]);
      continue;
    }
    const primary = new Map(value.primaryReasons.map((r) => [r.code, r.count]));
    const reasons = new Map(value.reasons.map((r) => [r.code, r.count]));
    rows.push([
      label,
      String(value.responses),
      String(value.invited),
      value.responseRate === null ? '' : String(value.responseRate),
      value.enps ? String(value.enps.score) : '',
      value.wouldReturn ? String(value.wouldReturn.mean) : '',
      value.wouldReturn ? String(value.wouldReturn.share4to5) : '',
      value.managerSupport ? String(value.managerSupport.mean) : '',
      ...reasonCodes.map((c) => String(primary.get(c) ?? 0)),
      ...reasonCodes.map((c) => String(reasons.get(c) ?? 0)),
    ]);
  }
  // A last row of one cell says so when answers known only at a coarser level are left out of these rows.
  if (summary.lessDetailed) rows.push([header.lessDetailed]);
  return toCsv(rows);
}
