import { formatters, translator, type Locale } from '../i18n/index';

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

const todayParts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Asia/Tehran' });

/** Today in Tehran as a Solar Hijri "YYYY-MM-DD". */
export function jalaliToday(now = new Date()): string {
  const parts = Object.fromEntries(todayParts.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A due date has passed when its last day is before today (a month-only date runs to the month's end). */
export function isOverdue(dueDate: string | null, today = jalaliToday()): boolean {
  if (!dueDate) return false;
  const due = dueDate.length === 7 ? `${dueDate}-31` : dueDate;
  return due < today;
}
