/**
 * One CSV cell. Text that a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe: names and companies are typed by outsiders. Numbers stay numbers.
 */
const cellText = (value: unknown) => {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows as CSV, UTF-8 with a BOM so that Excel in Japan opens it correctly. */
export function toCsv(rows: unknown[][]): string {
  return `\uFEFF${rows.map((row) => row.map(cellText).join(',')).join('\r\n')}\r\n`;
}
