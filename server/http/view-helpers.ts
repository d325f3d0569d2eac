import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../services';

const persianDigits = new Intl.NumberFormat('fa-IR', { useGrouping: false });
const persianNumber = new Intl.NumberFormat('fa-IR');
const solarDate = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Asia/Tehran' });
const solarDateTime = new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Asia/Tehran',
});

/** Persian digits for any number or digit run in a string. */
export function faDigits(value: string | number): string {
  return String(value).replace(/[0-9]/g, (d) => persianDigits.format(Number(d)));
}

export function faNumber(value: number): string {
  return persianNumber.format(value);
}

/** Solar Hijri date (and time) of an ISO timestamp, in Persian. */
export function solar(iso: string, withTime = false): string {
  return (withTime ? solarDateTime : solarDate).format(new Date(iso));
}

export function fileSize(bytes: number): string {
  const units = ['بایت', 'کیلوبایت', 'مگابایت', 'گیگابایت'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${faNumber(Number(value.toFixed(unit === 0 ? 0 : 1)))} ${units[unit]}`;
}

/** Labels and formatters every template can use, and the signed-in user. */
export function viewHelpers({ reference, notifications }: Services) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const vocabulary = reference.vocabulary();
    const cities = reference.cities();
    res.locals.user = req.user ?? null;
    res.locals.unreadNotifications = req.user ? notifications.unreadCount(req.user.id) : 0;
    res.locals.currentPath = req.path;
    res.locals.faDigits = faDigits;
    res.locals.faNumber = faNumber;
    res.locals.solar = solar;
    res.locals.fileSize = fileSize;
    res.locals.cities = cities;
    res.locals.vocabulary = vocabulary;
    res.locals.cityName = (id: string) => cities.find((c) => c.id === id)?.name ?? id;
    res.locals.kindName = (id: string) => vocabulary.kinds.find((k) => k.id === id)?.fa ?? id;
    res.locals.hazardName = (id: string) => vocabulary.hazards.find((h) => h.id === id)?.fa ?? id;
    res.locals.flash = req.session.flash ?? null;
    delete req.session.flash;
    next();
  };
}
