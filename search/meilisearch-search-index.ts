import { randomUUID } from 'node:crypto';
import { Meilisearch, MeilisearchRequestError, type EnqueuedTaskPromise, type Hit, type Index, type MultiSearchParams, type MultiSearchQuery, type Task, type WaitOptions } from 'meilisearch';
import { isStopWord, normalizeQueryText } from './persian';
import { parseQuery, SynonymTable, type ParsedQuery } from './query';
import { FACETS, type AccessFields, type IndexedDocument, type SearchHit, type SearchIndex, type SearchQuery, type SearchResult, type Viewer } from './search-index';
import { typoSource, bestCorrection } from './typos';
import { accessFields, documentChunks, type Chunk } from './meilisearch/chunks';
import { FACET_ATTRIBUTES, idsFilter, quote, searchFilter } from './meilisearch/filter';
import { RETRIEVED, toFacets, toSearchHit, type RetrievedChunk } from './meilisearch/hits';
import { clauseText, hasPositiveWords, highlightPatterns, meilisearchQuery, needsPositions, pageLookupText, suggestion, withCorrections, withPrefix } from './meilisearch/reading';
import { orderFound, selectFound, type FoundDocument } from './meilisearch/selection';
import { AS_WRITTEN_ATTRIBUTES, INDEX_SETTINGS, PAGE_ATTRIBUTES, synonymsSetting, WORDS_INDEX_SETTINGS } from './meilisearch/settings';
import { WordsIndex, type WordEntry } from './meilisearch/words';
import { WriteQueue, type WriteOf } from './meilisearch/write-queue';
import type { Pattern } from './snippet';

export { meilisearchQuery, highlightPatterns } from './meilisearch/reading';
export { toSearchHit } from './meilisearch/hits';

export interface MeilisearchSearchIndexOptions {
  url: string;
  apiKey?: string;
  /** The index uid; the words documents have (for typo corrections) are kept in `<uid>-words`. */
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

/** At most this many documents with an excluded word are left out by id, when a phrase keeps the search on pages (beyond, only their pages that have the word are). */
const MAX_EXCLUDED_DOCUMENTS = 1000;
/** A field every chunk of the current layout has: chunks without it were indexed before whole-document chunks were (entry types came just before). */
const LAYOUT_FIELD = 'wholeDocument';
/** A relaxed answer takes at most this many documents for each clause of the query. */
const MAX_RELAXED_DOCUMENTS = 10_000;
/** How many of a document's most significant words look for documents like it (each in its own query). */
const RELATED_WORDS = 12;
/** How many documents each of those queries brings as candidates. */
const RELATED_CANDIDATES = 20;
/** How much shared words, shared hazards and the same kind weigh in likeness (as in search/fts/related.ts). */
const RELATED_WEIGHTS = { words: 0.6, hazards: 0.3, kind: 0.1 };
/** How many of a document's chunks are read to find its significant words. */
const RELATED_CHUNKS = 50;
/** What a relaxed answer reads of each document a clause finds: enough to filter, count facets and order. */
const FOUND_FIELDS = ['docId', 'type', 'updatedAt', 'city', 'kind', 'hazards', 'year', 'resolutions', 'fileType'] as const satisfies readonly (keyof Chunk)[];

type Answer = Omit<SearchResult, 'relaxed' | 'didYouMean'>;

/**
 * The search index on Meilisearch: per document, one chunk that stands for the whole document and
 * one per page (search/meilisearch/chunks.ts), every chunk carrying its document's metadata and
 * visibility, `distinctAttribute: docId` so hits, totals and facet counts are per document. Text is
 * normalized here (search/persian.ts), never by Meilisearch alone. Queries are read once for both
 * engines (search/query.ts) and follow the same matching and typo rules (search/typos.ts, the
 * contract suite); writes are batched (search/meilisearch/write-queue.ts).
 */
export class MeilisearchSearchIndex implements SearchIndex {
  readonly kind = 'meilisearch' as const;
  private readonly client: Meilisearch;
  private readonly index: Index<Chunk>;
  private readonly wordsIndex: Index<WordEntry>;
  private readonly words: WordsIndex;
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
    this.wordsIndex = this.client.index<WordEntry>(`${options.index}-words`);
    this.words = new WordsIndex(this.wordsIndex);
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
    for (const [uid, settings] of [
      [this.options.index, INDEX_SETTINGS],
      [this.wordsIndex.uid, WORDS_INDEX_SETTINGS],
    ] as const) {
      try {
        const created = await this.client.createIndex(uid, { primaryKey: 'id' }).waitTask();
        if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') throw taskError(created);
      } catch (error) {
        throw this.serverError(`cannot create the index ${uid}`, error);
      }
      try {
        // Changed settings re-index every chunk already there, which can take a while on a large index.
        await this.done(this.client.index(uid).updateSettings(settings), { timeout: SETTINGS_TIMEOUT_MS });
      } catch (error) {
        const hint = error instanceof MeilisearchRequestError ? '' : ' (Meilisearch v1.36 or newer is needed)';
        throw this.serverError(`refuses the settings of the index ${uid}${hint}`, error);
      }
    }
  }

  /** The HTTP client holds no connection open between requests. */
  async close(): Promise<void> {}

  /**
   * Empty, or holding chunks of an older layout (before whole-document chunks): either way the
   * portal queues every document to be indexed again (server/search/rebuild.ts).
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
   * additions as one batch), with the words the documents bring to the words index; only once they
   * are in are the batch's documents' chunks of any other generation deleted, in one task: no
   * moment without a document, no page left from an older version. If an addition fails, the
   * chunks already added are taken out again and the older ones stay.
   */
  private async sendUpserts(writes: WriteOf<'upsert'>[]): Promise<void> {
    const generation = randomUUID();
    const docs = writes.map(({ doc }) => doc);
    const built = docs.map((doc) => documentChunks(doc, generation));
    const chunks = built.flatMap((doc) => doc.chunks);
    const entries = this.words.newEntries(built.map((doc) => doc.words));
    const added = await Promise.allSettled([
      ...jsonBatches(chunks).map((batch) => this.done(this.index.addDocumentsFromString(batch, 'application/json'))),
      ...jsonBatches(entries).map((batch) => this.done(this.wordsIndex.addDocumentsFromString(batch, 'application/json'))),
    ]);
    const failed = added.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      this.words.forget(entries);
      await this.done(this.index.deleteDocuments({ filter: `generation = ${quote(generation)}` })).catch(() => undefined);
      throw failed.reason;
    }
    await this.done(this.index.deleteDocuments({ filter: `${idsFilter(docs.map((doc) => doc.id))} AND generation != ${quote(generation)}` }));
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
    this.words.forget();
    await Promise.all([this.done(this.index.deleteAllDocuments()), this.done(this.wordsIndex.deleteAllDocuments())]);
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
   * The query as read for both engines, matched on every chunk of every document the viewer may
   * see: one multi-search for the page of hits and the facet counts, and one more only for hits
   * whose page is still to be found. When nothing matches, a word no document has is read as its
   * nearest indexed word (search/typos.ts); when still nothing has every word, the documents with
   * the most words are answered (`relaxed`).
   */
  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    const parsed = parseQuery(query.q, this.synonyms);
    const strict = await this.strictSearch(viewer, query, parsed);
    if (strict.total > 0) return { ...strict, relaxed: false };
    const corrections = await this.corrections(viewer, parsed);
    const reading = corrections.size > 0 ? withCorrections(parsed, corrections) : parsed;
    const answer = corrections.size > 0 ? await this.strictSearch(viewer, query, reading) : strict;
    const said = corrections.size > 0 ? { didYouMean: suggestion(parsed, corrections) } : {};
    if (answer.total > 0 || reading.clauses.length < 2) return { ...answer, relaxed: false, ...said };
    const some = await this.relaxedSearch(viewer, query, reading);
    return some ? { ...some, relaxed: true, ...said } : { ...answer, relaxed: false, ...said };
  }

  /**
   * Every clause, in one multi-search: the page of hits with the counts of every facet the user did
   * not filter, and for each facet the user did filter, its counts under all the other filters (the
   * usual disjunctive facets, as in the SQLite index). Every query uses page/hitsPerPage, not
   * offset/limit: only then does Meilisearch apply `distinct` to every match, so totals and facet
   * counts are numbers of documents, not of pages. With an excluded word, only whole-document chunks
   * are searched (they have every word of their document, so `-word` leaves out the document) —
   * unless a phrase, searched for or excluded, needs the order of words on pages: then the documents
   * with an excluded word are asked for first and left out by id.
   */
  private async strictSearch(viewer: Viewer, query: SearchQuery, parsed: ParsedQuery): Promise<Answer> {
    const q = meilisearchQuery(parsed);
    const words = hasPositiveWords(q);
    const wholeDocuments = parsed.excluded.length > 0 && !parsed.clauses.some(needsPositions) && !parsed.excluded.some(excludedPhrase);
    const notIn = parsed.excluded.length > 0 && !wholeDocuments ? await this.documentsWithExcluded(viewer, parsed, query.filters) : null;
    const only = onlyFilter(query.only);
    const filter = (filters: SearchQuery['filters']): string =>
      [searchFilter(viewer, filters), ...(wholeDocuments ? ['wholeDocument = 1'] : []), ...(notIn ? [notIn] : []), ...(only ? [only] : [])].join(' AND ');
    const filtered = FACETS.filter((facet) => (query.filters[facet] ?? []).length > 0);
    const common = { indexUid: this.options.index, q, matchingStrategy: 'all' } as const;
    const main = {
      ...common,
      filter: filter(query.filters),
      facets: FACETS.filter((facet) => !filtered.includes(facet)).map((facet) => FACET_ATTRIBUTES[facet]),
      page: Math.max(1, Math.trunc(query.page) || 1),
      hitsPerPage: Math.max(1, Math.trunc(query.perPage) || 20),
      attributesToRetrieve: [...RETRIEVED],
      showMatchesPosition: words,
      // Without words there is no relevance: newest first, as in the SQLite index.
      ...(query.sort === 'newest' || !words ? { sort: ['updatedAt:desc'] } : {}),
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
    if (words) await this.findPages(viewer, parsed, page!.hits, hits, patterns);
    return { total: page!.totalHits ?? 0, hits, facets };
  }

  /**
   * The typo rule of search/typos.ts: which typed words no document has at all (one multi-search: each
   * such word alone, and joined with its neighbours, on every document; and the indexed words one
   * deletion from it), then, for each, the candidate the most documents the viewer may see have as
   * written (one more multi-search, counting). An empty map when every word is known.
   */
  private async corrections(viewer: Viewer, parsed: ParsedQuery): Promise<Map<number, string>> {
    const chosen = new Map<number, string>();
    const clauses = parsed.clauses;
    const typoable = clauses.flatMap((clause, i) => (!clause.exact && clause.tokens.length === 1 && typoSource(clause.tokens[0]!) ? [i] : []));
    if (typoable.length === 0) return chosen;
    const checks: { clause: number; query: MultiSearchQuery }[] = [];
    const known = (i: number, q: string): void => void checks.push({ clause: i, query: { indexUid: this.options.index, q, limit: 1, attributesToRetrieve: ['docId'] } });
    for (const i of typoable) {
      known(i, withPrefix(clauseText(clauses[i]!), clauses[i]!.prefix));
      for (const span of joinedSpans(parsed, i)) known(i, withPrefix(span.map((c) => c.tokens[0]).join(''), span.at(-1)!.prefix));
    }
    const lookups = typoable.map((i) => this.words.lookup(clauses[i]!.tokens[0]!));
    const { results } = await this.client.multiSearch<MultiSearchParams, { word: string }>({ queries: [...checks.map((check) => check.query), ...lookups] });
    const unknown = typoable.filter((i) => checks.every((check, k) => check.clause !== i || results[k]!.hits.length === 0));
    const candidates = new Map(unknown.map((i) => [i, WordsIndex.candidates(clauses[i]!.tokens[0]!, results[checks.length + typoable.indexOf(i)]!.hits)]));
    const words = [...new Set([...candidates.values()].flat())];
    if (words.length === 0) return chosen;
    const counted = await this.client.multiSearch<MultiSearchParams>({
      queries: words.map((word) => ({ indexUid: this.options.index, q: `"${word}"`, attributesToSearchOn: AS_WRITTEN_ATTRIBUTES, filter: searchFilter(viewer, {}), page: 0 })),
    });
    const visible = new Map(words.map((word, k) => [word, counted.results[k]!.totalHits ?? 0]));
    for (const [i, list] of candidates) {
      const word = bestCorrection(list, (candidate) => visible.get(candidate) ?? 0);
      if (word !== null) chosen.set(i, word);
    }
    return chosen;
  }

  /**
   * The documents with the most of the query's clauses, as the SQLite index answers them:
   * Meilisearch's own matching strategies drop words in a fixed order (`last` from the end,
   * `frequency` the commonest first) and miss documents with other subsets. So each clause is
   * asked for on its own, on whole-document chunks (a phrase on pages), with the exclusions and the
   * viewer's visibility (at most MAX_RELAXED_DOCUMENTS documents each); the user's filters and the
   * facet counts are applied here as the SQLite index applies them; documents are ordered by how
   * many clauses they have, then by their ranks. One more request fetches this page's hits: per
   * document, its page with the most of the words, or its whole-document chunk.
   */
  private async relaxedSearch(viewer: Viewer, query: SearchQuery, parsed: ParsedQuery): Promise<Answer | null> {
    const byId = parsed.excluded.some(excludedPhrase) ? await this.documentsWithExcluded(viewer, parsed, {}) : null;
    const excluded = byId ? '' : meilisearchQuery({ clauses: [], excluded: parsed.excluded });
    const only = onlyFilter(query.only);
    const visible = [searchFilter(viewer, {}), ...(byId ? [byId] : []), ...(only ? [only] : [])].join(' AND ');
    const { results } = await this.client.multiSearch<MultiSearchParams, Pick<Chunk, (typeof FOUND_FIELDS)[number]>>({
      queries: parsed.clauses.map((clause) => ({
        indexUid: this.options.index,
        q: withPrefix([excluded, clauseText(clause)].filter((part) => part !== '').join(' '), clause.exact || clause.prefix),
        filter: needsPositions(clause) ? visible : `${visible} AND wholeDocument = 1`,
        matchingStrategy: 'all',
        page: 1,
        hitsPerPage: MAX_RELAXED_DOCUMENTS,
        attributesToRetrieve: [...FOUND_FIELDS],
      })),
    });
    const found = new Map<string, FoundDocument & { clauseIndexes: number[] }>();
    results.forEach((result, c) =>
      result.hits.forEach((hit, position) => {
        const entry = found.get(hit.docId) ?? {
          docId: hit.docId,
          updatedAt: hit.updatedAt,
          values: {
            city: [hit.city],
            kind: hit.kind ? [hit.kind] : [],
            hazard: hit.hazards ?? [],
            year: [String(hit.year)],
            resolution: hit.resolutions ?? [],
            fileType: hit.fileType ? [hit.fileType] : [],
            type: [hit.type ?? 'document'],
          },
          clauses: 0,
          rank: 0,
          clauseIndexes: [],
        };
        entry.clauses += 1;
        entry.rank += 1 / (1 + position);
        entry.clauseIndexes.push(c);
        found.set(hit.docId, entry);
      }),
    );
    const { kept, facets } = selectFound(found.values(), query.filters);
    if (kept.length === 0) return null;
    const perPage = Math.max(1, Math.trunc(query.perPage) || 20);
    const page = Math.max(1, Math.trunc(query.page) || 1);
    const shown = orderFound(kept, query.sort).slice((page - 1) * perPage, page * perPage) as (FoundDocument & { clauseIndexes: number[] })[];
    const patterns = highlightPatterns(parsed);
    const hits = await this.hitsOf(
      viewer,
      shown.map((doc) => ({ docId: doc.docId, reading: { clauses: doc.clauseIndexes.map((c) => parsed.clauses[c]!), excluded: [] } })),
      patterns,
    );
    return { total: kept.length, hits, facets };
  }

  /** The hits of these documents, in this order: each its page with the most of its words, else its whole-document chunk. One multi-search. */
  private async hitsOf(viewer: Viewer, docs: { docId: string; reading: ParsedQuery }[], patterns: Pattern[]): Promise<SearchHit[]> {
    if (docs.length === 0) return [];
    const visible = searchFilter(viewer, {});
    const queries: MultiSearchQuery[] = docs.flatMap(({ docId, reading }) => [
      this.pageLookup(visible, docId, reading),
      { indexUid: this.options.index, q: '', filter: `${visible} AND docId = ${quote(docId)} AND wholeDocument = 1`, limit: 1, attributesToRetrieve: [...RETRIEVED] },
    ]);
    const { results } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk>({ queries });
    return docs.flatMap((_, k) => {
      const onPage = results[2 * k]!.hits[0];
      const whole = results[2 * k + 1]!.hits[0];
      const hit = onPage ? toSearchHit(onPage, patterns) : whole ? toSearchHit(whole, patterns) : null;
      return hit ? [hit.page === null && whole ? toSearchHit(whole, patterns) : hit] : [];
    });
  }

  /** The page of one document whose text (or its stems) has the most of the reading's words. */
  private pageLookup(visible: string, docId: string, reading: ParsedQuery): MultiSearchQuery {
    return {
      indexUid: this.options.index,
      q: pageLookupText(reading),
      filter: `${visible} AND docId = ${quote(docId)} AND wholeDocument = 0`,
      attributesToSearchOn: PAGE_ATTRIBUTES,
      matchingStrategy: 'frequency',
      limit: 1,
      attributesToRetrieve: [...RETRIEVED],
      showMatchesPosition: true,
    };
  }

  /**
   * A hit without a page whose document has pages: it matched through its whole-document chunk (its
   * words on different pages, or a form no page has as written) or through the title every page
   * repeats. One more multi-search asks, per such document, for the page with the most of the words
   * in any form, and takes it.
   */
  private async findPages(viewer: Viewer, parsed: ParsedQuery, chunks: Hit<RetrievedChunk>[], hits: SearchHit[], patterns: Pattern[]): Promise<void> {
    const lacking = hits.flatMap((hit, i) => (hit.page === null && (chunks[i]!.pageCount ?? 0) > 0 ? [i] : []));
    if (lacking.length === 0 || pageLookupText(parsed).trim() === '') return;
    const visible = searchFilter(viewer, {});
    const { results } = await this.client.multiSearch<MultiSearchParams, RetrievedChunk>({
      queries: lacking.map((i) => this.pageLookup(visible, chunks[i]!.docId, parsed)),
    });
    results.forEach((result, k) => {
      const chunk = result.hits[0];
      const withPage = chunk?.docId === chunks[lacking[k]!]!.docId ? toSearchHit(chunk, patterns) : null;
      if (withPage?.page != null) hits[lacking[k]!] = withPage;
    });
  }

  /**
   * The filter that leaves out, by id, the documents with an excluded word (asked for first, each
   * excluded word as an exact phrase, at most MAX_EXCLUDED_DOCUMENTS): for a query whose phrase must
   * be matched on pages, where `-word` leaves out only the pages that have it, and for an excluded
   * phrase, which only pages can show.
   */
  private async documentsWithExcluded(viewer: Viewer, parsed: ParsedQuery, filters: SearchQuery['filters']): Promise<string | null> {
    const { results } = await this.client.multiSearch<MultiSearchParams, Pick<Chunk, 'docId'>>({
      queries: parsed.excluded.map((tokens) => ({
        indexUid: this.options.index,
        q: `"${tokens.join(' ')}"`,
        // A word is on its document's whole-document chunk; the order of a phrase's words only on its pages.
        filter: excludedPhrase(tokens) ? searchFilter(viewer, filters) : `${searchFilter(viewer, filters)} AND wholeDocument = 1`,
        page: 1,
        hitsPerPage: MAX_EXCLUDED_DOCUMENTS,
        attributesToRetrieve: ['docId'],
      })),
    });
    const ids = [...new Set(results.flatMap((result) => result.hits.map((hit) => hit.docId)))];
    return ids.length === 0 ? null : `docId NOT IN [${ids.map(quote).join(', ')}]`;
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
      fields: ['title', 'keywords', 'summary', 'body', 'labels', 'city', 'kind', 'hazards', 'wholeDocument'],
      limit: RELATED_CHUNKS,
    });
    // The whole-document chunk first: it alone carries the summary.
    const ordered = [...chunks.results].sort((a, b) => (b.wholeDocument ?? 0) - (a.wholeDocument ?? 0));
    const first = ordered[0];
    if (!first) return [];
    const words = significantWords(ordered);
    const hazards = ((first.hazards ?? []) as string[]).filter((h) => h !== 'other');
    const base = `${searchFilter(viewer, {})} AND docId != ${quote(id)} AND type = ${quote('document')}`;
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

/** An excluded phrase of several words: only the pages have their words in order. */
const excludedPhrase = (tokens: string[]): boolean => tokens.length > 1;

/** The runs of adjacent one-word clauses (2 or 3) around clause `i` that the SQLite index also reads joined (`کلان شهر` → `کلانشهر`). */
function joinedSpans(parsed: ParsedQuery, i: number): ParsedQuery['clauses'][] {
  const spans: ParsedQuery['clauses'][] = [];
  const { clauses } = parsed;
  for (let size = 2; size <= 3; size++) {
    for (let from = Math.max(0, i - size + 1); from <= i && from + size <= clauses.length; from++) {
      const span = clauses.slice(from, from + size);
      if (span.every((c, k) => !c.exact && c.tokens.length === 1 && c.run === span[0]!.run && c.position === span[0]!.position + k)) spans.push(span);
    }
  }
  return spans;
}

/** The filter that limits a search to the entries `only` names (a saved search asked about one new entry); null for no limit. */
function onlyFilter(only: string[] | undefined): string | null {
  return only ? idsFilter(only) : null;
}

function taskError(task: Task): Error {
  const reason = task.error ? `${task.error.message} (${task.error.code})` : `status ${task.status}`;
  return new Error(`Meilisearch task ${task.uid} (${task.type}) did not succeed: ${reason}`);
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
  return slices(items.map((item) => ({ item, json: JSON.stringify(item) }))).map((slice) => slice.map(({ item }) => item));
}

/**
 * The same slices as JSON arrays, ready to send: each item is serialized once, to measure it and to
 * send it (the client would serialize the whole batch again; a rebuild's chunks are megabytes).
 */
export function jsonBatches<T>(items: T[]): string[] {
  return slices(items.map((item) => ({ item, json: JSON.stringify(item) }))).map((slice) => `[${slice.map(({ json }) => json).join(',')}]`);
}

function slices<S extends { json: string }>(serialized: S[]): S[][] {
  const out: S[][] = [];
  let current: S[] = [];
  let bytes = 0;
  for (const entry of serialized) {
    const size = Buffer.byteLength(entry.json);
    if (current.length > 0 && (bytes + size > MAX_BATCH_BYTES || current.length >= MAX_BATCH_CHUNKS)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

