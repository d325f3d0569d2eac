import type { Locale } from './locale';

export interface Formatters {
  /** Every ASCII digit in a string or number in the language's digits (Persian digits in Persian). */
  digits(value: string | number): string;
  /** A number with the language's digits and grouping. */
  number(value: number): string;
  /** The Solar Hijri date of an ISO timestamp (Tehran time), in the language. */
  date(iso: string): string;
  dateTime(iso: string): string;
  fileSize(bytes: number, units: string): string;
}

const INTL_LOCALE: Record<Locale, string> = { fa: 'fa-IR', en: 'en' };
const cache = new Map<Locale, Formatters>();

export function formatters(locale: Locale): Formatters {
  let made = cache.get(locale);
  if (!made) {
    made = makeFormatters(locale);
    cache.set(locale, made);
  }
  return made;
}

function makeFormatters(locale: Locale): Formatters {
  const tag = INTL_LOCALE[locale];
  const digit = new Intl.NumberFormat(tag, { useGrouping: false });
  const grouped = new Intl.NumberFormat(tag);
  const dateOptions: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Asia/Tehran' };
  const solarDate = new Intl.DateTimeFormat(`${tag}-u-ca-persian`, dateOptions);
  const solarDateTime = new Intl.DateTimeFormat(`${tag}-u-ca-persian`, { ...dateOptions, hour: '2-digit', minute: '2-digit' });
  const digits = locale === 'en' ? (value: string | number) => String(value) : (value: string | number) => String(value).replace(/[0-9]/g, (d) => digit.format(Number(d)));
  return {
    digits,
    number: (value) => grouped.format(value),
    date: (iso) => solarDate.format(new Date(iso)),
    dateTime: (iso) => solarDateTime.format(new Date(iso)),
    fileSize(bytes, units) {
      const names = units.split('|');
      let value = bytes;
      let unit = 0;
      while (value >= 1024 && unit < names.length - 1) {
        value /= 1024;
        unit += 1;
      }
      return `${grouped.format(Number(value.toFixed(unit === 0 ? 0 : 1)))} ${names[unit]}`;
    },
  };
}
