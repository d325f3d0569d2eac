import type { Settings } from 'meilisearch';

/**
 * Title and keywords rank above the summary, the summary above the page text; each joined form
 * above its split form; then the labels (names of city, kind, hazards), and last the other forms
 * of the words (light stemming), so a word as written ranks above another form of it.
 */
export const SEARCHABLE_ATTRIBUTES = [
  'title',
  'titleSplit',
  'keywords',
  'keywordsSplit',
  'summary',
  'summarySplit',
  'body',
  'bodySplit',
  'labels',
  'forms',
];

export const FILTERABLE_ATTRIBUTES = [
  'docId',
  'generation',
  'city',
  'kind',
  'hazards',
  'year',
  'resolutions',
  'fileType',
  'type',
  'status',
  'access',
  'sharedWith',
];

/** The highest Meilisearch counts; `totalHits` and the offset of a page stop there. */
export const MAX_TOTAL_HITS = 100_000;

/**
 * For Meilisearch v1.36 or newer (`attributeRank`; `skipCreation` needs v1.31).
 *
 * Ranking rules, in order: `sort` first, so that a `sort` parameter orders strictly by date (without
 * one it does nothing). Then relevance, where `attributeRank` puts title and keywords above the page
 * text. `wordPosition` is left out and `pageOrder:asc` comes before `exactness`: among the chunks of
 * one document, both would prefer a page that merely begins with the word over a page that has it
 * three times further down; Meilisearch does not count occurrences, so the earliest page that
 * matches best wins. Last, the newest document wins a tie, as in the SQLite index.
 */
export const INDEX_SETTINGS: Settings = {
  searchableAttributes: SEARCHABLE_ATTRIBUTES,
  filterableAttributes: FILTERABLE_ATTRIBUTES,
  sortableAttributes: ['updatedAt', 'pageOrder'],
  distinctAttribute: 'docId',
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attributeRank', 'pageOrder:asc', 'exactness', 'updatedAt:desc'],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
  proximityPrecision: 'byWord',
  localizedAttributes: [{ locales: ['pes'], attributePatterns: ['*'] }],
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
  faceting: { maxValuesPerFacet: 1000 },
};

/** Synonym groups (terms normalized as queries are) as Meilisearch's `synonyms` setting: every term maps to every other term of its groups. */
export function synonymsSetting(groups: string[][]): Record<string, string[]> {
  const others = new Map<string, Set<string>>();
  for (const group of groups) {
    for (const term of group) {
      const set = others.get(term) ?? new Set<string>();
      for (const other of group) if (other !== term) set.add(other);
      others.set(term, set);
    }
  }
  return Object.fromEntries([...others].filter(([, set]) => set.size > 0).map(([term, set]) => [term, [...set]]));
}
