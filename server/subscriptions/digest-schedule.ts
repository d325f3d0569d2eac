import { tehranDayStart } from '../i18n/solar-hijri';

/** Daily digests go out at this hour of Tehran's morning. */
export const DIGEST_HOUR = 7;

const tehranDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The next 07:00 on Tehran's clocks after `now`. */
export function nextDigestTime(now: Date): Date {
  const parts = Object.fromEntries(tehranDate.formatToParts(now).map((p) => [p.type, Number(p.value)]));
  for (let days = 0; days < 3; days += 1) {
    const day = new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day! + days));
    const start = tehranDayStart({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
    const at = new Date(start.getTime() + DIGEST_HOUR * 3_600_000);
    if (at > now) return at;
  }
  throw new Error('unreachable: a Tehran morning within three days');
}
