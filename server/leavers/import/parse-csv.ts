export interface CsvRecord {
  /** The line the record starts on (1-based), as a spreadsheet would number it. */
  line: number;
  fields: string[];
}

/** What String.prototype.trim removes (white space and line terminators). */
const SPACE = /\s/;

/**
 * RFC 4180 CSV: comma separated, fields optionally in double quotes, "" for a quote
 * inside one, line breaks (CRLF or LF) allowed inside quotes. Blank lines are skipped.
 * A quote left open is reported by the line it opened on.
 */
export function parseCsv(text: string): { records: CsvRecord[] } | { unclosedQuoteLine: number } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  // Whether the field so far is only white space (so a quote may still open it). Kept as a
  // flag: trimming the field at every quote made a field full of quotes quadratic.
  let blank = true;
  const append = (c: string) => {
    field += c;
    if (blank && !SPACE.test(c)) blank = false;
  };
  const endField = () => {
    fields.push(field);
    field = '';
    blank = true;
  };
  const endRecord = () => {
    endField();
    if (fields.length > 1 || fields[0]!.trim() !== '') records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          append('"');
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        append(c);
      }
    } else if (c === '"' && blank) {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else append(c);
  }
  if (quoted) return { unclosedQuoteLine: quoteLine };
  if (field !== '' || fields.length > 0) endRecord();
  return { records };
}
