import { z } from 'zod';
import { nowIso } from '../db/database';
import type { User } from '../auth/roles';
import { ENTRY_TYPES, FACETS, type SearchHit, type SearchIndex, type SearchQuery, type SearchResult } from '../../search/search-index';
import type { SearchLog } from './search-log';
import type { DocumentsService } from '../documents/documents.service';

/** How many related documents a document shows (API.md: up to 5). */
export const RELATED_LIMIT = 5;

/** A filter's values: the parameter repeated, at most 50 times; each value at most 100 characters, trimmed, a blank one left out. */
const repeatable = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.string().max(100))
    .max(50)
    .transform((values) => values.map((value) => value.trim()).filter((value) => value !== '')),
);
/** The same for values of a fixed form, which are taken exactly as sent; only an empty one is left out. */
const repeatableOf = (form: RegExp, message: string) =>
  z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z
      .array(z.string().regex(form, message))
      .max(50)
      .transform((values) => values.filter((value) => value !== '')),
  );

export const searchQuerySchema = z
  .object({
    q: z.string().max(500).default(''),
    city: repeatable,
    kind: repeatable,
    hazard: repeatable,
    year: repeatableOf(/^([0-9]{4})?$/, 'a Jalali year such as 1391'),
    resolution: repeatableOf(/^([0-9]{1,4}\/[0-9]{1,3})?$/, 'a resolution such as 9/2'),
    fileType: repeatable,
    type: repeatable.pipe(z.array(z.enum(ENTRY_TYPES, { error: 'document or lesson' }))),
    sort: z.enum(['relevance', 'newest']).optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    perPage: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export type SearchInput = z.infer<typeof searchQuerySchema>;

/** Search for a signed-in user: their visibility goes into the query; empty results are logged for the secretariat. */
export class SearchService {
  constructor(
    private readonly index: SearchIndex,
    private readonly searchLog: SearchLog,
    private readonly documents: Pick<DocumentsService, 'getVisible'>,
  ) {}

  async search(user: User, input: SearchInput): Promise<SearchResult & { page: number; perPage: number }> {
    const query: SearchQuery = {
      q: input.q.trim(),
      filters: Object.fromEntries(FACETS.map((facet) => [facet, input[facet]]).filter(([, values]) => (values as string[]).length > 0)),
      sort: input.sort ?? (input.q.trim() ? 'relevance' : 'newest'),
      page: input.page,
      perPage: input.perPage,
    };
    const result = await this.index.search({ role: user.role, city: user.city }, query);
    if (query.q && input.page === 1) {
      this.searchLog.record({ at: nowIso(), userId: user.id, query: query.q, filters: JSON.stringify(query.filters), total: result.total });
    }
    return { ...result, page: input.page, perPage: input.perPage };
  }

  /** Other documents like one the user may see (404 exactly like a missing id otherwise), those of other cities first, within what the user may see. */
  async related(user: User, id: string): Promise<SearchHit[]> {
    this.documents.getVisible(user, id);
    return this.index.related({ role: user.role, city: user.city }, id, RELATED_LIMIT);
  }
}
