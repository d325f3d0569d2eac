import type { FtsConnection } from './connection';
import { BM25_PAGE_LIMIT, EXACT_FORMS, quote, type PlannedQuery } from './planner';
import { PAGE_BITS, PAGE_SLOTS } from './schema';
import type { SnapshotDoc } from './snapshot';

/** Above this bm25 weighing cost (doclist entries, see PlannedQuery.cost), pages are not weighed either. */
const BM25_COST_LIMIT = 200_000;
/** Above this many matching page rows (estimated) bestPages lists none: a hit's first pages are read instead. */
const DENSE_PAGE_ROWS = 40_000;
/**
 * bm25 weights of fts_pages (title, title joined, keywords, keywords joined, body, body joined,
 * labels, heading stems, body stems). Title, keywords and labels are repeated on every page so a
 * query can combine them with body words, but only the body chooses the best page; ranking by
 * title and keywords is fts_meta's job. A word found by its stem weighs half.
 */
const PAGE_WEIGHTS = '0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.5';
/** bm25 weights of fts_meta (title, title joined, keywords, keywords joined, summary, summary joined, labels, heading stems, body stems). */
const META_WEIGHTS = '4.0, 4.0, 3.0, 3.0, 1.5, 1.5, 0.75, 1.0, 0.0';
const META_FACTOR = 2;

/** How well a document matches: bm25 of its best page (0 when not weighed) and of its metadata row when that alone matches. */
export interface Match {
  pageScore: number;
  metaScore: number | null;
  /** The page row of its hit: undefined when not chosen yet, null when no page's body has the words. */
  page: number | null | undefined;
  /** How many clauses of the query it has (all of them unless the query was relaxed). */
  clauses: number;
  /** It has every clause in the form typed, not only through a stem or a synonym. */
  exact: boolean;
}

/**
 * What to match: every clause (`strict`), or any of them (`relaxed`, when no visible document has
 * them all); the expression that weighs pages and metadata, and what it is estimated to cost.
 */
export interface MatchSpec {
  plan: PlannedQuery;
  relaxed: boolean;
  /** The expression pages and metadata are weighed and found by. */
  score: string;
  /** The expression that decides which documents match (fts_docs), clause by clause when relaxed. */
  documents: string[];
  estimate: number;
}

export function strictSpec(plan: PlannedQuery): MatchSpec | null {
  return plan.match === null || plan.documentMatch === null ? null : { plan, relaxed: false, score: plan.match, documents: [plan.documentMatch], estimate: plan.estimate };
}

export function relaxedSpec(plan: PlannedQuery): MatchSpec | null {
  if (plan.clauseMatches.length < 2) return null;
  return { plan, relaxed: true, score: plan.clauseMatches.join(' OR '), documents: plan.clauseDocumentMatches, estimate: plan.estimateAny };
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
  matchDocuments(spec: MatchSpec): Map<number, Match> {
    const { plan } = spec;
    const matches = new Map<number, Match>();
    const without = (expression: string): string => (plan.exclude ? `(${expression}) NOT (${plan.exclude})` : expression);
    const documents = (expression: string): number[] => this.sql('SELECT rowid FROM fts_docs WHERE fts_docs MATCH ?').pluck().all(without(expression)) as number[];
    if (spec.relaxed) {
      for (const clause of spec.documents) {
        for (const n of documents(clause)) {
          const found = matches.get(n);
          if (found) found.clauses += 1;
          else matches.set(n, { pageScore: 0, metaScore: null, page: undefined, clauses: 1, exact: false });
        }
      }
    } else {
      for (const n of documents(spec.documents[0]!)) matches.set(n, { pageScore: 0, metaScore: null, page: undefined, clauses: plan.clauses.length, exact: false });
      if (plan.exact && matches.size > 0) for (const n of documents(plan.exact)) if (matches.has(n)) matches.get(n)!.exact = true;
    }
    if (matches.size === 0) return matches;
    if (this.pagesAreCheapToRank(spec)) {
      // Grouped in SQL (`chunk` is the row of the minimum, SQLite's bare-column rule); LIMIT -1 keeps bm25 in the subquery.
      const best = this.sql(
        `SELECT chunk >> ${PAGE_BITS}, chunk, min(score) FROM (
           SELECT rowid AS chunk, bm25(fts_pages, ${PAGE_WEIGHTS}) AS score FROM fts_pages WHERE fts_pages MATCH ? LIMIT -1
         ) GROUP BY 1`,
      ).raw().all(spec.score) as [number, number, number][];
      for (const [n, chunk, score] of best) {
        const match = matches.get(n);
        if (!match) continue;
        match.pageScore = Math.min(score, 0);
        match.page = score < 0 ? chunk : null;
      }
    }
    const metadata = this.sql(`SELECT rowid, bm25(fts_meta, ${META_WEIGHTS}) FROM fts_meta WHERE fts_meta MATCH ?`).raw().all(spec.score) as [number, number][];
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
  pagesAreCheapToRank(spec: MatchSpec): boolean {
    return spec.estimate <= (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT) && spec.plan.cost <= BM25_COST_LIMIT;
  }

  /** How many documents the viewer may see have the word as written (not only another form of it): how typo corrections are chosen (search/typos.ts). */
  visibleWithWord(word: string, visible: (n: number) => boolean): number {
    let count = 0;
    for (const n of this.sql('SELECT rowid FROM fts_docs WHERE fts_docs MATCH ?').pluck().iterate(`${EXACT_FORMS} : ${quote(word)}`) as IterableIterator<number>) if (visible(n)) count++;
    return count;
  }

  /** The documents that have any excluded word or phrase. */
  excluded(plan: PlannedQuery): Set<number> {
    if (!plan.exclude) return new Set();
    return new Set(this.sql('SELECT rowid FROM fts_docs WHERE fts_docs MATCH ?').pluck().all(plan.exclude) as number[]);
  }

  /**
   * Per document, the first page row whose body has the words (FTS5 yields rows in rowid order:
   * document, then page), for queries too dense to weigh their pages with bm25. Above
   * `DENSE_PAGE_ROWS` even listing the rows costs more than reading a hit's first pages, where
   * such common words nearly always are: none is chosen here (see HitBuilder).
   */
  firstBodyPages(spec: MatchSpec): Map<number, number> {
    const first = new Map<number, number>();
    if (spec.estimate > (this.options.densePageRows ?? DENSE_PAGE_ROWS)) return first;
    const rows = this.sql('SELECT rowid FROM fts_pages WHERE fts_pages MATCH ?').pluck().all(`{body body_joined stems} : (${spec.score})`) as number[];
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
 * the documents with more of the query's clauses first (a relaxed query), then those with every
 * word in the form typed (exact forms above stems and synonyms), then metadata matches, then bm25
 * (lower is better), then newest; the keys are read once, not per comparison.
 */
export function rank(kept: SnapshotDoc[], matches: Map<number, Match> | null, sort: 'relevance' | 'newest'): SnapshotDoc[] {
  if (!matches || sort === 'newest') return kept.sort(newest);
  const ranked = kept.map((doc) => {
    const match = matches.get(doc.n)!;
    return {
      doc,
      clauses: match.clauses,
      exact: match.exact ? 0 : 1,
      metaFirst: match.metaScore === null ? 1 : 0,
      score: (match.metaScore ?? 0) * META_FACTOR + match.pageScore,
    };
  });
  ranked.sort((a, b) => b.clauses - a.clauses || a.exact - b.exact || a.metaFirst - b.metaFirst || a.score - b.score || newest(a.doc, b.doc));
  return ranked.map((entry) => entry.doc);
}
