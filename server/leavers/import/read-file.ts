import type { Locale } from '../../db/schema.ts';
import { type CsvEncoding, decodeCsv } from './decode.ts';
import { parseCsv } from './parse-csv.ts';
import { type ImportRow, mapHeader, readRow, type RowProblem } from './rows.ts';

export const MAX_IMPORT_ROWS = 50_000;

export interface ReadFile {
  encoding?: CsvEncoding;
  rows: ImportRow[];
  problems: RowProblem[];
}

/** Bytes of an uploaded CSV to leaver rows, with every problem found (not only the first). */
export function readImportFile(bytes: Uint8Array, locale: Locale): ReadFile {
  const decoded = decodeCsv(bytes);
  if (!decoded) return { rows: [], problems: [{ line: 1, messageKey: 'import.error.encoding' }] };
  const parsed = parseCsv(decoded.text);
  if ('unclosedQuoteLine' in parsed)
    return { encoding: decoded.encoding, rows: [], problems: [{ line: parsed.unclosedQuoteLine, messageKey: 'import.error.quote' }] };
  const [header, ...records] = parsed.records;
  if (!header || records.length === 0)
    return { encoding: decoded.encoding, rows: [], problems: [{ line: 1, messageKey: 'import.error.empty' }] };
  if (records.length > MAX_IMPORT_ROWS)
    return {
      encoding: decoded.encoding,
      rows: [],
      problems: [{ line: 1, messageKey: 'import.error.too_many', params: { max: MAX_IMPORT_ROWS } }],
    };
  const mapped = mapHeader(header);
  if ('problems' in mapped) return { encoding: decoded.encoding, rows: [], problems: mapped.problems };
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  for (const record of records) {
    const read = readRow(record, mapped.columns, locale);
    if ('problems' in read) problems.push(...read.problems);
    else rows.push(read);
  }
  return { encoding: decoded.encoding, rows, problems };
}
