import Compile from 'typebox/compile';
import type { MessageKey, Params } from '../../i18n/messages.ts';
import { fieldErrors } from '../../errors/validation-messages.ts';
import type { Locale } from '../../db/schema.ts';
import { normaliseDay } from '../../shared/dates.ts';
import { isStorableText } from '../../shared/text.ts';
import { LeaverInput, leaverInputProblems } from '../leaver-input.ts';
import type { CsvRecord } from './parse-csv.ts';

type Column = keyof LeaverInput;

/** Header names as HRIS exports write them, Japanese or English; case and spaces do not matter. */
const HEADERS: Record<string, Column> = {
  社員番号: 'employeeId',
  従業員番号: 'employeeId',
  employee_id: 'employeeId',
  employeeid: 'employeeId',
  氏名: 'name',
  名前: 'name',
  name: 'name',
  メール: 'email',
  メールアドレス: 'email',
  email: 'email',
  部署: 'department',
  所属: 'department',
  department: 'department',
  入社日: 'hireDate',
  hire_date: 'hireDate',
  hiredate: 'hireDate',
  退職日: 'lastDay',
  last_day: 'lastDay',
  lastday: 'lastDay',
  退職区分: 'exitType',
  exit_type: 'exitType',
  exittype: 'exitType',
  言語: 'locale',
  locale: 'locale',
  language: 'locale',
};
const REQUIRED: Column[] = ['employeeId', 'name', 'email', 'department', 'hireDate', 'lastDay', 'exitType'];

/** Values as people type them, Japanese labels included. */
const EXIT_TYPES: Record<string, LeaverInput['exitType']> = {
  voluntary: 'voluntary',
  自己都合: 'voluntary',
  自己都合退職: 'voluntary',
  involuntary: 'involuntary',
  会社都合: 'involuntary',
  会社都合退職: 'involuntary',
  retirement: 'retirement',
  定年: 'retirement',
  定年退職: 'retirement',
  contract_end: 'contract_end',
  契約期間満了: 'contract_end',
  契約満了: 'contract_end',
};
const LOCALES: Record<string, Locale> = { ja: 'ja', 日本語: 'ja', japanese: 'ja', en: 'en', 英語: 'en', english: 'en' };

export interface RowProblem {
  line: number;
  field?: string;
  messageKey: MessageKey;
  params?: Params;
  /** Already translated (from the schema's messages). */
  message?: string;
}

export interface ImportRow {
  line: number;
  input: LeaverInput;
}

// Compiled once: interpreting the schema for each of 50,000 rows took seconds.
const leaverInput = Compile(LeaverInput);

const key = (value: string) => value.trim().toLowerCase().replace(/\s+/g, '_');

/** Maps the header row to columns; an unknown or missing column stops the import. */
export function mapHeader(header: CsvRecord): { columns: Array<Column | undefined> } | { problems: RowProblem[] } {
  const columns = header.fields.map((name) => HEADERS[key(name)]);
  const problems: RowProblem[] = header.fields
    .filter((_name, i) => columns[i] === undefined && header.fields[i]!.trim() !== '')
    .map((name) => ({ line: header.line, messageKey: 'import.error.unknown_column', params: { column: name.trim() } }));
  for (const column of REQUIRED) {
    if (!columns.includes(column)) problems.push({ line: header.line, messageKey: 'import.error.missing_column', params: { column } });
  }
  const seen = new Set<Column>();
  for (const column of columns) {
    if (column && seen.has(column)) problems.push({ line: header.line, messageKey: 'import.error.duplicate_column', params: { column } });
    if (column) seen.add(column);
  }
  return problems.length > 0 ? { problems } : { columns };
}

/** One data row as a leaver, or every problem it has (one per field, in the reader's language). */
export function readRow(record: CsvRecord, columns: Array<Column | undefined>, locale: Locale): ImportRow | { problems: RowProblem[] } {
  const raw: Partial<Record<Column, string>> = {};
  columns.forEach((column, i) => {
    if (column) raw[column] = (record.fields[i] ?? '').trim();
  });
  const problems: RowProblem[] = [];
  // The first check to fail a field speaks for it; the later ones would only repeat it less precisely.
  const report = (problem: Omit<RowProblem, 'line'> & { field: string }) => {
    if (!problems.some((p) => p.field === problem.field)) problems.push({ line: record.line, ...problem });
  };
  // NUL (valid UTF-8, so the decoder keeps it) would reach PostgreSQL, which refuses it: a 500 for the whole file.
  for (const [column, value] of Object.entries(raw)) {
    if (!isStorableText(value)) report({ field: column, messageKey: 'import.error.text' });
  }
  const day = (column: 'hireDate' | 'lastDay') => {
    const value = raw[column] ?? '';
    const normalised = normaliseDay(value);
    if (value && !normalised) report({ field: column, messageKey: 'import.error.date', params: { value } });
    return normalised ?? value;
  };
  const exitType = EXIT_TYPES[key(raw.exitType ?? '')];
  if (raw.exitType && !exitType) report({ field: 'exitType', messageKey: 'import.error.exit_type', params: { value: raw.exitType } });
  const candidate = {
    employeeId: raw.employeeId ?? '',
    name: raw.name ?? '',
    email: raw.email ?? '',
    department: raw.department ?? '',
    hireDate: day('hireDate'),
    lastDay: day('lastDay'),
    exitType: exitType ?? raw.exitType ?? '',
    locale: LOCALES[key(raw.locale ?? '')] ?? (raw.locale ? raw.locale : 'ja'),
  };
  for (const error of fieldErrors(locale, leaverInput.Errors(candidate))) {
    report({ field: error.field, messageKey: 'import.error.field', message: error.message });
  }
  // Its checks read only strings, which every field of the candidate is, valid or not.
  for (const problem of leaverInputProblems(candidate as LeaverInput)) {
    report({ field: problem.field ?? '', messageKey: problem.messageKey ?? 'import.error.field' });
  }
  return problems.length > 0 ? { problems } : { line: record.line, input: candidate as LeaverInput };
}
