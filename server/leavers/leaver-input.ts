import { type Static, Type } from 'typebox';
import Value from 'typebox/value';
import { EXIT_TYPES } from '../answers/cohort.ts';
import { type FieldProblem, invalid } from '../errors/app-error.ts';
import { fieldErrors } from '../errors/validation-messages.ts';
import type { RehireEligibility } from '../db/schema.ts';
import type { Locale } from '../i18n/messages.ts';
import { isDayInRange } from '../shared/dates.ts';

/** A leaver as HR's systems send it (API, CLI; later CSV). */
export const LeaverInput = Type.Object(
  {
    employeeId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    department: Type.String({ minLength: 1, maxLength: 200 }),
    hireDate: Type.String({ format: 'date' }),
    lastDay: Type.String({ format: 'date' }),
    exitType: Type.Enum([...EXIT_TYPES]),
    locale: Type.Enum(['ja', 'en']),
  },
  { additionalProperties: false },
);
export type LeaverInput = Static<typeof LeaverInput>;

/** HR-only judgements: never shown to the leaver, never part of a report. */
export interface HrFields {
  regrettable: boolean | null;
  rehireEligibility: RehireEligibility | null;
  rehireNote: string | null;
}

/** For callers outside HTTP (the CLI): the same schema, the same messages. */
export function parseLeaverInput(value: unknown, locale: Locale): LeaverInput {
  const errors = fieldErrors(locale, Value.Errors(LeaverInput, value));
  if (errors.length > 0) throw invalid(errors);
  return value as LeaverInput;
}

/**
 * What a schema cannot say: text of only spaces, days outside the range we store
 * (see isDayInRange), a last day before the hire date. Every problem, one per field.
 */
export function leaverInputProblems(input: LeaverInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['employeeId', 'name', 'department'] as const) {
    if (input[field].trim() === '') problems.push({ field, messageKey: 'leavers.error.blank' });
  }
  for (const field of ['hireDate', 'lastDay'] as const) {
    if (!isDayInRange(input[field])) problems.push({ field, messageKey: 'leavers.error.day_range' });
  }
  const daysValid = !problems.some((p) => p.field === 'hireDate' || p.field === 'lastDay');
  if (daysValid && input.hireDate > input.lastDay) problems.push({ field: 'lastDay', messageKey: 'error.dates_order' });
  return problems;
}
