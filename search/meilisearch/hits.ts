import type { Hit } from 'meilisearch';
import { joinedForm, splitForm } from '../persian';
import { FACETS, type Facet, type SearchHit, type SearchResult } from '../search-index';
import { dedupePatterns, escapeHtml, snippet, type Pattern } from '../snippet';
import type { Chunk } from './chunks';
import { FACET_ATTRIBUTES } from './filter';
import { patternsFromMatches, type ByteMatch } from './matches';

/** What a search asks Meilisearch to send back of each chunk: what a hit shows and whether it has pages to look for. */
export const RETRIEVED = ['docId', 'type', 'page', 'pageCount', 'wholeDocument', 'originalTitle', 'originalSummary', 'originalKeywords', 'originalBody', 'city', 'kind', 'year'] as const satisfies readonly (keyof Chunk)[];
export type RetrievedChunk = Pick<Chunk, (typeof RETRIEVED)[number]>;

/** Meilisearch's facet distribution under the port's facet names. */
export function toFacets(distribution: Record<string, Record<string, number>>): SearchResult['facets'] {
  const facets = {} as SearchResult['facets'];
  for (const facet of FACETS) facets[facet as Facet] = { ...(distribution[FACET_ATTRIBUTES[facet]] ?? {}) };
  return facets;
}

type MatchesPosition = Record<string, ByteMatch[] | undefined> | undefined;

/**
 * The snippet of one original text: our own matches first; if there are none, the words Meilisearch
 * matched in the field's normalized forms (UTF-8 byte offsets), such as a split word only it explains.
 */
function snippetOf(original: string, patterns: Pattern[], positions: MatchesPosition, joinedField: string, splitField: string) {
  const own = snippet(original, patterns);
  if (own.matched || !positions || patterns.length === 0) return own;
  const found = [
    ...patternsFromMatches(joinedForm(original), positions[joinedField] ?? []),
    ...patternsFromMatches(splitForm(original), positions[splitField] ?? []),
  ];
  return found.length > 0 ? snippet(original, dedupePatterns([...patterns, ...found])) : own;
}

/**
 * A chunk hit as a port hit: the page and a snippet from the page text when it matched; else no page
 * and a snippet from the summary, title or keywords, whichever matched; else the summary's start.
 */
export function toSearchHit(hit: Hit<RetrievedChunk>, patterns: Pattern[]): SearchHit {
  const positions = hit._matchesPosition as MatchesPosition;
  const base = { id: hit.docId, type: hit.type ?? 'document', title: hit.originalTitle, city: hit.city, kind: hit.kind ?? '', year: hit.year };
  const summary = hit.originalSummary ?? '';
  const inBody = snippetOf(hit.originalBody ?? '', patterns, positions, 'body', 'bodySplit');
  if (inBody.matched) return { ...base, page: hit.page ?? null, snippet: inBody.html };
  const candidates = [
    snippetOf(summary, patterns, positions, 'summary', 'summarySplit'),
    snippetOf(hit.originalTitle, patterns, positions, 'title', 'titleSplit'),
    snippet((hit.originalKeywords ?? []).join('، '), patterns),
  ];
  const matched = candidates.find((candidate) => candidate.matched);
  return { ...base, page: null, snippet: matched?.html ?? (summary ? candidates[0]!.html : escapeHtml(hit.originalTitle)) };
}
