import { formatters } from './format';
import type { Locale } from './locale';
import { translator } from './translate';

/**
 * Everything Solar Hijri (Jalali) in one place: the calendar's arithmetic, today and this year on
 * Tehran's clocks, the instants a Tehran day begins and ends, dates as people type them (any digits)
 * and as pages show them.
 * Leap years follow the break table of Borkowski's algorithm (as in jalaali-js), which matches the
 * official Iranian calendar for the years this portal meets.
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Years where the 33-year leap pattern restarts. */
const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178] as const;
export const FIRST_YEAR = 1;
export const LAST_YEAR = BREAKS[BREAKS.length - 1]! - 1;

const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

/** For a Solar Hijri year: the Gregorian year its 1 Farvardin falls in, that day of March, and whether it is leap. */
function yearFacts(year: number): { gregorianYear: number; march: number; leap: boolean } {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) throw new RangeError(`Solar Hijri year out of range: ${year}`);
  const gregorianYear = year + 621;
  let leapJ = -14;
  let previous: number = BREAKS[0];
  let jump = 0;
  for (let i = 1; i < BREAKS.length; i += 1) {
    const next = BREAKS[i]!;
    jump = next - previous;
    if (year < next) break;
    leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    previous = next;
  }
  let n = year - previous;
  leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gregorianYear, 4) - div((div(gregorianYear, 100) + 1) * 3, 4) - 150;
  const march = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  const leap = mod(mod(n + 1, 33) - 1, 4);
  return { gregorianYear, march, leap: leap === 0 };
}

export function isJalaliLeapYear(year: number): boolean {
  return yearFacts(year).leap;
}

/** Farvardin to Shahrivar have 31 days, Mehr to Bahman 30, Esfand 29 (30 in a leap year). */
export function jalaliMonthLength(year: number, month: number): number {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return isJalaliLeapYear(year) ? 30 : 29;
}

/** Whether the numbers name a day that exists in the Solar Hijri calendar (1404/12/30 does not: 1404 is not leap). */
export function isValidJalali({ year, month, day }: CalendarDate): boolean {
  if (![year, month, day].every(Number.isInteger)) return false;
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= jalaliMonthLength(year, month);
}

/** The Gregorian date of a Solar Hijri date: 1403/01/01 → 2024-03-20. Throws a RangeError for a day that does not exist. */
export function jalaliToGregorian(date: CalendarDate): CalendarDate {
  if (!isValidJalali(date)) throw new RangeError(`not a Solar Hijri date: ${date.year}/${date.month}/${date.day}`);
  const { gregorianYear, march } = yearFacts(date.year);
  const dayOfYear = (date.month - 1) * 31 - div(date.month, 7) * (date.month - 7) + date.day - 1;
  const utc = new Date(Date.UTC(gregorianYear, 2, march + dayOfYear));
  return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
}

const TEHRAN = 'Asia/Tehran';
const tehranClock = new Intl.DateTimeFormat('en-US', {
  timeZone: TEHRAN,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Milliseconds Tehran's clock is ahead of UTC at an instant (3h30 today; 4h30 in the summers before 1401). */
function tehranOffset(instant: number): number {
  const p = Object.fromEntries(tehranClock.formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The first instant of a Gregorian day on Tehran's clocks. */
export function tehranDayStart({ year, month, day }: CalendarDate): Date {
  const wallMidnight = Date.UTC(year, month - 1, day);
  const guess = wallMidnight - tehranOffset(wallMidnight);
  return new Date(wallMidnight - tehranOffset(guess));
}

/** A Tehran day as instants: `from` is its first instant, `until` the first instant of the next day (exclusive). */
export function tehranDay(gregorian: CalendarDate): { from: Date; until: Date } {
  const next = new Date(Date.UTC(gregorian.year, gregorian.month - 1, gregorian.day + 1));
  return {
    from: tehranDayStart(gregorian),
    until: tehranDayStart({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }),
  };
}

/**
 * A stored Solar Hijri date ("1391-07" or "1392-03-15") in the reader's words:
 * "مهر ۱۳۹۱", "۱۵ خرداد ۱۳۹۲" in Persian; "Mehr 1391 AP", "Khordad 15, 1392 AP" in English.
 */
export function jalaliDate(value: string | null, locale: Locale): string {
  if (!value) return '';
  const t = translator(locale);
  const { digits } = formatters(locale);
  const [year, month, day] = value.split('-');
  const months = t('resolutions.jalali.months').split('|');
  const name = months[Number(month) - 1] ?? digits(month ?? '');
  // Strings, not numbers: a year is never grouped ("1392", not "1,392").
  const params = { month: name, year: digits(year ?? ''), day: digits(String(Number(day))) };
  return day ? t('resolutions.jalali.day', params) : t('resolutions.jalali.month', params);
}

/**
 * What a person typed for a Solar Hijri date, in the stored form: Persian or Arabic-Indic digits become
 * Latin, "/" "." "_" and spaces become "-", one-digit months and days gain their zero
 * ("۱۴۰۵/۹/۱۵" → "1405-09-15"). Anything that does not look like a date comes back with only its
 * digits made Latin, so validation names it.
 */
export function jalaliInput(typed: string): string {
  const latin = latinDigits(typed).trim();
  const parts = latin.split(/\s*[-/._\s]\s*/);
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => /^[0-9]+$/.test(p))) return latin;
  const [year, ...rest] = parts;
  return [year, ...rest.map((p) => p.padStart(2, '0'))].join('-');
}

/** Persian (U+06F0…) and Arabic-Indic (U+0660…) digits as ASCII digits; everything else unchanged. */
export function latinDigits(text: string): string {
  return text.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

const solarParts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TEHRAN });

/** The Solar Hijri day of an instant in Tehran (today by default) as "YYYY-MM-DD". */
export function jalaliToday(now: Date = new Date()): string {
  const parts = Object.fromEntries(solarParts.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The Solar Hijri year of an instant or ISO timestamp in Tehran (this year by default). */
export function solarYear(instant: Date | string = new Date()): number {
  return Number(jalaliToday(new Date(instant)).slice(0, 4));
}

/** A due date has passed when its last day is before today (a month-only date runs to the month's end). */
export function isOverdue(dueDate: string | null, today = jalaliToday()): boolean {
  if (!dueDate) return false;
  const due = dueDate.length === 7 ? `${dueDate}-31` : dueDate;
  return due < today;
}
