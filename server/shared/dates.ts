/** Today as 'YYYY-MM-DD', in UTC like every other day here. */
export const today = () => new Date().toISOString().slice(0, 10);

/** Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so no time zone can shift a day. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** True for a real calendar date written YYYY-MM-DD or YYYY/MM/DD (2026-02-30 is not). */
export function normaliseDay(value: string): string | undefined {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value.trim());
  if (!match) return undefined;
  const day = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day ? day : undefined;
}

/**
 * The days a person can mean here, for hire dates, last days and improvement dates
 * alike. PostgreSQL has no year 0, and arithmetic near 9999 (an invitation's expiry,
 * say) writes '+010000-…', which no date column takes: both were 500s. The messages
 * that refuse a day outside (leavers.error.day_range, improvements.error.day_range)
 * quote these bounds.
 */
const FIRST_DAY = '1900-01-01';
const LAST_DAY = '2200-12-31';

/** A real calendar day written 'YYYY-MM-DD', from FIRST_DAY to LAST_DAY (such strings compare as days do). */
export function isDayInRange(day: string): boolean {
  return normaliseDay(day) === day && day >= FIRST_DAY && day <= LAST_DAY;
}

/** The quarter before 'YYYY-Qn'. */
export function previousQuarter(quarter: string): string {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}
