import { faDigits } from '../http/view-helpers';

const MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];

/** A stored Solar Hijri date ("1391-07" or "1392-03-15") in Persian words: "مهر ۱۳۹۱", "۱۵ خرداد ۱۳۹۲". */
export function jalaliFa(value: string | null): string {
  if (!value) return '';
  const [year, month, day] = value.split('-');
  const name = MONTHS[Number(month) - 1] ?? month;
  return faDigits(day ? `${Number(day)} ${name} ${year}` : `${name} ${year}`);
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
