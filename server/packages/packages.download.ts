import type { Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { streamPackageZip } from './packages.zip';

/** The one download path of the API and the pages: check the audience, count, then stream what this user may see now. */
export async function sendPackageZip(services: Services, user: User, id: string, res: Response): Promise<void> {
  const pkg = services.packages.getFor(user, id);
  const items = services.packages.deliveredItems(user, pkg);
  services.packages.recordDownload(user, pkg.id);
  const kinds = services.reference.vocabulary().kinds;
  await streamPackageZip(res, services.store, pkg, items, {
    cityName: (city) => services.reference.cityName(city),
    kindName: (kind) => kinds.find((k) => k.id === kind)?.fa ?? kind,
  });
}
