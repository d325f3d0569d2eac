import type { AccessFields, IndexedDocument, SearchHit, SearchIndex, SearchQuery, SearchResult, Viewer } from './search-index';
import { FtsConnection } from './fts/connection';
import type { MatcherOptions } from './fts/matcher';
import { FtsReader } from './fts/reader';
import { ReaderPool } from './fts/reader-pool';
import { DocSnapshot } from './fts/snapshot';
import { Vocabulary } from './fts/vocabulary';
import { FtsWriter } from './fts/writer';

export { withinOneEdit } from './typos';

export interface FtsOptions extends MatcherOptions {
  /** Where init says that it replaced a damaged or outdated index. */
  log?: (message: string) => void;
  /**
   * How many worker threads answer searches, each on a read-only connection; 0: the caller's own
   * thread answers them on the writing connection (always so for ':memory:', which no other
   * connection can open).
   */
  searchWorkers?: number;
}

/**
 * The search index on SQLite FTS5, in its own database file, composed as `search/fts/` is split:
 * the layout (schema.ts) and its writer (writer.ts); the reader (reader.ts: query planning and typo
 * correction in planner.ts over vocabulary.ts, matching and ranking in matcher.ts, the hits shown
 * in hits.ts, documents like a given one in related.ts). After the match, visibility, filters,
 * facet counts and ordering run in memory over a snapshot of the documents' access and facets
 * (snapshot.ts), which follows every write. Synonyms are held in memory and expand each query.
 *
 * Writes go through one connection, one after another. Searches run in a pool of worker threads
 * with read-only connections (reader-pool.ts) unless `searchWorkers` is 0.
 */
export class FtsSearchIndex implements SearchIndex {
  readonly kind = 'sqlite' as const;
  private readonly connection: FtsConnection;
  private readonly writer: FtsWriter;
  private readonly reader: FtsReader;
  private readonly pool: ReaderPool | null;
  /** Writes run one after another in call order, so an upsert that yields while it normalizes cannot overtake or be overtaken. */
  private writes: Promise<unknown> = Promise.resolve();

  /**
   * @param file the index's own SQLite file, or ':memory:'
   * @param options.bm25PageLimit above this many (estimated) matching page rows, do not weigh pages with bm25
   * @param options.densePageRows above this many, do not list them either (see Matcher.firstBodyPages)
   */
  constructor(file: string, options: FtsOptions = {}) {
    const { log, searchWorkers = 0, ...matcherOptions } = options;
    this.connection = new FtsConnection(file, log);
    const snapshot = new DocSnapshot(() => this.connection.database());
    this.writer = new FtsWriter(this.connection, new Vocabulary(this.connection), snapshot);
    this.reader = new FtsReader(this.connection, snapshot, matcherOptions);
    this.pool = searchWorkers > 0 && file !== ':memory:' ? new ReaderPool(file, searchWorkers, matcherOptions) : null;
  }

  /** How many search workers run now (0 when searches run on the caller's thread). */
  get searchWorkersRunning(): number {
    return this.pool?.running ?? 0;
  }

  async setSynonyms(groups: string[][]): Promise<void> {
    this.reader.setSynonyms(groups);
    await this.pool?.setSynonyms(groups);
  }

  /**
   * Opens the index file, creating it when missing. The index is derived data: a file of another layout
   * is emptied, and a file SQLite cannot read (damaged, or not a database) is moved aside as
   * `<file>.damaged-<time>` and started anew; either way the portal finds it empty and rebuilds it from the database.
   */
  async init(): Promise<void> {
    this.connection.open();
    this.pool?.warm();
  }

  async isEmpty(): Promise<boolean> {
    return this.connection.sql('SELECT 1 FROM docs LIMIT 1').get() === undefined;
  }

  async ping(): Promise<void> {
    this.connection.sql('SELECT 1').get();
  }

  /** Stops the search workers and closes the database file (tests and shutdown). */
  async close(): Promise<void> {
    await this.pool?.close();
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
    if (this.pool) return this.pool.search(viewer, query);
    return this.reader.search(viewer, query);
  }

  async related(viewer: Viewer, id: string, limit: number): Promise<SearchHit[]> {
    if (this.pool) return this.pool.related(viewer, id, limit);
    return this.reader.related(viewer, id, limit);
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.writes.then(operation, operation);
    this.writes = run.catch(() => undefined);
    return run;
  }
}
