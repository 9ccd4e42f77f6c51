const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The last instant an RFC 3339 date-time in UTC can name (9999-12-31T23:59:59.999Z): an offset can name later ones. */
export const LATEST_RFC3339_UTC_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The instant an RFC 3339 date-time (section 5.6) stands for, or null when the text is not one: any year
 * from 0000 to 9999, `T`/`t` and `Z`/`z`, any number of fraction digits (cut to the millisecond, never rounded up), any
 * offset up to ±23:59, and a leap second (:60, taken as the last millisecond of its minute, which is all a
 * JavaScript Date can hold).
 */
export function parseRfc3339(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  // The first three digits, read as text: Number('0.99999999999999999') is 1, a whole second more.
  const fraction = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const [offsetHours, offsetMinutes] = match[9] ? [Number(match[10]), Number(match[11])] : [0, 0];
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), second === 60 ? 999 : fraction);
  const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return new Date(date.getTime() - offset * 60_000);
}
