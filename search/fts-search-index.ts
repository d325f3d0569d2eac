import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  FACETS,
  type AccessFields,
  type Facet,
  type IndexedDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type Viewer,
  visibleTo,
} from './search-index';
import { joinedWordsOf, normalize, queryTokens, wordsOf, ZWNJ } from './persian';
import { dedupePatterns, escapeHtml, MIN_PREFIX, patternKey, snippet, type Pattern, type Snippet } from './snippet';
import { DocSnapshot, type SnapshotDoc } from './fts-snapshot';

/**
 * The search index on SQLite FTS5, in its own database file.
 *
 * Layout. `docs` holds one row per document: metadata, access, display texts. `doc_facets` holds
 * one row per (document, facet value), the values numbered in `facet_values`; `doc_shares` the
 * cities a restricted document is shared with; `chunks` the original text of every page, for
 * snippets. Three contentless FTS5 tables hold normalized words:
 *  - `fts_docs`, one row per document (rowid = the document's rowid): title, keywords, summary
 *    and the body of every page. It decides which documents match: a document matches when it
 *    has every word of the query, wherever they are, and a word on every page still costs one
 *    entry per document;
 *  - `fts_meta`, one row per document: title, keywords, summary, for ranking metadata matches first;
 *  - `fts_pages`, one row per page (rowid = document rowid · 2^20 + page index): the page's body,
 *    and the title and keywords again, to choose the best page of the hits shown.
 * Every text field has two columns (rule 5): the words of the split form, and the words only
 * the joined form has (`کلانشهر` from `کلان‌شهر`); every other joined-form word is already in
 * the split column, so both forms are searchable at little more than the size of one.
 * `vocab` counts, for each indexed word, the documents and page rows it occurs in; it prunes
 * and expands queries and estimates their cost. `vocab_edits` is its deletion neighbourhood
 * (hashes of each word of 5+ letters with one letter deleted), to find typos with one lookup.
 *
 * After the match, visibility, filters, facet counts and ordering run in memory over a snapshot
 * of docs, doc_facets and doc_shares (fts-snapshot.ts), which writes keep current.
 *
 * Ranking (sort=relevance): documents whose metadata row matches the whole query come first,
 * then bm25 of the metadata (weighted ×2) plus bm25 of the best page; title weighs more than
 * keywords, keywords more than summary and body. A query that matches too many page rows to
 * weigh them all (a word on nearly every page, whose bm25 is near zero anyway) is ranked by the
 * metadata, then newest. The page of a hit is the page bm25 ranks best, else the first page
 * whose body has every word of the query.
 *
 * Facets (the usual disjunctive semantics): the counts of one facet are computed over the
 * visible documents matching `q` and the filters of every OTHER facet, so that choosing
 * `city=tehran` still shows how many documents the other cities have. Total and hits use all
 * filters. Values of one facet combine with OR, different facets with AND.
 */

const PAGE_BITS = 20;
const PAGE_SLOTS = 2 ** PAGE_BITS;
const MAX_TOKENS = 24;
const MIN_TYPO_TARGET = 5;
const MAX_CORRECTIONS = 3;
/** A prefix with at most this many completions in the vocabulary is searched as those words. */
const MAX_PREFIX_WORDS = 8;
/** Above this many matching page rows (estimated), bm25 does not weigh pages: a hit gets the first page with every query word. */
const BM25_PAGE_LIMIT = 15_000;
/** Above this bm25 weighing cost (doclist entries, see PlannedQuery.cost), pages are not weighed either. */
const BM25_COST_LIMIT = 200_000;
/** A phrase of several words costs this many times its words' doclists: positions are compared. */
const PHRASE_COST = 4;
/** How many completions of a short prefix are summed to estimate its matches. */
const PREFIX_SCAN = 5000;
/** How many of a hit's first pages are read for one with every query word, when bestPages chose none, before FTS5 is asked. */
const PAGES_READ_FOR_A_SNIPPET = 3;
/** Above this many matching page rows (estimated) bestPages lists none: a hit's first pages are read instead. */
const DENSE_PAGE_ROWS = 40_000;
/** How many pages FTS5 matched are read for a snippet before the hit falls back to its metadata. */
const PAGES_TRIED_FOR_A_SNIPPET = 3;
/** An upsert normalizes this many pages, then lets other work run. */
const PAGES_PER_SLICE = 20;
/**
 * bm25 weights of fts_pages (title, title joined, keywords, keywords joined, body, body joined).
 * Title and keywords are repeated on every page so a query can combine them with body words, but
 * only the body chooses the best page; ranking by title and keywords is fts_meta's job.
 */
const PAGE_WEIGHTS = '0.0, 0.0, 0.0, 0.0, 1.0, 1.0';
/** bm25 weights of fts_meta (title, title joined, keywords, keywords joined, summary, summary joined). */
const META_WEIGHTS = '4.0, 4.0, 3.0, 3.0, 1.5, 1.5';
const META_FACTOR = 2;

/** Bumped whenever the layout changes; an index file of another version is dropped and rebuilt empty (the index is derived data). */
const SCHEMA_VERSION = 4;
const TABLES = ['docs', 'doc_shares', 'facet_values', 'doc_facets', 'chunks', 'fts_pages', 'fts_docs', 'fts_meta', 'vocab', 'vocab_edits'];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  keywords TEXT NOT NULL,
  city TEXT NOT NULL,
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  status TEXT NOT NULL,
  access TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  chunk_count INTEGER NOT NULL,
  -- JSON [[word, pages], …] as counted into vocab, to count it out again on removal
  words TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_updated ON docs (updated_at);
CREATE TABLE IF NOT EXISTS doc_shares (doc INTEGER NOT NULL, city TEXT NOT NULL, PRIMARY KEY (doc, city)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facet_values (id INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (facet, value));
CREATE TABLE IF NOT EXISTS doc_facets (doc INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (doc, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_facets_value ON doc_facets (value, doc);
CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, page INTEGER NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_pages USING fts5(title, title_joined, keywords, keywords_joined, body, body_joined,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_docs USING fts5(title, title_joined, keywords, keywords_joined, summary, summary_joined, body, body_joined,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_meta USING fts5(title, title_joined, keywords, keywords_joined, summary, summary_joined,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE, docs INTEGER NOT NULL, pages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_edits (key INTEGER NOT NULL, word INTEGER NOT NULL, PRIMARY KEY (key, word)) WITHOUT ROWID;
`;

/** The two indexed forms of one text: the words of the split form, and the words only the joined form has. */
interface IndexedText {
  split: string;
  joined: string;
  words: string[];
}

function indexedText(original: string): IndexedText {
  const normalized = normalize(original).text;
  const split = wordsOf(normalized).map((w) => w.word);
  if (!normalized.includes(ZWNJ)) return { split: split.join(' '), joined: '', words: split };
  const joined = joinedWordsOf(normalized)
    .filter((w) => w.end - w.start !== w.word.length)
    .map((w) => w.word);
  return { split: split.join(' '), joined: joined.join(' '), words: [...split, ...joined] };
}

/**
 * For every word of a document, on how many of its page rows it occurs: a title or keyword word
 * on all of them (each page row repeats title and keywords), a summary word on none. The counts
 * let a query estimate how many page rows it will match before it asks FTS5.
 */
function wordPages(title: IndexedText, keywords: IndexedText, summary: IndexedText, pages: IndexedText[]): Map<string, number> {
  const stats = new Map<string, number>();
  for (const word of summary.words) stats.set(word, 0);
  for (const page of pages) for (const word of new Set(page.words)) stats.set(word, (stats.get(word) ?? 0) + 1);
  for (const word of [...title.words, ...keywords.words]) stats.set(word, pages.length);
  return stats;
}

/** 32-bit FNV-1a; collisions only add candidates, which are verified. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The word and every string it gives with one letter (code point) deleted. */
function deletionKeys(word: string): number[] {
  const chars = [...word];
  const keys = new Set<number>([hash(word)]);
  for (let i = 0; i < chars.length; i++) keys.add(hash([...chars.slice(0, i), ...chars.slice(i + 1)].join('')));
  return [...keys];
}

/** Optimal string alignment distance ≤ 1 (one insertion, deletion, substitution or swap of neighbours). */
export function withinOneEdit(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (i === x.length && i === y.length) return true;
  const rest = (p: string[], q: string[]): boolean => p.join('') === q.join('');
  if (x.length === y.length) {
    if (rest(x.slice(i + 1), y.slice(i + 1))) return true;
    return x[i] === y[i + 1] && x[i + 1] === y[i] && rest(x.slice(i + 2), y.slice(i + 2));
  }
  return x.length > y.length ? rest(x.slice(i + 1), y.slice(i)) : rest(x.slice(i), y.slice(i + 1));
}

const isNumeric = (token: string): boolean => /\p{N}/u.test(token);
const quote = (word: string): string => `"${word.replace(/"/g, '""')}"`;
const term = (word: string, prefix: boolean): string => `${quote(word)}${prefix ? '*' : ''}`;
/** Highest code point, so [prefix, prefix + END) is every word that starts with prefix. */
const END = '\u{10ffff}';

interface PlannedQuery {
  tokens: string[];
  match: string;
  patterns: Pattern[];
  /** Per token, the patterns any of which stands for it (rule 8: every token must be found). */
  groups: Pattern[][];
  /** Per token index, the vocabulary words (best first) that stand in for a misspelt token. */
  corrections: Map<number, string[]>;
  /** At most how many page rows the expression can match, from the vocabulary's counts. */
  estimate: number;
  /** About how many doclist entries bm25 reads to weigh the phrases (it scans each phrase's whole doclist). */
  cost: number;
}

interface Row {
  n: number;
  id: string;
  title: string;
  summary: string;
  keywords: string;
  city: string;
  kind: string;
  year: number;
}

/** How well a document matches: bm25 of its best page (0 when not weighed) and of its metadata row when that alone matches. */
interface Match {
  pageScore: number;
  metaScore: number | null;
  /** The page row of its hit: undefined when not chosen yet, null when no page's body has the words. */
  page: number | null | undefined;
}

interface Chunk {
  id: number;
  page: number;
  text: string;
}

export class FtsSearchIndex implements SearchIndex {
  readonly kind = 'sqlite' as const;
  private db: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  /** Writes run one after another in call order, so an upsert that yields while it normalizes cannot overtake or be overtaken. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly snapshot = new DocSnapshot(() => this.database());

  /**
   * @param file the index's own SQLite file, or ':memory:'
   * @param options.bm25PageLimit above this many (estimated) matching page rows, do not weigh pages with bm25
   * @param options.densePageRows above this many, do not list them either (see bestPages)
   * @param options.log where init says that it replaced a damaged or outdated index
   */
  constructor(
    private readonly file: string,
    private readonly options: { bm25PageLimit?: number; densePageRows?: number; log?: (message: string) => void } = {},
  ) {}

  /**
   * Opens the index file, creating it when missing. The index is derived data: a file of another layout
   * is emptied, and a file SQLite cannot read (damaged, or not a database) is moved aside as
   * `<file>.damaged-<time>` and started anew; either way the portal finds it empty and rebuilds it from the database.
   */
  async init(): Promise<void> {
    if (this.db) return;
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
    try {
      this.db = this.open();
    } catch (error) {
      if (this.file === ':memory:' || !isUnreadableDatabase(error)) throw error;
      const aside = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (fs.existsSync(this.file + suffix)) fs.renameSync(this.file + suffix, aside + suffix);
      }
      this.options.log?.(`the search index ${this.file} could not be read (${(error as Error).message}); it was moved to ${aside} and starts empty, to be rebuilt from the database`);
      this.db = this.open();
    }
  }

  private open(): Database.Database {
    const db = new Database(this.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('temp_store = MEMORY');
      db.pragma('cache_size = -65536');
      const version = db.pragma('user_version', { simple: true }) as number;
      db.transaction(() => {
        if (version !== SCHEMA_VERSION) for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
      if (version !== 0 && version !== SCHEMA_VERSION) {
        this.options.log?.(`the search index ${this.file} had layout ${version}, this portal uses ${SCHEMA_VERSION}: it starts empty, to be rebuilt from the database`);
      }
      // A file whose header survived can still be damaged further in: touch every table once (cheaply).
      for (const table of ['docs', 'doc_shares', 'facet_values', 'doc_facets', 'chunks', 'vocab', 'vocab_edits']) db.prepare(`SELECT * FROM ${table} LIMIT 1`).get();
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async isEmpty(): Promise<boolean> {
    return this.sql('SELECT 1 FROM docs LIMIT 1').get() === undefined;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  /** Closes the database file (tests and shutdown). */
  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.statements.clear();
  }

  upsert(doc: IndexedDocument): Promise<void> {
    return this.serially(() => this.write(doc));
  }

  private async write(doc: IndexedDocument): Promise<void> {
    if (doc.pages.length > PAGE_SLOTS) throw new Error(`document ${doc.id} has ${doc.pages.length} pages; the index takes at most ${PAGE_SLOTS}`);
    const title = indexedText(doc.title);
    const keywords = indexedText(doc.keywords.join('\n'));
    const summary = indexedText(doc.summary);
    const pages: { page: number; text: string; indexed: IndexedText }[] = [];
    for (const page of doc.pages) {
      pages.push({ page: page.page, text: page.text, indexed: indexedText(page.text) });
      if (pages.length % PAGES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const words = wordPages(title, keywords, summary, pages.map((page) => page.indexed));

    this.transaction(() => {
      const existing = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(doc.id) as number | undefined;
      if (existing !== undefined) this.removeDocument(existing);
      const n = Number(
        this.sql(
          `INSERT INTO docs (id, title, summary, keywords, city, kind, year, status, access, updated_at, chunk_count, words)
           VALUES (@id, @title, @summary, @keywords, @city, @kind, @year, @status, @access, @updatedAt, @chunks, @words)`,
        ).run({
          id: doc.id,
          title: doc.title,
          summary: doc.summary,
          keywords: JSON.stringify(doc.keywords),
          city: doc.city,
          kind: doc.kind,
          year: BigInt(Math.trunc(doc.year)),
          status: doc.status,
          access: doc.access,
          updatedAt: doc.updatedAt,
          chunks: BigInt(pages.length),
          words: JSON.stringify([...words]),
        }).lastInsertRowid,
      );
      this.writeFacets(n, doc);
      this.writeShares(n, doc.sharedWith);
      this.sql('INSERT INTO fts_meta (rowid, title, title_joined, keywords, keywords_joined, summary, summary_joined) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        BigInt(n), title.split, title.joined, keywords.split, keywords.joined, summary.split, summary.joined,
      );
      this.sql(
        'INSERT INTO fts_docs (rowid, title, title_joined, keywords, keywords_joined, summary, summary_joined, body, body_joined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        BigInt(n), title.split, title.joined, keywords.split, keywords.joined, summary.split, summary.joined,
        pages.map((page) => page.indexed.split).join('\n'), pages.map((page) => page.indexed.joined).join('\n'),
      );
      const insertPage = this.sql('INSERT INTO fts_pages (rowid, title, title_joined, keywords, keywords_joined, body, body_joined) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const insertChunk = this.sql('INSERT INTO chunks (id, page, text) VALUES (?, ?, ?)');
      pages.forEach((page, index) => {
        const rowid = BigInt(n) * BigInt(PAGE_SLOTS) + BigInt(index);
        insertPage.run(rowid, title.split, title.joined, keywords.split, keywords.joined, page.indexed.split, page.indexed.joined);
        insertChunk.run(rowid, BigInt(Math.trunc(page.page)), page.text);
      });
      this.countWords(words, +1);
      this.snapshot.refresh(n);
    });
  }

  updateAccess(id: string, access: AccessFields): Promise<void> {
    return this.serially(async () => this.changeAccess(id, access));
  }

  private changeAccess(id: string, access: AccessFields): void {
    this.transaction(() => {
      const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
      if (n === undefined) return;
      this.sql('UPDATE docs SET status = ?, access = ?, city = ? WHERE n = ?').run(access.status, access.access, access.city, BigInt(n));
      this.sql(`DELETE FROM doc_facets WHERE doc = ? AND value IN (SELECT id FROM facet_values WHERE facet = 'city')`).run(BigInt(n));
      this.sql('INSERT OR IGNORE INTO doc_facets (doc, value) VALUES (?, ?)').run(BigInt(n), BigInt(this.facetValue('city', access.city)));
      this.writeShares(n, access.sharedWith);
      this.snapshot.refresh(n);
    });
  }

  remove(id: string): Promise<void> {
    return this.serially(async () => {
      this.transaction(() => {
        const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
        if (n !== undefined) this.removeDocument(n);
      });
    });
  }

  clear(): Promise<void> {
    return this.serially(async () => this.clearAll());
  }

  private clearAll(): void {
    this.transaction(() => {
      for (const table of ['docs', 'doc_shares', 'facet_values', 'doc_facets', 'chunks', 'vocab', 'vocab_edits']) this.sql(`DELETE FROM ${table}`).run();
      this.sql(`INSERT INTO fts_pages (fts_pages) VALUES ('delete-all')`).run();
      this.sql(`INSERT INTO fts_meta (fts_meta) VALUES ('delete-all')`).run();
      this.sql(`INSERT INTO fts_docs (fts_docs) VALUES ('delete-all')`).run();
      this.snapshot.forget();
    });
  }

  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    const perPage = Math.max(1, Math.trunc(query.perPage) || 20);
    const page = Math.max(1, Math.trunc(query.page) || 1);
    const snapshot = this.snapshot.current();
    const plan = this.plan(queryTokens(query.q).slice(0, MAX_TOKENS));
    const matches = plan ? this.matchDocuments(plan) : null;
    const { kept, facets } = snapshot.select(viewer, query.filters, matches ? matches.keys() : snapshot.all());

    const newest = (a: SnapshotDoc, b: SnapshotDoc): number => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.n - a.n);
    let ordered = kept;
    if (!matches || query.sort === 'newest') {
      kept.sort(newest);
    } else {
      // Metadata matches first, then bm25 (lower is better), then newest; the keys are read once, not per comparison.
      const ranked = kept.map((doc) => {
        const match = matches.get(doc.n)!;
        return { doc, metaFirst: match.metaScore === null ? 1 : 0, score: (match.metaScore ?? 0) * META_FACTOR + match.pageScore };
      });
      ranked.sort((a, b) => a.metaFirst - b.metaFirst || a.score - b.score || newest(a.doc, b.doc));
      ordered = ranked.map((entry) => entry.doc);
    }

    const shown = ordered.slice((page - 1) * perPage, page * perPage);
    const firstPages = plan && shown.length > 0 && !this.pagesAreCheapToRank(plan) ? this.firstBodyPages(plan) : new Map<number, number>();
    const pageOf = (n: number): number | null | undefined => {
      const chosen = matches?.get(n)?.page;
      return chosen !== undefined ? chosen : firstPages.get(n);
    };
    const hits = this.rows(shown.map((doc) => doc.n)).map((row) => this.hit(row, plan, pageOf(row.n)));
    const result: SearchResult = { total: kept.length, hits, facets };
    if (plan) {
      const didYouMean = this.didYouMean(plan, kept.length, viewer);
      if (didYouMean) result.didYouMean = didYouMean;
    }
    return result;
  }

  // ---- indexing ----

  private writeFacets(n: number, doc: IndexedDocument): void {
    const insert = this.sql('INSERT OR IGNORE INTO doc_facets (doc, value) VALUES (?, ?)');
    const values: Record<Facet, string[]> = {
      city: [doc.city],
      kind: [doc.kind],
      hazard: doc.hazards,
      year: [String(doc.year)],
      resolution: doc.resolutions,
      fileType: [doc.fileType],
    };
    for (const facet of FACETS) for (const value of values[facet]) if (value !== '') insert.run(BigInt(n), BigInt(this.facetValue(facet, value)));
  }

  private facetValue(facet: Facet, value: string): number {
    const id = this.sql('SELECT id FROM facet_values WHERE facet = ? AND value = ?').pluck().get(facet, value) as number | undefined;
    return id ?? Number(this.sql('INSERT INTO facet_values (facet, value) VALUES (?, ?)').run(facet, value).lastInsertRowid);
  }

  private writeShares(n: number, cities: string[]): void {
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    const insert = this.sql('INSERT OR IGNORE INTO doc_shares (doc, city) VALUES (?, ?)');
    for (const city of cities) insert.run(BigInt(n), city);
  }

  private removeDocument(n: number): void {
    const doc = this.sql('SELECT chunk_count, words FROM docs WHERE n = ?').get(BigInt(n)) as { chunk_count: number; words: string } | undefined;
    if (!doc) return;
    const lo = BigInt(n) * BigInt(PAGE_SLOTS);
    this.countWords(new Map(JSON.parse(doc.words) as [string, number][]), -1);

    const deletePage = this.sql('DELETE FROM fts_pages WHERE rowid = ?');
    for (let index = 0; index < doc.chunk_count; index++) deletePage.run(lo + BigInt(index));
    this.sql('DELETE FROM fts_meta WHERE rowid = ?').run(BigInt(n));
    this.sql('DELETE FROM fts_docs WHERE rowid = ?').run(BigInt(n));
    this.sql('DELETE FROM chunks WHERE id >= ? AND id < ?').run(lo, lo + BigInt(PAGE_SLOTS));
    this.sql('DELETE FROM doc_facets WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM docs WHERE n = ?').run(BigInt(n));
    this.snapshot.refresh(n);
  }

  private countWords(words: Map<string, number>, delta: 1 | -1): void {
    if (delta > 0) {
      const upsert = this.sql(
        'INSERT INTO vocab (word, docs, pages) VALUES (?, 1, ?) ON CONFLICT (word) DO UPDATE SET docs = docs + 1, pages = pages + excluded.pages RETURNING id, docs',
      );
      const edit = this.sql('INSERT OR IGNORE INTO vocab_edits (key, word) VALUES (?, ?)');
      for (const [word, pages] of words) {
        const { id, docs } = upsert.get(word, BigInt(pages)) as { id: number; docs: number };
        if (docs === 1 && typoTarget(word)) for (const key of deletionKeys(word)) edit.run(BigInt(key), BigInt(id));
      }
    } else {
      const lower = this.sql('UPDATE vocab SET docs = docs - 1, pages = pages - ? WHERE word = ? RETURNING id, docs');
      const drop = this.sql('DELETE FROM vocab WHERE id = ?');
      const dropEdit = this.sql('DELETE FROM vocab_edits WHERE key = ? AND word = ?');
      for (const [word, pages] of words) {
        const row = lower.get(BigInt(pages), word) as { id: number; docs: number } | undefined;
        if (!row || row.docs > 0) continue;
        drop.run(BigInt(row.id));
        if (typoTarget(word)) for (const key of deletionKeys(word)) dropEdit.run(BigInt(key), BigInt(row.id));
      }
    }
  }

  // ---- querying ----

  /**
   * Rule 8 as an FTS5 expression: every token must match, each through any of its alternatives
   * (itself, the last one as a prefix; adjacent tokens concatenated; its two halves; typo
   * corrections). Alternatives the vocabulary shows cannot match are left out, and a prefix with
   * few completions becomes those words, since FTS5 merges whole doclists for a prefix.
   */
  private plan(tokens: string[]): PlannedQuery | null {
    if (tokens.length === 0) return null;
    const last = tokens.length - 1;
    const known = this.knownWords(tokens);
    const groups: Pattern[][] = tokens.map((token, i) => [{ words: [token], prefix: i === last && [...token].length >= MIN_PREFIX }]);
    for (let size = 2; size <= 3; size++) {
      for (let from = 0; from + size <= tokens.length; from++) {
        const pattern = { words: [tokens.slice(from, from + size).join('')], prefix: from + size - 1 === last };
        for (let i = from; i < from + size; i++) groups[i]!.push(pattern);
      }
    }
    const corrections = new Map<number, string[]>();
    tokens.forEach((token, i) => {
      const splits = this.splits(token, known);
      groups[i]!.push(...splits);
      const explained = known.has(token) || splits.length > 0 || (i === last && this.hasPrefix(token));
      if (!explained && typoSource(token)) {
        const words = this.corrections(token);
        if (words.length > 0) {
          corrections.set(i, words.map((w) => w.word));
          for (const { word, pages } of words) known.set(word, pages);
          groups[i]!.push(...words.map(({ word }) => ({ words: [word], prefix: false })));
        }
      }
    });
    let estimate = Infinity;
    const costs = new Map<string, number>();
    const expressions = groups.map((group, i) => {
      const phrases = new Set<string>();
      let matches = 0;
      for (const pattern of dedupePatterns(group)) {
        const expanded = this.expand(pattern, known);
        for (const phrase of expanded.phrases) phrases.add(phrase);
        costs.set(expanded.phrases.join(' OR '), expanded.cost);
        matches += expanded.estimate;
      }
      estimate = Math.min(estimate, matches);
      if (phrases.size === 0) phrases.add(term(tokens[i]!, false));
      return `(${[...phrases].join(' OR ')})`;
    });
    const cost = [...costs.values()].reduce((sum, c) => sum + c, 0);
    return { tokens, match: expressions.join(' AND '), patterns: dedupePatterns(groups.flat()), groups, corrections, estimate, cost };
  }

  /**
   * The FTS5 phrases for one pattern (none when a word is not in the vocabulary; a prefix with
   * few completions as those words) and at most how many page rows they match.
   */
  private expand(pattern: Pattern, known: Map<string, number>): { phrases: string[]; estimate: number; cost: number } {
    const none = { phrases: [], estimate: 0, cost: 0 };
    const head = pattern.words.slice(0, -1);
    const tail = pattern.words[pattern.words.length - 1]!;
    if (!head.every((word) => known.has(word))) return none;
    const headPages = Math.min(Infinity, ...head.map((word) => known.get(word)!));
    const headCost = head.reduce((sum, word) => sum + known.get(word)!, 0);
    const before = head.map((word) => `${quote(word)} + `).join('');
    const weigh = (pages: number): number => (head.length === 0 ? pages : PHRASE_COST * (headCost + pages));
    if (!pattern.prefix) {
      const pages = known.get(tail);
      return pages === undefined ? none : { phrases: [`${before}${quote(tail)}`], estimate: Math.min(headPages, pages), cost: weigh(pages) };
    }
    const completions = this.sql('SELECT word, pages FROM vocab WHERE word >= ? AND word < ? LIMIT ?').all(tail, tail + END, BigInt(MAX_PREFIX_WORDS + 1)) as {
      word: string;
      pages: number;
    }[];
    if (completions.length <= MAX_PREFIX_WORDS) {
      return {
        phrases: completions.map(({ word }) => `${before}${quote(word)}`),
        estimate: completions.reduce((sum, { pages }) => sum + Math.min(headPages, pages), 0),
        cost: completions.reduce((sum, { pages }) => sum + weigh(pages), 0),
      };
    }
    // A last word that is itself a dense complete word (on more pages than bm25 weighs) is searched
    // exactly: as a prefix FTS5 would merge the doclists of all its completions (`شهر*` in
    // `کلان شهر`), the slowest kind of query. Recall trade-off against rule 8 of persian.md: a
    // document only a longer completion matches (`شهرداری` for `شهر`) is not found; a prefix that
    // is not a word itself, or a word with few completions, still matches all of them.
    const exact = known.get(tail);
    if (exact !== undefined && exact > (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT)) {
      return { phrases: [`${before}${quote(tail)}`], estimate: Math.min(headPages, exact), cost: weigh(exact) };
    }
    const pages = this.sql(`SELECT sum(pages) FROM (SELECT pages FROM vocab WHERE word >= ? AND word < ? LIMIT ${PREFIX_SCAN})`).pluck().get(tail, tail + END) as number;
    return { phrases: [`${before}${quote(tail)}*`], estimate: Math.min(headPages, pages), cost: weigh(pages) };
  }

  /** Which of the tokens, their concatenations and their possible halves are indexed words, with their page counts. */
  private knownWords(tokens: string[]): Map<string, number> {
    const candidates = new Set<string>(tokens);
    for (const token of tokens) for (const [a, b] of halves(token)) candidates.add(a).add(b);
    for (let size = 2; size <= 3; size++) for (let from = 0; from + size <= tokens.length; from++) candidates.add(tokens.slice(from, from + size).join(''));
    const list = [...candidates];
    const known = new Map<string, number>();
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const rows = this.sql(`SELECT word, pages FROM vocab WHERE word IN (${part.map(() => '?').join(',')})`).all(...part) as { word: string; pages: number }[];
      for (const row of rows) known.set(row.word, row.pages);
    }
    return known;
  }

  /** `کلانشهر` → `کلان` + `شهر` when both halves are indexed words. */
  private splits(token: string, known: Map<string, number>): Pattern[] {
    return halves(token)
      .filter(([a, b]) => known.has(a) && known.has(b))
      .map(([a, b]) => ({ words: [a, b], prefix: false }));
  }

  private hasPrefix(prefix: string): boolean {
    return this.sql('SELECT 1 FROM vocab WHERE word >= ? AND word < ? LIMIT 1').get(prefix, prefix + END) !== undefined;
  }

  /** Indexed words of 5+ letters one edit away from the token, the most common first. */
  private corrections(token: string): { word: string; pages: number }[] {
    const keys = deletionKeys(token);
    const rows = this.sql(
      `SELECT v.word, v.docs, v.pages FROM vocab v WHERE v.id IN (SELECT word FROM vocab_edits WHERE key IN (${keys.map(() => '?').join(',')}))`,
    ).all(...keys.map((k) => BigInt(k))) as { word: string; docs: number; pages: number }[];
    return rows
      .filter((row) => row.word !== token && typoTarget(row.word) && withinOneEdit(token, row.word))
      .sort((a, b) => b.docs - a.docs || (a.word < b.word ? -1 : 1))
      .slice(0, MAX_CORRECTIONS)
      .map(({ word, pages }) => ({ word, pages }));
  }

  /**
   * Every document whose words contain the whole expression, anywhere in it (metadata or any
   * page: `fts_docs` has one row per document, so a word on every page is still one row per
   * document), with the metadata's bm25 when the metadata row alone matches. When the page rows
   * are few enough to weigh, bm25 of each document's best page ranks it and names its page; the
   * body alone weighs there (title and keywords weigh in fts_meta), so a document whose matching
   * rows all score 0 matched through the title its pages repeat: no page shows the words (null).
   */
  private matchDocuments(plan: PlannedQuery): Map<number, Match> {
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
  private pagesAreCheapToRank(plan: PlannedQuery): boolean {
    return plan.estimate <= (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT) && plan.cost <= BM25_COST_LIMIT;
  }

  /**
   * Per document, the first page row whose body has the words (FTS5 yields rows in rowid order:
   * document, then page), for queries too dense to weigh their pages with bm25. Above
   * `DENSE_PAGE_ROWS` even listing the rows costs more than reading a hit's first pages, where
   * such common words nearly always are: none is chosen here (see hit).
   */
  private firstBodyPages(plan: PlannedQuery): Map<number, number> {
    const first = new Map<number, number>();
    if (plan.estimate > (this.options.densePageRows ?? DENSE_PAGE_ROWS)) return first;
    const rows = this.sql('SELECT rowid FROM fts_pages WHERE fts_pages MATCH ?').pluck().all(`{body body_joined} : (${plan.match})`) as number[];
    for (const chunk of rows) {
      const n = Math.floor(chunk / PAGE_SLOTS);
      if (!first.has(n)) first.set(n, chunk);
    }
    return first;
  }

  /** The display fields of these documents, in the given order. */
  private rows(numbers: number[]): Row[] {
    if (numbers.length === 0) return [];
    const rows = this.sql(`SELECT n, id, title, summary, keywords, city, kind, year FROM docs WHERE n IN (${numbers.map(() => '?').join(',')})`).all(
      ...numbers.map((n) => BigInt(n)),
    ) as Row[];
    const byNumber = new Map(rows.map((row) => [row.n, row]));
    return numbers.map((n) => byNumber.get(n)).filter((row): row is Row => row !== undefined);
  }

  /**
   * The hit with its snippet and page: the page bestPages chose, when its own text shows the
   * words; else (bestPages chose none) the first of the document's first pages whose text has
   * every query word; else the first later page FTS5 matches in this document's rowid range (a
   * lookup that reads the words' whole doclists, so it comes last); else the first of those
   * first pages with any of the words; else the metadata, with page null. Pages are cut one at a
   * time, as cutting a snippet normalizes the whole page.
   */
  private hit(row: Row, plan: PlannedQuery | null, bestChunk: number | null | undefined): SearchHit {
    const base = { id: row.id, title: row.title, city: row.city, kind: row.kind, year: row.year };
    const patterns = plan?.patterns ?? [];
    if (plan && patterns.length > 0 && bestChunk !== null) {
      const first = row.n * PAGE_SLOTS;
      const end = first + PAGE_SLOTS;
      const read = (from: number, count: number): Chunk[] =>
        this.sql('SELECT id, page, text FROM chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').all(BigInt(from), BigInt(end), BigInt(count)) as Chunk[];
      const pageHit = (chunk: Chunk | undefined, cut = chunk && snippet(chunk.text, patterns)): SearchHit | null =>
        chunk && cut?.matched ? { ...base, snippet: cut.html, page: chunk.page } : null;
      const best = bestChunk === undefined ? null : pageHit(read(bestChunk, 1)[0]);
      if (best) return best;
      const firstPages = read(first, PAGES_READ_FOR_A_SNIPPET);
      const cuts: Snippet[] = [];
      for (const chunk of firstPages) {
        const cut = snippet(chunk.text, patterns);
        if (hasEveryWord(cut.found, plan)) return pageHit(chunk, cut)!;
        cuts.push(cut);
      }
      const found =
        (firstPages.length === PAGES_READ_FOR_A_SNIPPET ? this.laterMatchingPage(plan.match, first + PAGES_READ_FOR_A_SNIPPET, end, (chunk) => pageHit(read(chunk, 1)[0])) : null) ??
        firstPages.map((chunk, i) => pageHit(chunk, cuts[i])).find((hit) => hit !== null);
      if (found) return found;
    }
    const keywords = JSON.parse(row.keywords) as string[];
    for (const text of [row.summary, row.title, keywords.join('، ')]) {
      const cut = snippet(text, patterns);
      if (cut.matched) return { ...base, snippet: cut.html, page: null };
    }
    return { ...base, snippet: row.summary ? snippet(row.summary, []).html : escapeHtml(row.title), page: null };
  }

  /** The first page row from `from` on, within one document, that FTS5 matches and whose text shows a word (at most a few tried). */
  private laterMatchingPage(match: string, from: number, end: number, tryChunk: (chunk: number) => SearchHit | null): SearchHit | null {
    const chunks = this.sql(`SELECT rowid FROM fts_pages WHERE fts_pages MATCH ? AND rowid >= ? AND rowid < ? LIMIT ${PAGES_TRIED_FOR_A_SNIPPET}`)
      .pluck()
      .all(match, BigInt(from), BigInt(end)) as number[];
    for (const chunk of chunks) {
      const found = tryChunk(chunk);
      if (found) return found;
    }
    return null;
  }

  /**
   * A correction from the vocabulary, offered only when it finds a document this viewer may see
   * (so a word of someone else's draft never leaks): for tokens the query corrected, or, when
   * nothing was found, for any token of 4+ letters.
   */
  private didYouMean(plan: PlannedQuery, total: number, viewer: Viewer): string | undefined {
    let candidates = plan.corrections;
    if (candidates.size === 0 && total === 0) {
      candidates = new Map();
      plan.tokens.forEach((token, i) => {
        if (!typoSource(token)) return;
        const words = this.corrections(token).map((w) => w.word);
        if (words.length > 0) candidates.set(i, words);
      });
    }
    if (candidates.size === 0) return undefined;
    const words = [...plan.tokens];
    let changed = false;
    for (const [i, options] of candidates) {
      const usable = options.find((word) => this.visibleMatch(word, viewer));
      if (usable) {
        words[i] = usable;
        changed = true;
      }
    }
    return changed ? words.join(' ') : undefined;
  }

  private visibleMatch(word: string, viewer: Viewer): boolean {
    const documents = this.sql('SELECT rowid FROM fts_docs WHERE fts_docs MATCH ?').pluck().iterate(quote(word)) as IterableIterator<number>;
    for (const n of documents) {
      const doc = this.snapshot.get(n);
      if (doc && visibleTo(viewer, doc.access)) {
        documents.return?.();
        return true;
      }
    }
    return false;
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.writes.then(operation, operation);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** A write transaction; if it fails, the snapshot (which follows writes as they happen) is read again whole. */
  private transaction(write: () => void): void {
    try {
      this.database().transaction(write)();
    } catch (error) {
      this.snapshot.invalidate();
      throw error;
    }
  }

  private database(): Database.Database {
    if (!this.db) throw new Error('FtsSearchIndex used before init()');
    return this.db;
  }

  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      statement = this.database().prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }
}

/** Whether every token of the query has one of its patterns among those a text was found to have. */
function hasEveryWord(found: Set<string>, plan: PlannedQuery): boolean {
  return plan.groups.every((group) => group.some((pattern) => found.has(patternKey(pattern))));
}

/** Only words of 5+ letters are corrected to; a token of 4+ letters can be one edit from one. */
const typoTarget = (word: string): boolean => [...word].length >= MIN_TYPO_TARGET && !isNumeric(word);
const typoSource = (token: string): boolean => [...token].length >= MIN_TYPO_TARGET - 1 && !isNumeric(token);

/** The ways to cut a token in two halves of 2+ letters each. */
function halves(token: string): [string, string][] {
  const chars = [...token];
  const result: [string, string][] = [];
  for (let k = 2; k <= chars.length - 2; k++) result.push([chars.slice(0, k).join(''), chars.slice(k).join('')]);
  return result;
}

/** SQLite cannot use the file: it is not a database, or its pages are damaged. */
function isUnreadableDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Database.SqliteError && typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code);
}
