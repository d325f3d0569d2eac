import type { Facet, SearchQuery, Viewer } from '../search-index';

/** The chunk attribute that holds each port facet. */
export const FACET_ATTRIBUTES: Record<Facet, string> = {
  city: 'city',
  kind: 'kind',
  hazard: 'hazards',
  year: 'year',
  resolution: 'resolutions',
  fileType: 'fileType',
  type: 'type',
};

/**
 * A filter value inside double quotes. Meilisearch's filter parser unescapes `\"` and then `\\`, so
 * backslashes are doubled first and quotes escaped after: no value can end the string early.
 */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The chunks of these documents. */
export function idsFilter(docIds: string[]): string {
  return docIds.length === 1 ? `docId = ${quote(docIds[0]!)}` : `docId IN [${docIds.map(quote).join(', ')}]`;
}

/** Who may find a chunk: the rule of `visibleTo`, written as a Meilisearch filter. */
export function visibilityFilter(viewer: Viewer): string {
  if (viewer.role === 'secretariat') return `status != ${quote('withdrawn')}`;
  const publishedForAll = `status = ${quote('published')} AND access = ${quote('portal')}`;
  if (viewer.role === 'city' && viewer.city) {
    const city = quote(viewer.city);
    return (
      `status != ${quote('withdrawn')} AND ` +
      `(city = ${city} OR (status = ${quote('published')} AND (access = ${quote('portal')} OR sharedWith = ${city})))`
    );
  }
  return publishedForAll;
}

/** Values of one facet combine with OR, different facets with AND; an empty value list filters nothing. */
export function userFilters(filters: SearchQuery['filters']): string[] {
  const clauses: string[] = [];
  for (const [facet, attribute] of Object.entries(FACET_ATTRIBUTES) as [Facet, string][]) {
    const values = [...new Set(filters[facet] ?? [])];
    if (values.length === 0) continue;
    const alternatives = values.map((value) => `${attribute} = ${quote(value)}`);
    clauses.push(alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`);
  }
  return clauses;
}

/** The whole filter of a search: visibility first, then the user's filters, all ANDed. */
export function searchFilter(viewer: Viewer, filters: SearchQuery['filters']): string {
  return [`(${visibilityFilter(viewer)})`, ...userFilters(filters)].join(' AND ');
}
