import { visibleTo, type AccessFields, type IndexedDocument, type SearchHit, type SearchIndex, type SearchQuery, type SearchResult, type Viewer } from './search-index';
import { bestCorrection } from './typos';
import { parseQuery, SynonymTable } from './query';
import { FtsConnection } from './fts/connection';
import { HitBuilder } from './fts/hits';
import { Matcher, rank, relaxedSpec, strictSpec, type Match, type MatcherOptions, type MatchSpec } from './fts/matcher';
import { QueryPlanner } from './fts/planner';
import { RelatedFinder } from './fts/related';
import { DocSnapshot } from './fts/snapshot';
import { Vocabulary } from './fts/vocabulary';
import { FtsWriter } from './fts/writer';

export { withinOneEdit } from './typos';

/**
 * The search index on SQLite FTS5, in its own database file, composed as `search/fts/` is split:
 * the layout (schema.ts) and its writer (writer.ts); query planning and typo correction
 * (planner.ts, over the index's vocabulary.ts); matching and ranking (matcher.ts) and the hits
 * shown (hits.ts); documents like a given one (related.ts). After the match, visibility, filters,
 * facet counts and ordering run in memory over a snapshot of the documents' access and facets
 * (snapshot.ts), which writes keep current. Synonyms are held in memory and expand each query.
 *
 * A query is read by search/query.ts (phrases, exclusions, stop words, synonyms). When no visible
 * document has every clause, the documents with the most clauses are answered (`relaxed`).
 *
 * Facets (the usual disjunctive semantics): the counts of one facet are computed over the
 * visible documents matching `q` and the filters of every OTHER facet, so that choosing
 * `city=tehran` still shows how many documents the other cities have. Total and hits use all
 * filters. Values of one facet combine with OR, different facets with AND.
 */
export class FtsSearchIndex implements SearchIndex {
  readonly kind = 'sqlite' as const;
  private readonly connection: FtsConnection;
  private readonly snapshot: DocSnapshot;
  private readonly writer: FtsWriter;
  private readonly planner: QueryPlanner;
  private readonly matcher: Matcher;
  private readonly hits: HitBuilder;
  private readonly relatedFinder: RelatedFinder;
  private synonyms = new SynonymTable();
  /** Writes run one after another in call order, so an upsert that yields while it normalizes cannot overtake or be overtaken. */
  private writes: Promise<unknown> = Promise.resolve();

  /**
   * @param file the index's own SQLite file, or ':memory:'
   * @param options.bm25PageLimit above this many (estimated) matching page rows, do not weigh pages with bm25
   * @param options.densePageRows above this many, do not list them either (see Matcher.firstBodyPages)
   * @param options.log where init says that it replaced a damaged or outdated index
   */
  constructor(file: string, options: MatcherOptions & { log?: (message: string) => void } = {}) {
    this.connection = new FtsConnection(file, options.log);
    this.snapshot = new DocSnapshot(() => this.connection.database());
    const vocabulary = new Vocabulary(this.connection);
    this.writer = new FtsWriter(this.connection, vocabulary, this.snapshot);
    this.planner = new QueryPlanner(vocabulary, options);
    this.matcher = new Matcher(this.connection, options);
    this.hits = new HitBuilder(this.connection, this.snapshot);
    this.relatedFinder = new RelatedFinder(this.connection, this.snapshot);
  }

  async setSynonyms(groups: string[][]): Promise<void> {
    this.synonyms = new SynonymTable(groups);
  }

  /**
   * Opens the index file, creating it when missing. The index is derived data: a file of another layout
   * is emptied, and a file SQLite cannot read (damaged, or not a database) is moved aside as
   * `<file>.damaged-<time>` and started anew; either way the portal finds it empty and rebuilds it from the database.
   */
  async init(): Promise<void> {
    this.connection.open();
  }

  async isEmpty(): Promise<boolean> {
    return this.connection.sql('SELECT 1 FROM docs LIMIT 1').get() === undefined;
  }

  async ping(): Promise<void> {
    this.connection.sql('SELECT 1').get();
  }

  /** Closes the database file (tests and shutdown). */
  async close(): Promise<void> {
    this.connection.close();
  }

  upsert(doc: IndexedDocument): Promise<void> {
    return this.serially(() => this.writer.write(doc));
  }

  updateAccess(id: string, access: AccessFields): Promise<void> {
    return this.serially(async () => this.writer.changeAccess(id, access));
  }

  remove(id: string): Promise<void> {
    return this.serially(async () => this.writer.remove(id));
  }

  clear(): Promise<void> {
    return this.serially(async () => this.writer.clear());
  }

  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    const perPage = Math.max(1, Math.trunc(query.perPage) || 20);
    const page = Math.max(1, Math.trunc(query.page) || 1);
    const snapshot = this.snapshot.current();
    const visible = (n: number): boolean => {
      const doc = snapshot.get(n);
      return doc !== undefined && visibleTo(viewer, doc.access);
    };
    const choose = (_token: string, candidates: string[]): string | null => bestCorrection(candidates, (word) => this.matcher.visibleWithWord(word, visible));
    const plan = this.planner.plan(parseQuery(query.q, this.synonyms), choose);
    let spec = plan ? strictSpec(plan) : null;
    let matches: Map<number, Match> | null = spec ? this.matcher.matchDocuments(spec) : null;
    let candidates: Iterable<number> = matches ? matches.keys() : snapshot.all();
    if (plan && !spec) {
      const excluded = this.matcher.excluded(plan);
      candidates = [...snapshot.all()].filter((n) => !excluded.has(n));
    }
    const only = query.only ? this.entryNumbers(query.only) : null;
    const within = (entries: Iterable<number>): Iterable<number> => (only ? [...entries].filter((n) => only.has(n)) : entries);
    let { kept, facets } = snapshot.select(viewer, query.filters, within(candidates));
    let relaxed = false;
    const loose = plan && kept.length === 0 ? relaxedSpec(plan) : null;
    if (loose) {
      const some = this.matcher.matchDocuments(loose);
      const selection = snapshot.select(viewer, query.filters, within(some.keys()));
      if (selection.kept.length > 0) {
        ({ kept, facets } = selection);
        [spec, matches, relaxed] = [loose, some, true];
      }
    }
    const ordered = rank(kept, matches, query.sort);

    const shown = ordered.slice((page - 1) * perPage, page * perPage);
    const firstPages = spec && shown.length > 0 && !this.matcher.pagesAreCheapToRank(spec) ? this.matcher.firstBodyPages(spec) : new Map<number, number>();
    const pageOf = (n: number): number | null | undefined => {
      const chosen = matches?.get(n)?.page;
      return chosen !== undefined ? chosen : firstPages.get(n);
    };
    const result: SearchResult = { total: kept.length, hits: this.hits.hits(shown.map((doc) => doc.n), spec as MatchSpec | null, pageOf), facets, relaxed };
    const didYouMean = plan ? this.hits.didYouMean(plan) : undefined;
    if (didYouMean) result.didYouMean = didYouMean;
    return result;
  }

  async related(viewer: Viewer, id: string, limit: number): Promise<SearchHit[]> {
    return this.hits.plainHits(this.relatedFinder.related(viewer, id, limit));
  }

  /** The index's numbers of these entry ids (those it holds). */
  private entryNumbers(ids: readonly string[]): Set<number> {
    if (ids.length === 0) return new Set();
    const numbers = this.connection.sql(`SELECT n FROM docs WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().all(...ids) as number[];
    return new Set(numbers);
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.writes.then(operation, operation);
    this.writes = run.catch(() => undefined);
    return run;
  }
}
