/** Today as 'YYYY-MM-DD', in UTC like every other day here. */
export const today = () => new Date().toISOString().slice(0, 10);

/** Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so no time zone can shift a day. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for a real calendar date written YYYY-MM-DD or YYYY/MM/DD (2026-02-30 is not).
 * Checked by arithmetic, not through a Date: an import calls this for every day of
 * up to 50,000 rows, and building Dates was most of the time it took to read them.
 */
export function normaliseDay(value: string): string | undefined {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const last = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (last === undefined || day < 1 || day > last) return undefined;
  return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
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
