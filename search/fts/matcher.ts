import type { FtsConnection } from './connection';
import { BM25_PAGE_LIMIT, type PlannedQuery } from './planner';
import { PAGE_BITS, PAGE_SLOTS } from './schema';
import type { SnapshotDoc } from './snapshot';

/** Above this bm25 weighing cost (doclist entries, see PlannedQuery.cost), pages are not weighed either. */
const BM25_COST_LIMIT = 200_000;
/** Above this many matching page rows (estimated) bestPages lists none: a hit's first pages are read instead. */
const DENSE_PAGE_ROWS = 40_000;
/**
 * bm25 weights of fts_pages (title, title joined, keywords, keywords joined, body, body joined).
 * Title and keywords are repeated on every page so a query can combine them with body words, but
 * only the body chooses the best page; ranking by title and keywords is fts_meta's job.
 */
const PAGE_WEIGHTS = '0.0, 0.0, 0.0, 0.0, 1.0, 1.0';
/** bm25 weights of fts_meta (title, title joined, keywords, keywords joined, summary, summary joined). */
const META_WEIGHTS = '4.0, 4.0, 3.0, 3.0, 1.5, 1.5';
const META_FACTOR = 2;

/** How well a document matches: bm25 of its best page (0 when not weighed) and of its metadata row when that alone matches. */
export interface Match {
  pageScore: number;
  metaScore: number | null;
  /** The page row of its hit: undefined when not chosen yet, null when no page's body has the words. */
  page: number | null | undefined;
}

export interface MatcherOptions {
  /** Above this many (estimated) matching page rows, do not weigh pages with bm25. */
  bm25PageLimit?: number;
  /** Above this many, do not list them either (see firstBodyPages). */
  densePageRows?: number;
}

/**
 * Matching and ranking: which documents a planned query matches, how well, and in which order.
 *
 * Ranking (sort=relevance): documents whose metadata row matches the whole query come first,
 * then bm25 of the metadata (weighted ×2) plus bm25 of the best page; title weighs more than
 * keywords, keywords more than summary and body. A query that matches too many page rows to
 * weigh them all (a word on nearly every page, whose bm25 is near zero anyway) is ranked by the
 * metadata, then newest. The page of a hit is the page bm25 ranks best, else the first page
 * whose body has every word of the query.
 */
export class Matcher {
  constructor(
    private readonly connection: FtsConnection,
    private readonly options: MatcherOptions = {},
  ) {}

  /**
   * Every document whose words contain the whole expression, anywhere in it (metadata or any
   * page: `fts_docs` has one row per document, so a word on every page is still one row per
   * document), with the metadata's bm25 when the metadata row alone matches. When the page rows
   * are few enough to weigh, bm25 of each document's best page ranks it and names its page; the
   * body alone weighs there (title and keywords weigh in fts_meta), so a document whose matching
   * rows all score 0 matched through the title its pages repeat: no page shows the words (null).
   */
  matchDocuments(plan: PlannedQuery): Map<number, Match> {
    const matches = new Map<number, Match>();
    for (const n of this.sql('SELECT rowid FROM fts_docs WHERE fts_docs MATCH ?').pluck().all(plan.match) as number[]) {
      matches.set(n, { pageScore: 0, metaScore: null, page: undefined });
    }
    if (this.pagesAreCheapToRank(plan)) {
      // Grouped in SQL (`chunk` is the row of the minimum, SQLite's bare-column rule); LIMIT -1 keeps bm25 in the subquery.
      const best = this.sql(
        `SELECT chunk >> ${PAGE_BITS}, chunk, min(score) FROM (
           SELECT rowid AS chunk, bm25(fts_pages, ${PAGE_WEIGHTS}) AS score FROM fts_pages WHERE fts_pages MATCH ? LIMIT -1
         ) GROUP BY 1`,
      ).raw().all(plan.match) as [number, number, number][];
      for (const [n, chunk, score] of best) {
        const match = matches.get(n);
        if (!match) continue;
        match.pageScore = Math.min(score, 0);
        match.page = score < 0 ? chunk : null;
      }
    }
    const metadata = this.sql(`SELECT rowid, bm25(fts_meta, ${META_WEIGHTS}) FROM fts_meta WHERE fts_meta MATCH ?`).raw().all(plan.match) as [number, number][];
    for (const [n, metaScore] of metadata) {
      const found = matches.get(n);
      if (found) found.metaScore = metaScore;
    }
    return matches;
  }

  /**
   * Whether bm25 can weigh every matching page row in time. A query the vocabulary says matches
   * more page rows (a word on nearly every page, whose bm25 is near zero anyway) ranks documents
   * by their metadata, then newest, and a hit gets the first page with the query's words.
   */
  pagesAreCheapToRank(plan: PlannedQuery): boolean {
    return plan.estimate <= (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT) && plan.cost <= BM25_COST_LIMIT;
  }

  /**
   * Per document, the first page row whose body has the words (FTS5 yields rows in rowid order:
   * document, then page), for queries too dense to weigh their pages with bm25. Above
   * `DENSE_PAGE_ROWS` even listing the rows costs more than reading a hit's first pages, where
   * such common words nearly always are: none is chosen here (see HitBuilder).
   */
  firstBodyPages(plan: PlannedQuery): Map<number, number> {
    const first = new Map<number, number>();
    if (plan.estimate > (this.options.densePageRows ?? DENSE_PAGE_ROWS)) return first;
    const rows = this.sql('SELECT rowid FROM fts_pages WHERE fts_pages MATCH ?').pluck().all(`{body body_joined} : (${plan.match})`) as number[];
    for (const chunk of rows) {
      const n = Math.floor(chunk / PAGE_SLOTS);
      if (!first.has(n)) first.set(n, chunk);
    }
    return first;
  }

  private sql(source: string) {
    return this.connection.sql(source);
  }
}

/** Newest first; the later-indexed document first among equals. */
export const newest = (a: SnapshotDoc, b: SnapshotDoc): number => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.n - a.n);

/**
 * The kept documents in the order asked: newest first without a match or with sort=newest; else
 * metadata matches first, then bm25 (lower is better), then newest; the keys are read once, not per comparison.
 */
export function rank(kept: SnapshotDoc[], matches: Map<number, Match> | null, sort: 'relevance' | 'newest'): SnapshotDoc[] {
  if (!matches || sort === 'newest') return kept.sort(newest);
  const ranked = kept.map((doc) => {
    const match = matches.get(doc.n)!;
    return { doc, metaFirst: match.metaScore === null ? 1 : 0, score: (match.metaScore ?? 0) * META_FACTOR + match.pageScore };
  });
  ranked.sort((a, b) => a.metaFirst - b.metaFirst || a.score - b.score || newest(a.doc, b.doc));
  return ranked.map((entry) => entry.doc);
}
