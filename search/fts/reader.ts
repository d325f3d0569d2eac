import { visibleTo, type SearchHit, type SearchQuery, type SearchResult, type Viewer } from '../search-index';
import { bestCorrection } from '../typos';
import { parseQuery, SynonymTable } from '../query';
import type { FtsConnection } from './connection';
import { HitBuilder } from './hits';
import { Matcher, rank, relaxedSpec, strictSpec, type Match, type MatcherOptions, type MatchSpec } from './matcher';
import { QueryPlanner } from './planner';
import { RelatedFinder } from './related';
import type { DocSnapshot } from './snapshot';
import { Vocabulary } from './vocabulary';

/**
 * Everything that reads the index to answer a person: a search and the documents like a given one.
 * It only reads, so it runs on the writer's own connection (in the portal's thread) or on a
 * read-only connection of its own in a worker thread (reader-pool.ts); either way it sees what
 * the writer committed before the call, because the snapshot follows SQLite's `data_version`.
 *
 * A query is read by search/query.ts (phrases, exclusions, stop words, synonyms). When no visible
 * document has every clause, the documents with the most clauses are answered (`relaxed`).
 *
 * Facets (the usual disjunctive semantics): the counts of one facet are computed over the
 * visible documents matching `q` and the filters of every OTHER facet, so that choosing
 * `city=tehran` still shows how many documents the other cities have. Total and hits use all
 * filters. Values of one facet combine with OR, different facets with AND.
 */
export class FtsReader {
  private readonly planner: QueryPlanner;
  private readonly matcher: Matcher;
  private readonly hits: HitBuilder;
  private readonly relatedFinder: RelatedFinder;
  private synonyms = new SynonymTable();

  constructor(
    private readonly connection: FtsConnection,
    private readonly snapshot: DocSnapshot,
    options: MatcherOptions = {},
  ) {
    this.planner = new QueryPlanner(new Vocabulary(connection), options);
    this.matcher = new Matcher(connection, options);
    this.hits = new HitBuilder(connection, snapshot);
    this.relatedFinder = new RelatedFinder(connection, snapshot);
  }

  setSynonyms(groups: string[][]): void {
    this.synonyms = new SynonymTable(groups);
  }

  search(viewer: Viewer, query: SearchQuery): SearchResult {
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

  related(viewer: Viewer, id: string, limit: number): SearchHit[] {
    return this.hits.plainHits(this.relatedFinder.related(viewer, id, limit));
  }

  /** The index's numbers of these entry ids (those it holds). */
  private entryNumbers(ids: readonly string[]): Set<number> {
    if (ids.length === 0) return new Set();
    const numbers = this.connection.sql(`SELECT n FROM docs WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().all(...ids) as number[];
    return new Set(numbers);
  }
}
