import { randomUUID } from 'node:crypto';
import { Meilisearch, MeilisearchRequestError, type EnqueuedTaskPromise, type Hit, type Index, type MultiSearchParams, type MultiSearchQuery, type Task, type WaitOptions } from 'meilisearch';
import { isStopWord, joinedForm, normalizeQueryText, splitForm, stem } from './persian';
import { parseQuery, SynonymTable, type ParsedQuery } from './query';
import { FACETS, type AccessFields, type Facet, type IndexedDocument, type SearchHit, type SearchIndex, type SearchQuery, type SearchResult, type Viewer } from './search-index';
import { accessFields, chunksOf, type Chunk } from './meilisearch/chunks';
import { FACET_ATTRIBUTES, idsFilter, quote, searchFilter } from './meilisearch/filter';
import { INDEX_SETTINGS, synonymsSetting } from './meilisearch/settings';
import { patternsFromMatches, splitPatterns, type ByteMatch } from './meilisearch/matches';
import { WriteQueue, type WriteOf } from './meilisearch/write-queue';
import { basicPatterns, dedupePatterns, escapeHtml, snippet, type Pattern } from './snippet';

export interface MeilisearchSearchIndexOptions {
  url: string;
  apiKey?: string;
  /** The index uid. */
  index: string;
  /** How long to wait for one task (settings, a batch of chunks) to be processed. */
  taskTimeoutMs?: number;
  /** How often to ask whether a task is done. */
  taskPollMs?: number;
  /** The longest one HTTP request may take. */
  requestTimeoutMs?: number;
  /** Accept gzipped answers, as the client does by default (only bench/engines.ts, which measures what that costs). */
  compressedAnswers?: boolean;
}

/** A request body stays well below Meilisearch's default 100 MB payload limit. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const MAX_BATCH_CHUNKS = 2000;
/** At most this many documents, and pages, are written in one batch of tasks (see WriteQueue). */
const MAX_BATCH_DOCUMENTS = 500;
const MAX_BATCH_PAGES = 5000;
const FETCH_PAGE = 1000;
const SETTINGS_TIMEOUT_MS = 10 * 60_000;

const RETRIEVED = ['docId', 'page', 'originalTitle', 'originalSummary', 'originalKeywords', 'originalBody', 'city', 'kind', 'year'] as const satisfies readonly (keyof Chunk)[];
/** At most this many documents with an excluded word are left out by id (beyond, only their pages that have the word are). */
const MAX_EXCLUDED_DOCUMENTS = 1000;
/** A field every chunk of the current layout has: chunks without it were indexed before labels and word forms were. */
const LAYOUT_FIELD = 'forms';
/** A relaxed answer takes at most this many documents for each clause of the query. */
const MAX_RELAXED_DOCUMENTS = 1000;
/** How many of a document's most significant words look for documents like it (each in its own query). */
const RELATED_WORDS = 12;
/** How many documents each of those queries brings as candidates. */
const RELATED_CANDIDATES = 20;
/** How much shared words, shared hazards and the same kind weigh in likeness (as in search/fts/related.ts). */
const RELATED_WEIGHTS = { words: 0.6, hazards: 0.3, kind: 0.1 };
/** How many of a document's chunks are read to find its significant words. */
const RELATED_CHUNKS = 50;
type RetrievedChunk = Pick<Chunk, (typeof RETRIEVED)[number]>;

/**
 * The search index on Meilisearch: one Meilisearch document per page chunk, every chunk carrying its
 * document's metadata and visibility, `distinctAttribute: docId` so hits, totals and facet counts are
 * per document. Text is normalized here (search/persian.ts), never by Meilisearch alone.
 */
export class MeilisearchSearchIndex implements SearchIndex {
  readonly kind = 'meilisearch' as const;
  private readonly client: Meilisearch;
  private readonly index: Index<Chunk>;
  private readonly writes: WriteQueue;
  private synonyms = new SynonymTable();

  constructor(private readonly options: MeilisearchSearchIndexOptions) {
    this.client = new Meilisearch({
      host: options.url,
      apiKey: options.apiKey,
      // Meilisearch gzips an answer whenever the client accepts it (fetch always does), and writes the
      // gzip stream in pieces after the head: on loopback each answer then waits ~40 ms for a delayed
      // ACK (Nagle), multi-searches of a few KB included (BENCHMARKS.md). Uncompressed, they do not.
      requestInit: options.compressedAnswers ? {} : { headers: { 'Accept-Encoding': 'identity' } },
      timeout: options.requestTimeoutMs ?? 30_000,
      defaultWaitOptions: { timeout: options.taskTimeoutMs ?? 120_000, interval: options.taskPollMs ?? 50 },
    });
    this.index = this.client.index<Chunk>(options.index);
    this.writes = new WriteQueue(
      {
        upsert: (writes) => this.sendUpserts(writes),
        access: (writes) => this.sendAccess(writes),
        remove: (writes) => this.sendRemovals(writes),
        clear: () => this.sendClear(),
      },
      { documents: MAX_BATCH_DOCUMENTS, pages: MAX_BATCH_PAGES },
    );
  }

  async init(): Promise<void> {
    const uid = this.options.index;
    try {
      const created = await this.client.createIndex(uid, { primaryKey: 'id' }).waitTask();
      if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') throw taskError(created);
    } catch (error) {
      throw this.serverError(`cannot create the index ${uid}`, error);
    }
    try {
      // Changed settings re-index every chunk already there, which can take a while on a large index.
      await this.done(this.index.updateSettings(INDEX_SETTINGS), { timeout: SETTINGS_TIMEOUT_MS });
    } catch (error) {
      const hint = error instanceof MeilisearchRequestError ? '' : ' (Meilisearch v1.36 or newer is needed)';
      throw this.serverError(`refuses the settings of the index ${uid}${hint}`, error);
    }
  }

  /** The HTTP client holds no connection open between requests. */
  async close(): Promise<void> {}

  /**
   * Empty, or holding chunks of an older layout (before labels and word forms were indexed): either
   * way the portal queues every document to be indexed again (server/search/rebuild.ts).
   */
  async isEmpty(): Promise<boolean> {
    const stats = await this.index.getStats();
    return stats.numberOfDocuments === 0 || !(LAYOUT_FIELD in (stats.fieldDistribution ?? {}));
  }

  async ping(): Promise<void> {
    try {
      await this.client.health();
    } catch (error) {
      throw this.serverError('does not answer', error);
    }
  }

  upsert(doc: IndexedDocument): Promise<void> {
    return this.writes.push({ kind: 'upsert', doc });
  }

  updateAccess(id: string, access: AccessFields): Promise<void> {
    return this.writes.push({ kind: 'access', id, access });
  }

  remove(id: string): Promise<void> {
    return this.writes.push({ kind: 'remove', id });
  }

  clear(): Promise<void> {
    return this.writes.push({ kind: 'clear' });
  }

  /**
   * Documents with all their chunks, in as few tasks as their size allows: every chunk of the batch
   * carries one new generation; the additions are sent together (Meilisearch takes consecutive
   * additions as one batch); only once they are in are the batch's documents' chunks of any other
   * generation deleted, in one task: no moment without a document, no page left from an older version.
   * If an addition fails, the chunks already added are taken out again and the older ones stay.
   */
  private async sendUpserts(writes: WriteOf<'upsert'>[]): Promise<void> {
    const generation = randomUUID();
    const chunks = writes.flatMap(({ doc }) => chunksOf(doc, generation));
    const added = await Promise.allSettled(batches(chunks).map((batch) => this.done(this.index.addDocuments(batch))));
    const failed = added.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await this.done(this.index.deleteDocuments({ filter: `generation = ${quote(generation)}` })).catch(() => undefined);
      throw failed.reason;
    }
    await this.done(this.index.deleteDocuments({ filter: `${idsFilter(writes.map(({ doc }) => doc.id))} AND generation != ${quote(generation)}` }));
  }

  /** New access fields on every chunk of these documents (found by filter, paged), in few tasks, never creating a chunk. */
  private async sendAccess(writes: WriteOf<'access'>[]): Promise<void> {
    const access = new Map(writes.map(({ id, access: fields }) => [id, accessFields(fields)]));
    const chunks = await this.chunkIds([...access.keys()]);
    if (chunks.length === 0) return;
    const updates = chunks.map((chunk) => ({ id: chunk.id, ...access.get(chunk.docId)! }));
    // skipCreation: a chunk deleted meanwhile by an upsert must not come back as a fragment.
    await Promise.all(batches(updates).map((batch) => this.done(this.index.updateDocuments(batch, { skipCreation: true }))));
  }

  private async sendRemovals(writes: WriteOf<'remove'>[]): Promise<void> {
    await this.done(this.index.deleteDocuments({ filter: idsFilter(writes.map(({ id }) => id)) }));
  }

  private async sendClear(): Promise<void> {
    await this.done(this.index.deleteAllDocuments());
  }

  /**
   * The synonym groups, normalized as queries are, as Meilisearch's `synonyms` setting (every term
   * of a group stands for every other), and kept here to read queries with.
   */
  async setSynonyms(groups: string[][]): Promise<void> {
    const table = new SynonymTable(groups);
    await this.done(this.index.updateSynonyms(synonymsSetting(table.normalizedGroups())));
    this.synonyms = table;
  }

  /**
   * One multi-search request: the page of hits with the counts of every facet the user did not
   * filter, and for each facet the user did filter, its counts under all the other filters (the
   * usual disjunctive facets, as in the SQLite index). Every query uses page/hitsPerPage, not
   * offset/limit: only then does Meilisearch apply `distinct` to every match, so totals and facet
   * counts are numbers of documents, not of pages. When no visible document has every word, the
   * documents with the most words are answered (`relaxed`, see relaxedSearch).
   */
  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    const parsed = parseQuery(query.q, this.synonyms);
    const q = meilisearchQuery(parsed);
    const filter = await this.withoutExcluded(viewer, parsed, query.filters);
    const strict = await this.searchOnce(viewer, query, parsed, q, filter, 'all');
    if (strict.total > 0 || parsed.clauses.length < 2) return { ...strict, relaxed: false };
    const some = await this.relaxedSearch(query, parsed, filter);
    return some ?? { ...strict, relaxed: false };
  }

  /**
   * The documents with the most of the query's clauses, as the SQLite index answers them:
   * Meilisearch's own matching strategies drop words in a fixed order (`last` from the end,
   * `frequency` the commonest first) and miss documents with other subsets. So each clause is
   * asked for on its own (with the exclusions and every filter; at most MAX_RELAXED_DOCUMENTS
   * documents each), documents are ordered by how many clauses they have, then by their ranks;
   * then one request fetches this page's hits (each by the clauses it has, for its best page)
   * and the facet counts of all of them. A filtered facet is counted under every filter here, its
   * own included (the strict answer leaves its own out).
   */
  private async relaxedSearch(query: SearchQuery, parsed: ParsedQuery, filter: (filters: SearchQuery['filters']) => string): Promise<SearchResult | null> {
    const base = filter(query.filters);
    const clauseQueries = parsed.clauses.map((clause) => meilisearchQuery({ clauses: [clause], excluded: [] }));
    const { results } = await this.client.multiSearch<MultiSearchParams, Pick<Chunk, 'docId'>>({
      queries: clauseQueries.map((q) => ({ indexUid: this.options.index, q, filter: base, matchingStrategy: 'all', page: 1, hitsPerPage: MAX_RELAXED_DOCUMENTS, attributesToRetrieve: ['docId'] })),
    });
    const found = new Map<string, { clauses: number[]; rank: number }>();
    results.forEach((result, c) =>
      result.hits.forEach((hit, position) => {
        const entry = found.get(hit.docId) ?? { clauses: [], rank: 0 };
        entry.clauses.push(c);
        entry.rank += 1 / (1 + position);
        found.set(hit.docId, entry);
      }),
    );
    if (found.size === 0) return null;
    const ordered = [...found].sort(([a, x], [b, y]) => y.clauses.length - x.clauses.length || y.rank - x.rank || (a < b ? -1 : 1));
    const perPage = Math.max(1, Math.trunc(query.perPage) || 20);
    const page = Math.max(1, Math.trunc(query.page) || 1);
    const shown = query.sort === 'newest' ? null : ordered.slice((page - 1) * perPage, page * perPage);
    const all = ordered.map(([id]) => quote(id)).join(', ');
    const queries: MultiSearchQuery[] = [{ indexUid: this.options.index, q: '', filter: `${base} AND docId IN [${all}]`, facets: FACETS.map((facet) => FACET_ATTRIBUTES[facet]), page: 0 }];
    if (shown === null) {
      queries.push({ indexUid: this.options.index, q: '', filter: `${base} AND docId IN [${all}]`, sort: ['updatedAt:desc'], page, hitsPerPage: perPage, attributesToRetrieve: [...RETRIEVED] });
    } else {
      for (const [id, { clauses }] of shown) {
        const q = clauses.map((c) => clauseQueries[c]!).join(' ');
        queries.push({ indexUid: this.options.index, q, filter: `${base} AND docId = ${quote(id)}`, matchingStrategy: 'all', page: 1, hitsPerPage: 1, attributesToRetrieve: [...RETRIEVED], showMatchesPosition: true });
      }
    }
    const { results: answers } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk>({ queries });
    const [counts, ...pages] = answers;
    const patterns = highlightPatterns(parsed);
    const chunks = shown === null ? (pages[0]?.hits ?? []) : pages.map((answer) => answer.hits[0]).filter((hit): hit is Hit<RetrievedChunk> => hit !== undefined);
    return { total: found.size, hits: chunks.map((hit) => toSearchHit(hit, patterns)), facets: toFacets(counts?.facetDistribution ?? {}), relaxed: true };
  }

  private async searchOnce(
    viewer: Viewer,
    query: SearchQuery,
    parsed: ParsedQuery,
    q: string,
    filter: (filters: SearchQuery['filters']) => string,
    matchingStrategy: 'all' | 'frequency',
  ): Promise<Omit<SearchResult, 'relaxed'>> {
    const words = q !== '';
    const filtered = FACETS.filter((facet) => (query.filters[facet] ?? []).length > 0);
    const common = { indexUid: this.options.index, q, matchingStrategy } as const;
    const main = {
      ...common,
      filter: filter(query.filters),
      facets: FACETS.filter((facet) => !filtered.includes(facet)).map((facet) => FACET_ATTRIBUTES[facet]),
      page: Math.max(1, Math.trunc(query.page) || 1),
      hitsPerPage: Math.max(1, Math.trunc(query.perPage) || 20),
      attributesToRetrieve: [...RETRIEVED],
      showMatchesPosition: words,
      // Without words there is no relevance: newest first, as in the SQLite index.
      ...(query.sort === 'newest' || !words || !hasPositiveWords(q) ? { sort: ['updatedAt:desc'] } : {}),
    } satisfies MultiSearchQuery;
    const counts = filtered.map(
      (facet) =>
        ({
          ...common,
          filter: filter({ ...query.filters, [facet]: [] }),
          facets: [FACET_ATTRIBUTES[facet]],
          // Page 0: no hits, and the documented exhaustive counts.
          page: 0,
        }) satisfies MultiSearchQuery,
    );

    const { results } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk>({ queries: [main, ...counts] });
    const [page, ...facetCounts] = results;
    const facets = toFacets(page!.facetDistribution ?? {});
    filtered.forEach((facet, i) => {
      facets[facet] = { ...(facetCounts[i]?.facetDistribution?.[FACET_ATTRIBUTES[facet]] ?? {}) };
    });
    const patterns = highlightPatterns(parsed);
    const hits = page!.hits.map((hit) => toSearchHit(hit, patterns));
    await this.findPagesOfTitleMatches(q, viewer, page!.hits, hits, patterns);
    return { total: page!.totalHits ?? 0, hits, facets };
  }

  /**
   * The filter of a search, with the documents that have an excluded word left out by id: `-word`
   * in `q` leaves out only the chunks (pages) that have it, and another page of the same document
   * would still be found. The documents are asked for first, each excluded word as an exact phrase.
   */
  private async withoutExcluded(viewer: Viewer, parsed: ParsedQuery, base: SearchQuery['filters']): Promise<(filters: SearchQuery['filters']) => string> {
    if (parsed.excluded.length === 0) return (filters) => searchFilter(viewer, filters);
    const { results } = await this.client.multiSearch<MultiSearchParams, Pick<Chunk, 'docId'>>({
      queries: parsed.excluded.map((tokens) => ({
        indexUid: this.options.index,
        q: `"${tokens.join(' ')}"`,
        filter: searchFilter(viewer, base),
        page: 1,
        hitsPerPage: MAX_EXCLUDED_DOCUMENTS,
        attributesToRetrieve: ['docId'],
      })),
    });
    const ids = [...new Set(results.flatMap((result) => result.hits.map((hit) => hit.docId)))];
    if (ids.length === 0) return (filters) => searchFilter(viewer, filters);
    const notIn = `docId NOT IN [${ids.map(quote).join(', ')}]`;
    return (filters) => `${searchFilter(viewer, filters)} AND ${notIn}`;
  }

  /**
   * Documents like this one, as the SQLite index finds them: its most significant words (frequent
   * in its chunks, not stop words, not its labels), each asked for on its own (Meilisearch has no
   * OR), rarer words weighing more, and the documents of other cities sharing one of its hazards;
   * likeness weighs the words, the shared hazards and the kind. Other cities first. One request.
   */
  async related(viewer: Viewer, id: string, limit: number): Promise<SearchHit[]> {
    const chunks = await this.index.getDocuments({
      filter: `docId = ${quote(id)}`,
      fields: ['title', 'keywords', 'summary', 'body', 'labels', 'city', 'kind', 'hazards'],
      limit: RELATED_CHUNKS,
    });
    const first = chunks.results[0];
    if (!first) return [];
    const words = significantWords(chunks.results);
    const hazards = ((first.hazards ?? []) as string[]).filter((h) => h !== 'other');
    const base = `${searchFilter(viewer, {})} AND docId != ${quote(id)}`;
    const retrieve = [...RETRIEVED, 'hazards'];
    const queries: MultiSearchQuery[] = words.map((word) => ({ indexUid: this.options.index, q: word, filter: base, page: 1, hitsPerPage: RELATED_CANDIDATES, attributesToRetrieve: retrieve }));
    if (hazards.length > 0) {
      queries.push({
        indexUid: this.options.index,
        q: '',
        filter: `${base} AND city != ${quote(first.city)} AND hazards IN [${hazards.map(quote).join(', ')}]`,
        sort: ['updatedAt:desc'],
        page: 1,
        hitsPerPage: RELATED_CANDIDATES,
        attributesToRetrieve: retrieve,
      });
    }
    if (queries.length === 0) return [];
    // How many documents the viewer may see besides this one (page 0: no hits), for the words' rarity.
    queries.push({ indexUid: this.options.index, q: '', filter: base, page: 0 });
    const { results } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk & Pick<Chunk, 'hazards'>>({ queries });
    const visible = results.pop()?.totalHits ?? 0;
    const candidates = new Map<string, { chunk: RetrievedChunk & Pick<Chunk, 'hazards'>; words: number }>();
    results.forEach((result, k) => {
      const weight = k < words.length ? Math.log(1 + visible / (1 + (result.totalHits ?? result.hits.length))) : 0;
      for (const chunk of result.hits) {
        const found = candidates.get(chunk.docId) ?? { chunk, words: 0 };
        found.words += weight;
        candidates.set(chunk.docId, found);
      }
    });
    const best = Math.max(0, ...[...candidates.values()].map((c) => c.words));
    const ranked = [...candidates.values()].map(({ chunk, words: score }) => {
      const shared = hazards.length === 0 ? 0 : (chunk.hazards ?? []).filter((h) => hazards.includes(h)).length / hazards.length;
      const likeness = RELATED_WEIGHTS.words * (best > 0 ? score / best : 0) + RELATED_WEIGHTS.hazards * shared + RELATED_WEIGHTS.kind * (chunk.kind === first.kind ? 1 : 0);
      return { chunk, otherCity: chunk.city === first.city ? 1 : 0, likeness };
    });
    ranked.sort((a, b) => a.otherCity - b.otherCity || b.likeness - a.likeness || (a.chunk.docId < b.chunk.docId ? -1 : 1));
    return ranked.slice(0, limit).map(({ chunk }) => ({ ...toSearchHit(chunk, []), page: null }));
  }

  /**
   * Every chunk repeats its document's title and keywords, so for a word in the title Meilisearch
   * ties all of a document's pages and picks the first, whose text may not have the word. For such
   * hits one more multi-search asks, per document, for the page whose own text matches best
   * (dropping the most frequent words first when no page has them all), and takes its page.
   */
  private async findPagesOfTitleMatches(q: string, viewer: Viewer, chunks: Hit<RetrievedChunk>[], hits: SearchHit[], patterns: Pattern[]): Promise<void> {
    const lacking = hits.flatMap((hit, i) => (q !== '' && hit.page === null && chunks[i]!.page !== null ? [i] : []));
    if (lacking.length === 0) return;
    const queries = lacking.map(
      (i) =>
        ({
          indexUid: this.options.index,
          q,
          filter: `${searchFilter(viewer, {})} AND docId = ${quote(chunks[i]!.docId)}`,
          attributesToSearchOn: ['body', 'bodySplit'],
          matchingStrategy: 'frequency',
          limit: 1,
          attributesToRetrieve: [...RETRIEVED],
          showMatchesPosition: true,
        }) satisfies MultiSearchQuery,
    );
    const { results } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk>({ queries });
    results.forEach((result, k) => {
      const chunk = result.hits[0];
      const withPage = chunk?.docId === chunks[lacking[k]!]!.docId ? toSearchHit(chunk, patterns) : null;
      if (withPage?.page != null) hits[lacking[k]!] = withPage;
    });
  }

  /** The ids of every chunk of these documents, page by page. */
  private async chunkIds(docIds: string[]): Promise<Pick<Chunk, 'id' | 'docId'>[]> {
    const chunks: Pick<Chunk, 'id' | 'docId'>[] = [];
    for (let offset = 0; ; offset += FETCH_PAGE) {
      const page = await this.index.getDocuments({ filter: idsFilter(docIds), fields: ['id', 'docId'], limit: FETCH_PAGE, offset });
      chunks.push(...page.results.map(({ id, docId }) => ({ id, docId })));
      if (page.results.length < FETCH_PAGE) return chunks;
    }
  }

  /** Waits until Meilisearch has processed the task, so the change is visible when the promise resolves. */
  private async done(enqueued: EnqueuedTaskPromise, wait?: WaitOptions): Promise<Task> {
    const task = await enqueued.waitTask(wait);
    if (task.status !== 'succeeded') throw taskError(task);
    return task;
  }

  /** An error that names the server, with the client's message and its causes (fetch failed: ECONNREFUSED…). */
  private serverError(what: string, error: unknown): Error {
    const reasons: string[] = [];
    for (let e: unknown = error; e instanceof Error && reasons.length < 4; e = e.cause) {
      const code = (e as { code?: unknown }).code;
      reasons.push(typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
    }
    return new Error(`Meilisearch at ${this.options.url} ${what}: ${reasons.join(': ')}`, { cause: error });
  }
}

function taskError(task: Task): Error {
  const reason = task.error ? `${task.error.message} (${task.error.code})` : `status ${task.status}`;
  return new Error(`Meilisearch task ${task.uid} (${task.type}) did not succeed: ${reason}`);
}

/**
 * A parsed query as Meilisearch's `q`: each clause as normalized words (the synonym term it was
 * recognised as, so the `synonyms` setting applies), a phrase in double quotes, each exclusion
 * with `-`. Tokens are runs of letters and digits, so nothing the user typed is read as syntax.
 */
export function meilisearchQuery(parsed: ParsedQuery): string {
  const clauses = parsed.clauses.map((clause) => (clause.exact ? `"${clause.tokens.join(' ')}"` : (clause.term ?? clause.tokens).join(' ')));
  const excluded = parsed.excluded.map((tokens) => (tokens.length === 1 ? `-${tokens[0]}` : `-"${tokens.join(' ')}"`));
  return [...clauses, ...excluded].join(' ');
}

/** Whether a `q` has anything to rank by (not only exclusions). */
function hasPositiveWords(q: string): boolean {
  return q.split(' ').some((part) => part !== '' && !part.startsWith('-'));
}

/**
 * What our own snippets mark for a parsed query: each clause's words (the last a prefix, adjacent
 * ones concatenated, a word cut in two), their stems in any form, and the terms of their synonyms.
 */
export function highlightPatterns(parsed: ParsedQuery): Pattern[] {
  const tokens = parsed.clauses.flatMap((clause) => clause.tokens);
  const patterns: Pattern[] = [...basicPatterns(tokens), ...splitPatterns(tokens)];
  for (const clause of parsed.clauses) {
    if (clause.exact) {
      patterns.push({ words: clause.tokens, prefix: false });
      continue;
    }
    for (const token of clause.tokens) patterns.push({ words: [stem(token)], prefix: false, stem: true });
    for (const term of [...(clause.term ? [clause.term] : []), ...clause.synonyms]) patterns.push({ words: term, prefix: false, stem: term.length === 1 });
  }
  return dedupePatterns(patterns);
}

/**
 * A document's most significant words for finding documents like it: the words of its chunks'
 * title, keywords, summary and text, counted (title and keywords count three times), without stop
 * words, numbers, words of two letters or fewer, or the words of its labels.
 */
export function significantWords(chunks: Partial<Pick<Chunk, 'title' | 'keywords' | 'summary' | 'body' | 'labels'>>[]): string[] {
  const counts = new Map<string, number>();
  const labels = new Set((chunks[0]?.labels ?? []).flatMap((label) => normalizeQueryText(label).split(/\s+/)));
  const add = (text: string, weight: number): void => {
    for (const word of normalizeQueryText(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
      if ([...word].length <= 2 || /\p{N}/u.test(word) || isStopWord(word) || labels.has(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + weight);
    }
  };
  const first = chunks[0];
  if (first) {
    add(first.title ?? '', 3);
    add((first.keywords ?? []).join(' '), 3);
    add(first.summary ?? '', 2);
  }
  for (const chunk of chunks) add(chunk.body ?? '', 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || [...b[0]].length - [...a[0]].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, RELATED_WORDS)
    .map(([word]) => word);
}

/** Consecutive slices of `items` whose JSON stays under the batch limits. */
export function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && (bytes + size > MAX_BATCH_BYTES || current.length >= MAX_BATCH_CHUNKS)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function toFacets(distribution: Record<string, Record<string, number>>): SearchResult['facets'] {
  const facets = {} as SearchResult['facets'];
  for (const facet of FACETS) facets[facet as Facet] = { ...(distribution[FACET_ATTRIBUTES[facet]] ?? {}) };
  return facets;
}

type MatchesPosition = Record<string, ByteMatch[] | undefined> | undefined;

/**
 * The snippet of one original text: our own matches first; if there are none, the words Meilisearch
 * matched in the field's normalized forms (UTF-8 byte offsets), such as a typo only it explains.
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
  const base = { id: hit.docId, title: hit.originalTitle, city: hit.city, kind: hit.kind, year: hit.year };
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
