import type { Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { directionOf, formatters, localeOf, translator } from '../i18n/index';
import { streamPackageZip } from './packages.zip';

/**
 * The one download path of the API and the pages: check the audience, count, then stream what this user
 * may see now, with the ZIP's index.html in the language of the person downloading it.
 */
export async function sendPackageZip(services: Services, user: User, id: string, res: Response): Promise<void> {
  const pkg = services.packages.getFor(user, id);
  const items = services.packages.deliveredItems(user, pkg);
  services.packages.recordDownload(user, pkg.id);
  const locale = localeOf(res.req);
  const { kinds } = services.reference.vocabulary();
  const cities = services.reference.cities();
  const format = formatters(locale);
  await streamPackageZip(res, services.stores, pkg, items, {
    locale,
    dir: directionOf(locale),
    t: translator(locale),
    digits: format.digits,
    number: format.number,
    dateTime: format.dateTime,
    cityName: (city) => {
      const found = cities.find((c) => c.id === city);
      return found ? (locale === 'fa' ? found.name : found.nameEn) : city;
    },
    kindName: (kind) => kinds.find((k) => k.id === kind)?.[locale] ?? kind,
  });
}
