import { type Kysely, sql } from 'kysely';
import type { Database, Leaver } from '../../db/schema.ts';
import type { LeaverInput } from '../leaver-input.ts';
import { LEAVER_IS_OPEN } from '../register-leaver.ts';
import type { ImportRow, RowProblem } from './rows.ts';

export interface PlannedUpdate {
  row: ImportRow;
  leaverId: string;
  /** Names of the fields that differ (for the preview). */
  changes: Array<keyof LeaverInput>;
}

export interface ImportPlan {
  create: ImportRow[];
  update: PlannedUpdate[];
  unchanged: ImportRow[];
  problems: RowProblem[];
}

type Existing = Pick<Leaver, 'id' | 'employee_id' | 'name' | 'email' | 'hire_date' | 'last_day' | 'exit_type' | 'locale'> & {
  department: string;
  open: boolean;
};

const CHUNK = 1000;

/** The leavers (with personal data still held) that the file's employee ids may mean. */
async function existingLeavers(db: Kysely<Database>, employeeIds: string[]): Promise<Map<string, Existing[]>> {
  const byEmployee = new Map<string, Existing[]>();
  for (let i = 0; i < employeeIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('leaver')
      .innerJoin('department', 'department.id', 'leaver.department_id')
      .select([
        'leaver.id',
        'employee_id',
        'leaver.name',
        'email',
        'hire_date',
        'last_day',
        'exit_type',
        'locale',
        'department.name as department',
      ])
      .select(LEAVER_IS_OPEN.as('open'))
      .where('employee_id', 'in', employeeIds.slice(i, i + CHUNK))
      .where('erased_at', 'is', null)
      .execute();
    for (const row of rows) byEmployee.set(row.employee_id!, [...(byEmployee.get(row.employee_id!) ?? []), row as Existing]);
  }
  return byEmployee;
}

/** Department names used more than once in the tree: a row must then give the id. */
async function ambiguousDepartments(db: Kysely<Database>, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db
    .selectFrom('department')
    .select('name')
    .where('name', 'in', names)
    .groupBy('name')
    .having(sql`count(*)`, '>', 1)
    .execute();
  return new Set(rows.map((row) => row.name));
}

const COMPARED: Array<[keyof LeaverInput, (e: Existing) => string]> = [
  ['name', (e) => e.name!],
  ['email', (e) => e.email!],
  ['department', (e) => e.department],
  ['hireDate', (e) => e.hire_date],
  ['lastDay', (e) => e.last_day],
  ['exitType', (e) => e.exit_type],
  ['locale', (e) => e.locale],
];

/**
 * What importing the rows would do. A row means an existing leaver with the same
 * employee id and last day, or else that employee's record still open (their last
 * day was corrected); then it updates what differs, or changes nothing, so that
 * importing the same file twice creates no duplicates. Anything else is new.
 * An employee id twice in one file is a problem of the later line.
 */
export async function planImport(db: Kysely<Database>, rows: ImportRow[]): Promise<ImportPlan> {
  const plan: ImportPlan = { create: [], update: [], unchanged: [], problems: [] };
  const firstLine = new Map<string, number>();
  const unique: ImportRow[] = [];
  for (const row of rows) {
    const first = firstLine.get(row.input.employeeId);
    if (first !== undefined) {
      plan.problems.push({
        line: row.line,
        field: 'employeeId',
        messageKey: 'import.error.duplicate_row',
        params: { employeeId: row.input.employeeId, line: first },
      });
    } else {
      firstLine.set(row.input.employeeId, row.line);
      unique.push(row);
    }
  }
  const ambiguous = await ambiguousDepartments(db, [...new Set(unique.map((row) => row.input.department.trim()))]);
  const existing = await existingLeavers(
    db,
    unique.map((row) => row.input.employeeId),
  );
  for (const row of unique) {
    if (ambiguous.has(row.input.department.trim())) {
      plan.problems.push({
        line: row.line,
        field: 'department',
        messageKey: 'error.department_ambiguous',
        params: { department: row.input.department.trim() },
      });
      continue;
    }
    const candidates = existing.get(row.input.employeeId) ?? [];
    const match = candidates.find((c) => c.last_day === row.input.lastDay) ?? candidates.find((c) => c.open);
    if (!match) {
      plan.create.push(row);
      continue;
    }
    const changes = COMPARED.filter(([field, current]) => row.input[field] !== current(match)).map(([field]) => field);
    if (changes.length === 0) plan.unchanged.push(row);
    else plan.update.push({ row, leaverId: match.id, changes });
  }
  return plan;
}
