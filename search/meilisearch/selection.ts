import { FACETS, type Facet, type SearchQuery, type SearchResult } from '../search-index';

/** What a relaxed answer knows of one document found by some of the clauses. */
export interface FoundDocument {
  docId: string;
  updatedAt: number;
  /** Its values of every facet. */
  values: Record<Facet, string[]>;
  /** How many of the query's clauses it has. */
  clauses: number;
  /** The better its places in the clauses' answers, the higher. */
  rank: number;
}

/**
 * The documents every filter accepts, and the facet counts the SQLite index gives (search/fts/snapshot.ts
 * `select`): values of one facet combine with OR, facets with AND; a facet's counts apply every other
 * facet's filter but not its own.
 */
export function selectFound(found: Iterable<FoundDocument>, filters: SearchQuery['filters']): { kept: FoundDocument[]; facets: SearchResult['facets'] } {
  const wanted = FACETS.map((facet) => new Set(filters[facet] ?? []));
  const facets = Object.fromEntries(FACETS.map((facet) => [facet, {}])) as SearchResult['facets'];
  const count = (facet: Facet, values: string[]): void => {
    for (const value of new Set(values)) facets[facet][value] = (facets[facet][value] ?? 0) + 1;
  };
  const kept: FoundDocument[] = [];
  for (const doc of found) {
    const failing = FACETS.filter((facet, f) => wanted[f]!.size > 0 && !doc.values[facet].some((value) => wanted[f]!.has(value)));
    if (failing.length === 0) {
      kept.push(doc);
      for (const facet of FACETS) count(facet, doc.values[facet]);
    } else if (failing.length === 1) count(failing[0]!, doc.values[failing[0]!]);
  }
  return { kept, facets };
}

/** Documents with more clauses first, then by their places in the clauses' answers; or newest first. */
export function orderFound(kept: FoundDocument[], sort: SearchQuery['sort']): FoundDocument[] {
  const byId = (a: FoundDocument, b: FoundDocument): number => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0);
  if (sort === 'newest') return [...kept].sort((a, b) => b.updatedAt - a.updatedAt || byId(a, b));
  return [...kept].sort((a, b) => b.clauses - a.clauses || b.rank - a.rank || byId(a, b));
}
