import type { PortalDocument } from '../documents/document';
import type { ReferenceService } from '../reference/reference.service';

/** What the index is told a document is tagged with: the Persian and English names of its city, kind and hazards. */
export type DocumentLabels = (doc: Pick<PortalDocument, 'city' | 'kind' | 'hazards'>) => string[];

/**
 * The names as the reference data has them now (the secretariat may add cities), so `earthquake`,
 * `Tehran`, «زلزله» and «تهران» find the documents tagged with them.
 */
export function documentLabels(reference: ReferenceService): DocumentLabels {
  return (doc) => {
    const city = reference.cities().find((c) => c.id === doc.city);
    const { kinds, hazards } = reference.vocabulary();
    const kind = kinds.find((k) => k.id === doc.kind);
    const tagged = hazards.filter((h) => doc.hazards.includes(h.id));
    return [...(city ? [city.name, city.nameEn] : []), ...(kind ? [kind.fa, kind.en] : []), ...tagged.flatMap((h) => [h.fa, h.en])].filter((name) => name !== '');
  };
}
