import { type Static, Type } from 'typebox';
import type { MessageKey } from '../i18n/messages.ts';
import { isDayInRange } from '../shared/dates.ts';
import { CsrfField } from '../web/csrf.ts';
import { ACTION_STATUSES, type ActionInput } from './actions.ts';

const Many = (item: ReturnType<typeof Type.String>) => Type.Optional(Type.Union([item, Type.Array(item, { maxItems: 500 })]));
const Day = Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Literal('')]));

export const ActionForm = Type.Object(
  {
    titleJa: Type.String({ maxLength: 200 }),
    titleEn: Type.String({ maxLength: 200 }),
    descriptionJa: Type.String({ maxLength: 5000 }),
    descriptionEn: Type.String({ maxLength: 5000 }),
    reasonCodes: Many(Type.String({ maxLength: 64 })),
    departmentIds: Many(Type.String({ format: 'uuid' })),
    status: Type.Enum([...ACTION_STATUSES]),
    startedOn: Day,
    doneOn: Day,
    published: Type.Optional(Type.Literal('on')),
    ...CsrfField,
  },
  { additionalProperties: false },
);
export type ActionForm = Static<typeof ActionForm>;

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The form as an action, or the problems (field → message); reason codes must be the survey's own. */
export function parseActionForm(
  body: ActionForm,
  reasonCodes: readonly string[],
): { input: ActionInput; errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const input: ActionInput = {
    titleJa: body.titleJa.trim(),
    titleEn: body.titleEn.trim(),
    descriptionJa: body.descriptionJa.trim(),
    descriptionEn: body.descriptionEn.trim(),
    reasonCodes: [...new Set(list(body.reasonCodes))],
    departmentIds: [...new Set(list(body.departmentIds))],
    status: body.status,
    startedOn: body.startedOn || null,
    doneOn: body.doneOn || null,
    published: body.published === 'on',
  };
  if (!input.titleJa && !input.titleEn) errors.titleJa = 'improvements.error.title';
  if (input.reasonCodes.some((code) => !reasonCodes.includes(code))) errors.reasonCodes = 'improvements.error.reason';
  if (input.startedOn && input.doneOn && input.doneOn < input.startedOn) errors.doneOn = 'improvements.error.dates';
  if (input.status === 'done' && !input.doneOn) errors.doneOn = 'improvements.error.done_on';
  // The schema's date format takes year 0000, which PostgreSQL refuses (a 500); leavers' days have the same bounds.
  for (const field of ['startedOn', 'doneOn'] as const) {
    if (input[field] && !isDayInRange(input[field])) errors[field] = 'improvements.error.day_range';
  }
  return { input, errors };
}
