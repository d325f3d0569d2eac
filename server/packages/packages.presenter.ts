import type { DeliveredItem, PortalPackage } from './package';
import { presentAudience } from './packages.service';

/** The package as one reader receives it: only the items that reader may see right now. */
export function presentPackage(pkg: PortalPackage, items: DeliveredItem[]) {
  return {
    id: pkg.id,
    title: pkg.title,
    note: pkg.note,
    status: pkg.status,
    audience: presentAudience(pkg.audience),
    items: items.map(({ document, note }) => ({
      document: document.id,
      title: document.title,
      city: document.city,
      kind: document.kind,
      year: document.year,
      note,
    })),
    resolutions: pkg.resolutions,
    downloads: pkg.downloads,
    createdAt: pkg.createdAt,
    publishedAt: pkg.publishedAt,
  };
}
