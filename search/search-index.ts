/**
 * The search-index port. The index is derived data: the metadata database and the object store
 * are the record, and `reindex` can rebuild any adapter from them. Adapters never see users,
 * only a Viewer, and apply visibility inside the query itself.
 */

export const FACETS = ['city', 'kind', 'hazard', 'year', 'resolution', 'fileType', 'type'] as const;
export type Facet = (typeof FACETS)[number];

/** What an entry of the index is: a document (with pages) or a lesson (its texts as the summary, no pages). */
export const ENTRY_TYPES = ['document', 'lesson'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** The original (display) text of one page of a document; page numbers start at 1. */
export interface PageChunk {
  page: number;
  text: string;
}

/** Everything an adapter stores about one entry (a document or a lesson): metadata, who may see it, and its pages. */
export interface IndexedDocument {
  id: string;
  /** A document unless said otherwise; the `type` facet and every hit carry it. */
  type?: EntryType;
  title: string;
  summary: string;
  keywords: string[];
  city: string;
  /** The document kind; '' for a lesson (no facet value). */
  kind: string;
  hazards: string[];
  year: number;
  /** `meeting/number`, e.g. `9/2`. */
  resolutions: string[];
  /** Short type id of the current version: pdf, docx, xlsx, pptx, odt, txt, jpeg, mp4, …; '' for a lesson (no facet value). */
  fileType: string;
  status: 'draft' | 'submitted' | 'published' | 'returned' | 'withdrawn';
  access: 'portal' | 'restricted';
  sharedWith: string[];
  /** ISO time used by `sort=newest`. */
  updatedAt: string;
  pages: PageChunk[];
  /** The Persian and English names of its city, kind and hazards, searched as a low-weight field (`earthquake` finds what is tagged with it). */
  labels: string[];
}

export type AccessFields = Pick<IndexedDocument, 'status' | 'access' | 'sharedWith' | 'city'>;

export interface Viewer {
  role: 'secretariat' | 'city' | 'reader';
  city: string | null;
}

export interface SearchQuery {
  q: string;
  /** Values of one facet combine with OR; different facets with AND. */
  filters: Partial<Record<Facet, string[]>>;
  sort: 'relevance' | 'newest';
  page: number;
  perPage: number;
  /** Only these entries may be answered (ids): whether one entry matches a saved search, for its subscribers. */
  only?: string[];
}

export interface SearchHit {
  id: string;
  type: EntryType;
  title: string;
  city: string;
  kind: string;
  year: number;
  /** HTML: the original text around the best match, escaped, matches wrapped in <mark>. */
  snippet: string;
  /** The best-matching page, or null when only the metadata matched. */
  page: number | null;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** Counts per value, over visible documents matching q; each facet applies the other facets' filters but not its own. */
  facets: Record<Facet, Record<string, number>>;
  /** A correction from the index's own vocabulary when a word found little or nothing. */
  didYouMean?: string;
  /** No visible document has every word: the hits have only some of them, the most first. */
  relaxed: boolean;
}

export interface SearchIndex {
  readonly kind: 'sqlite' | 'meilisearch';
  init(): Promise<void>;
  ping(): Promise<void>;
  /** Adds or replaces a document and all its pages. */
  upsert(doc: IndexedDocument): Promise<void>;
  /** Changes who may see a document without touching its text. */
  updateAccess(id: string, access: AccessFields): Promise<void>;
  remove(id: string): Promise<void>;
  /** Removes everything (before a rebuild). */
  clear(): Promise<void>;
  /** Whether the index holds no document at all (new, lost, or recreated for a new layout): the portal then rebuilds it. */
  isEmpty(): Promise<boolean>;
  search(viewer: Viewer, query: SearchQuery): Promise<SearchResult>;
  /**
   * Up to `limit` other documents the viewer may see that are most like this one (shared
   * significant words and tags), those of other cities first; [] when the document is not indexed.
   */
  related(viewer: Viewer, id: string, limit: number): Promise<SearchHit[]>;
  /** The synonym groups: a query for any term of a group also finds the others. Replaces the groups given before. */
  setSynonyms(groups: string[][]): Promise<void>;
  /** Releases files and connections. */
  close(): Promise<void>;
}

/**
 * Who may find a document, the same rule as server/documents/access.policy.ts `canView`,
 * except that withdrawn documents are never found, not even by their owners.
 */
export function visibleTo(viewer: Viewer, doc: AccessFields): boolean {
  if (doc.status === 'withdrawn') return false;
  if (viewer.role === 'secretariat') return true;
  if (viewer.role === 'city' && viewer.city === doc.city) return true;
  if (doc.status !== 'published') return false;
  if (doc.access === 'portal') return true;
  return viewer.role === 'city' && viewer.city !== null && doc.sharedWith.includes(viewer.city);
}
