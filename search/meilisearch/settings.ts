import type { Settings } from 'meilisearch';
import { DOCUMENT_WORD_FIELDS, FORM_FIELDS } from './chunks';

/**
 * Title and keywords rank above the summary, the summary above the page text; each joined form
 * above its split form; then the words of the whole document (pages apart), the labels (names of
 * city, kind, hazards), and last the stems and other forms of the words (light stemming), so a
 * word as written ranks above another form of it.
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
  ...DOCUMENT_WORD_FIELDS,
  'labels',
  'stems',
  ...FORM_FIELDS,
];

/** Where a word is written as such (not another form of it): how typo corrections are counted (search/typos.ts). */
export const AS_WRITTEN_ATTRIBUTES = SEARCHABLE_ATTRIBUTES.filter((attribute) => attribute !== 'stems' && !(FORM_FIELDS as readonly string[]).includes(attribute));

/** Where a page's text is: a hit that matched through the whole-document chunk or its title looks for its page there. */
export const PAGE_ATTRIBUTES = ['body', 'bodySplit', 'stems'];

export const FILTERABLE_ATTRIBUTES = [
  'docId',
  'generation',
  'wholeDocument',
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
 * one it does nothing). Then relevance: `wholeDocument:asc` right after the words, so that a page
 * that has every word stands for its document (and such documents come first), the
 * whole-document chunk only when no page does; `attributeRank` puts title and keywords above the
 * page text. `wordPosition` is left out and `pageOrder:asc` comes before `exactness`: among the
 * chunks of one document, both would prefer a page that merely begins with the word over a page
 * that has it three times further down; Meilisearch does not count occurrences, so the earliest
 * page that matches best wins. Last, the newest document wins a tie, as in the SQLite index.
 *
 * Typo tolerance is off: words match as written, and a word no document has is corrected by the
 * adapter (search/typos.ts, the rule both engines follow). Splitting a query word in two
 * (`کلانشهر` in «کلان شهر») is not a typo to Meilisearch and stays on.
 *
 * Indexing cost (BENCHMARKS.md, bench:engines): facet search is never used, so its index is not
 * built (`facetSearch: false`). Proximity stays `byWord`: `byAttribute` indexes faster but then
 * Meilisearch no longer matches a quoted phrase word for word (the contract suite fails).
 */
export const INDEX_SETTINGS: Settings = {
  searchableAttributes: SEARCHABLE_ATTRIBUTES,
  filterableAttributes: FILTERABLE_ATTRIBUTES,
  sortableAttributes: ['updatedAt', 'pageOrder', 'wholeDocument'],
  distinctAttribute: 'docId',
  rankingRules: ['sort', 'words', 'typo', 'wholeDocument:asc', 'proximity', 'attributeRank', 'pageOrder:asc', 'exactness', 'updatedAt:desc'],
  typoTolerance: { enabled: false },
  proximityPrecision: 'byWord',
  facetSearch: false,
  localizedAttributes: [{ locales: ['pes'], attributePatterns: ['*'] }],
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
  faceting: { maxValuesPerFacet: 1000 },
};

/** The index of the words documents have (search/meilisearch/words.ts): found by the hashes of their one-letter deletions. */
export const WORDS_INDEX_SETTINGS: Settings = {
  searchableAttributes: ['word'],
  filterableAttributes: ['keys'],
  typoTolerance: { enabled: false },
  facetSearch: false,
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
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
