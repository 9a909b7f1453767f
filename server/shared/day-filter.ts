import { Type } from 'typebox';

/**
 * A day typed into a list filter, or nothing: a real date from 1900 to 2199, as
 * everywhere else days are accepted (shared/dates.ts). PostgreSQL refuses year 0000.
 */
export const DayFilter = Type.Optional(Type.Union([Type.String({ format: 'date', pattern: '^(19|2[01])[0-9]{2}-' }), Type.Literal('')]));
