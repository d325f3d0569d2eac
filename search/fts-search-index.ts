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
} from './search-index';
import { joinedForm, queryTokens, splitForm, wordsOf } from './persian';
import { basicPatterns, dedupePatterns, escapeHtml, snippet, type Pattern } from './snippet';

/**
 * The search index on SQLite FTS5, in its own database file.
 *
 * Layout. `docs` holds one row per document (metadata, access, the display texts of title,
 * summary and keywords); `doc_facets` one row per (document, facet, value) for filtering and
 * counting; `doc_shares` the cities a restricted document is shared with; `chunks` the original
 * text of every page. Two contentless FTS5 tables hold the normalized words:
 *  - `fts_meta`, one row per document (rowid = the document's rowid): title, keywords, summary;
 *  - `fts_pages`, one row per page (rowid = document rowid · 2^20 + page index): the page's
 *    body, and the title and keywords again, so a query whose words fall partly in the title
 *    and partly on a page still finds that page.
 * Every text field has two columns, the split form of rule 5 and its "joined" words: only the
 * words that a ZWNJ joined (`کلانشهر` from `کلان‌شهر`), since every other word of the joined form
 * is already in the split column. Both forms are thus searchable at half the index size.
 * `vocab` counts in how many documents each indexed word occurs; `vocab_edits` is its deletion
 * neighbourhood (hashes of each word of 5+ letters with one letter deleted) to find typos fast.
 *
 * Ranking: documents whose metadata row matches the whole query (title, keywords, summary) come
 * first, then by bm25 (metadata weighted above pages, title above keywords above body).
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
/** A last token this short is not taken as a prefix: it would expand to most of the vocabulary. */
const MIN_PREFIX = 2;
/** A prefix with at most this many completions in the vocabulary is searched as those words. */
const MAX_PREFIX_WORDS = 8;
/** Above this many matching pages, documents are ranked without bm25 (metadata match, then matching pages). */
const BM25_PAGE_LIMIT = 20_000;
/** Without bm25, how many pages from the first matching one are tried for a snippet. */
const DENSE_PAGES_TO_TRY = 5;
/** bm25 weights of fts_pages (title, title joined, keywords, keywords joined, body, body joined). */
const PAGE_WEIGHTS = '4.0, 4.0, 3.0, 3.0, 1.0, 1.0';
/** bm25 weights of fts_meta (title, title joined, keywords, keywords joined, summary, summary joined). */
const META_WEIGHTS = '4.0, 4.0, 3.0, 3.0, 1.5, 1.5';
const META_FACTOR = 2;

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
  chunk_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_updated ON docs (updated_at);
CREATE TABLE IF NOT EXISTS doc_shares (doc INTEGER NOT NULL, city TEXT NOT NULL, PRIMARY KEY (doc, city)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS doc_facets (doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (doc, facet, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_facets_value ON doc_facets (facet, value, doc);
CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, page INTEGER NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_pages USING fts5(title, title_joined, keywords, keywords_joined, body, body_joined,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_meta USING fts5(title, title_joined, keywords, keywords_joined, summary, summary_joined,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE, docs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_edits (key INTEGER NOT NULL, word INTEGER NOT NULL, PRIMARY KEY (key, word)) WITHOUT ROWID;
`;

/** The two indexed forms of one text: the words of the split form, and the words only the joined form has. */
interface IndexedText {
  split: string;
  joined: string;
  words: string[];
}

function indexedText(original: string): IndexedText {
  const split = wordsOf(splitForm(original).text).map((w) => w.word);
  if (!original.includes('\u200c')) return { split: split.join(' '), joined: '', words: split };
  const inSplit = new Set(split);
  const joined = wordsOf(joinedForm(original).text)
    .map((w) => w.word)
    .filter((w) => !inSplit.has(w));
  return { split: split.join(' '), joined: joined.join(' '), words: [...split, ...joined] };
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
  /** Per token index, the vocabulary words (best first) that stand in for a misspelt token. */
  corrections: Map<number, string[]>;
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
  chunk: number | null;
}

type Params = Record<string, string | number | bigint>;

export class FtsSearchIndex implements SearchIndex {
  readonly kind = 'sqlite' as const;
  private db: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    if (this.db) return;
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -65536');
    db.exec(SCHEMA);
    db.exec('CREATE TEMP TABLE IF NOT EXISTS matched (doc INTEGER PRIMARY KEY, chunk INTEGER, pages INTEGER NOT NULL, ps REAL, ms REAL)');
    this.db = db;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  /** Closes the database file (tests and shutdown). */
  close(): void {
    this.db?.close();
    this.db = null;
    this.statements.clear();
  }

  async upsert(doc: IndexedDocument): Promise<void> {
    if (doc.pages.length > PAGE_SLOTS) throw new Error(`document ${doc.id} has ${doc.pages.length} pages; the index takes at most ${PAGE_SLOTS}`);
    const title = indexedText(doc.title);
    const keywords = indexedText(doc.keywords.join('\n'));
    const summary = indexedText(doc.summary);
    const pages = doc.pages.map((page) => ({ page: page.page, text: page.text, indexed: indexedText(page.text) }));
    const words = new Set<string>([...title.words, ...keywords.words, ...summary.words]);
    for (const page of pages) for (const word of page.indexed.words) words.add(word);

    this.database().transaction(() => {
      const existing = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(doc.id) as number | undefined;
      if (existing !== undefined) this.removeDocument(existing);
      const n = Number(
        this.sql(
          `INSERT INTO docs (id, title, summary, keywords, city, kind, year, status, access, updated_at, chunk_count)
           VALUES (@id, @title, @summary, @keywords, @city, @kind, @year, @status, @access, @updatedAt, @chunks)`,
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
        }).lastInsertRowid,
      );
      this.writeFacets(n, doc);
      this.writeShares(n, doc.sharedWith);
      this.sql('INSERT INTO fts_meta (rowid, title, title_joined, keywords, keywords_joined, summary, summary_joined) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        BigInt(n), title.split, title.joined, keywords.split, keywords.joined, summary.split, summary.joined,
      );
      const insertPage = this.sql('INSERT INTO fts_pages (rowid, title, title_joined, keywords, keywords_joined, body, body_joined) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const insertChunk = this.sql('INSERT INTO chunks (id, page, text) VALUES (?, ?, ?)');
      pages.forEach((page, index) => {
        const rowid = BigInt(n) * BigInt(PAGE_SLOTS) + BigInt(index);
        insertPage.run(rowid, title.split, title.joined, keywords.split, keywords.joined, page.indexed.split, page.indexed.joined);
        insertChunk.run(rowid, BigInt(Math.trunc(page.page)), page.text);
      });
      this.countWords(words, +1);
    })();
  }

  async updateAccess(id: string, access: AccessFields): Promise<void> {
    this.database().transaction(() => {
      const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
      if (n === undefined) return;
      this.sql('UPDATE docs SET status = ?, access = ?, city = ? WHERE n = ?').run(access.status, access.access, access.city, BigInt(n));
      this.sql(`UPDATE doc_facets SET value = ? WHERE doc = ? AND facet = 'city'`).run(access.city, BigInt(n));
      this.writeShares(n, access.sharedWith);
    })();
  }

  async remove(id: string): Promise<void> {
    this.database().transaction(() => {
      const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
      if (n !== undefined) this.removeDocument(n);
    })();
  }

  async clear(): Promise<void> {
    this.database().transaction(() => {
      for (const table of ['docs', 'doc_shares', 'doc_facets', 'chunks', 'vocab', 'vocab_edits']) this.sql(`DELETE FROM ${table}`).run();
      this.sql(`INSERT INTO fts_pages (fts_pages) VALUES ('delete-all')`).run();
      this.sql(`INSERT INTO fts_meta (fts_meta) VALUES ('delete-all')`).run();
    })();
  }

  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    const perPage = Math.max(1, Math.trunc(query.perPage) || 20);
    const page = Math.max(1, Math.trunc(query.page) || 1);
    const visible = visibility(viewer);
    const plan = this.plan(queryTokens(query.q).slice(0, MAX_TOKENS));
    const params: Params = { ...visible.params };
    const filters = filterSql(query.filters, params);

    let from: string;
    let where: string;
    let order: string;
    let scored = false;
    if (plan) {
      scored = this.fillMatched(plan.match, visible);
      from = 'temp.matched m JOIN docs d ON d.n = m.doc';
      where = '1 = 1';
      const relevance = scored
        ? `coalesce(m.ms, 0) * ${META_FACTOR} + coalesce(m.ps, 0)`
        : 'coalesce(m.ms, 0), m.pages DESC';
      order = query.sort === 'newest' ? 'd.updated_at DESC, d.n DESC' : `(m.ms IS NOT NULL) DESC, ${relevance}, d.updated_at DESC, d.n DESC`;
    } else {
      from = 'docs d';
      where = visible.sql;
      order = 'd.updated_at DESC, d.n DESC';
    }

    const allFilters = [where, ...Object.values(filters)].join(' AND ');
    const total = this.sql(`SELECT count(*) FROM ${from} WHERE ${allFilters}`).pluck().get(params) as number;
    const rows = this.sql(
      `SELECT d.n, d.id, d.title, d.summary, d.keywords, d.city, d.kind, d.year, ${plan ? 'm.chunk' : 'NULL'} AS chunk
       FROM ${from} WHERE ${allFilters} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: BigInt(perPage), offset: BigInt((page - 1) * perPage) }) as Row[];

    const facets = this.facets(from, where, filters, params);
    const hits = rows.map((row) => this.hit(row, plan?.patterns ?? [], scored ? 1 : DENSE_PAGES_TO_TRY));
    const result: SearchResult = { total, hits, facets };
    if (plan) {
      const didYouMean = this.didYouMean(plan, total, visible);
      if (didYouMean) result.didYouMean = didYouMean;
    }
    return result;
  }

  // ---- indexing ----

  private writeFacets(n: number, doc: IndexedDocument): void {
    const insert = this.sql('INSERT OR IGNORE INTO doc_facets (doc, facet, value) VALUES (?, ?, ?)');
    const values: Record<Facet, string[]> = {
      city: [doc.city],
      kind: [doc.kind],
      hazard: doc.hazards,
      year: [String(doc.year)],
      resolution: doc.resolutions,
      fileType: [doc.fileType],
    };
    for (const facet of FACETS) for (const value of values[facet]) if (value !== '') insert.run(BigInt(n), facet, value);
  }

  private writeShares(n: number, cities: string[]): void {
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    const insert = this.sql('INSERT OR IGNORE INTO doc_shares (doc, city) VALUES (?, ?)');
    for (const city of cities) insert.run(BigInt(n), city);
  }

  private removeDocument(n: number): void {
    const doc = this.sql('SELECT title, summary, keywords, chunk_count FROM docs WHERE n = ?').get(BigInt(n)) as
      | { title: string; summary: string; keywords: string; chunk_count: number }
      | undefined;
    if (!doc) return;
    const lo = BigInt(n) * BigInt(PAGE_SLOTS);
    const words = new Set<string>();
    for (const text of [doc.title, doc.summary, (JSON.parse(doc.keywords) as string[]).join('\n')]) for (const w of indexedText(text).words) words.add(w);
    const texts = this.sql('SELECT text FROM chunks WHERE id >= ? AND id < ?').pluck().iterate(lo, lo + BigInt(PAGE_SLOTS)) as IterableIterator<string>;
    for (const text of texts) for (const w of indexedText(text).words) words.add(w);
    this.countWords(words, -1);

    const deletePage = this.sql('DELETE FROM fts_pages WHERE rowid = ?');
    for (let index = 0; index < doc.chunk_count; index++) deletePage.run(lo + BigInt(index));
    this.sql('DELETE FROM fts_meta WHERE rowid = ?').run(BigInt(n));
    this.sql('DELETE FROM chunks WHERE id >= ? AND id < ?').run(lo, lo + BigInt(PAGE_SLOTS));
    this.sql('DELETE FROM doc_facets WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM docs WHERE n = ?').run(BigInt(n));
  }

  private countWords(words: Set<string>, delta: 1 | -1): void {
    if (delta > 0) {
      const upsert = this.sql('INSERT INTO vocab (word, docs) VALUES (?, 1) ON CONFLICT (word) DO UPDATE SET docs = docs + 1 RETURNING id, docs');
      const edit = this.sql('INSERT OR IGNORE INTO vocab_edits (key, word) VALUES (?, ?)');
      for (const word of words) {
        const { id, docs } = upsert.get(word) as { id: number; docs: number };
        if (docs === 1 && typoTarget(word)) for (const key of deletionKeys(word)) edit.run(BigInt(key), BigInt(id));
      }
    } else {
      const lower = this.sql('UPDATE vocab SET docs = docs - 1 WHERE word = ? RETURNING id, docs');
      const drop = this.sql('DELETE FROM vocab WHERE id = ?');
      const dropEdit = this.sql('DELETE FROM vocab_edits WHERE key = ? AND word = ?');
      for (const word of words) {
        const row = lower.get(word) as { id: number; docs: number } | undefined;
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
      const splits = this.splits(token, i === last, known);
      groups[i]!.push(...splits);
      const explained = known.has(token) || splits.length > 0 || (i === last && this.hasPrefix(token));
      if (!explained && typoSource(token)) {
        const words = this.corrections(token);
        if (words.length > 0) {
          corrections.set(i, words);
          for (const word of words) known.add(word);
          groups[i]!.push(...words.map((word) => ({ words: [word], prefix: false })));
        }
      }
    });
    const expressions = groups.map((group, i) => {
      const alternatives = dedupePatterns(group).flatMap((pattern) => this.expand(pattern, known));
      if (alternatives.length === 0) alternatives.push(term(tokens[i]!, false));
      return `(${[...new Set(alternatives)].join(' OR ')})`;
    });
    return { tokens, match: expressions.join(' AND '), patterns: dedupePatterns([...basicPatterns(tokens), ...groups.flat()]), corrections };
  }

  /** The FTS5 phrases for one pattern: none when a word is not in the vocabulary, a prefix with few completions as those words. */
  private expand(pattern: Pattern, known: Set<string>): string[] {
    const head = pattern.words.slice(0, -1);
    const tail = pattern.words[pattern.words.length - 1]!;
    if (!head.every((word) => known.has(word))) return [];
    const prefix = head.map((word) => `${quote(word)} + `).join('');
    if (!pattern.prefix) return known.has(tail) ? [`${prefix}${quote(tail)}`] : [];
    const completions = this.sql('SELECT word FROM vocab WHERE word >= ? AND word < ? LIMIT ?')
      .pluck()
      .all(tail, tail + END, BigInt(MAX_PREFIX_WORDS + 1)) as string[];
    if (completions.length > MAX_PREFIX_WORDS) return [`${prefix}${quote(tail)}*`];
    return completions.map((word) => `${prefix}${quote(word)}`);
  }

  /** Which of the tokens, their concatenations and their possible halves are indexed words. */
  private knownWords(tokens: string[]): Set<string> {
    const candidates = new Set<string>(tokens);
    for (const token of tokens) for (const [a, b] of halves(token)) candidates.add(a).add(b);
    for (let size = 2; size <= 3; size++) for (let from = 0; from + size <= tokens.length; from++) candidates.add(tokens.slice(from, from + size).join(''));
    const list = [...candidates];
    const known = new Set<string>();
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const words = this.sql(`SELECT word FROM vocab WHERE word IN (${part.map(() => '?').join(',')})`).pluck().all(...part) as string[];
      for (const word of words) known.add(word);
    }
    return known;
  }

  /** `کلانشهر` → `کلان` + `شهر` when both halves are indexed words (the last token's second half may be a prefix). */
  private splits(token: string, last: boolean, known: Set<string>): Pattern[] {
    const patterns: Pattern[] = [];
    for (const [a, b] of halves(token)) {
      if (!known.has(a)) continue;
      if (known.has(b) || (last && this.hasPrefix(b))) patterns.push({ words: [a, b], prefix: last });
    }
    return patterns;
  }

  private hasPrefix(prefix: string): boolean {
    return this.sql('SELECT 1 FROM vocab WHERE word >= ? AND word < ? LIMIT 1').get(prefix, prefix + END) !== undefined;
  }

  /** Indexed words of 5+ letters one edit away from the token, the most common first. */
  private corrections(token: string): string[] {
    const keys = deletionKeys(token);
    const rows = this.sql(
      `SELECT v.word, v.docs FROM vocab v WHERE v.id IN (SELECT word FROM vocab_edits WHERE key IN (${keys.map(() => '?').join(',')}))`,
    ).all(...keys.map((k) => BigInt(k))) as { word: string; docs: number }[];
    return rows
      .filter((row) => row.word !== token && typoTarget(row.word) && withinOneEdit(token, row.word))
      .sort((a, b) => b.docs - a.docs || (a.word < b.word ? -1 : 1))
      .slice(0, MAX_CORRECTIONS)
      .map((row) => row.word);
  }

  /**
   * Fills temp.matched with the visible documents the expression matches: how many of their
   * pages match, the first one, and the metadata's bm25. Then, unless the query matches so many
   * pages that bm25 over all of them would be slow (a word on nearly every page, whose bm25 is
   * near zero anyway), the best page of each document and its bm25. Returns whether it scored.
   */
  private fillMatched(match: string, visible: { sql: string; params: Params }): boolean {
    this.sql('DELETE FROM temp.matched').run();
    this.sql(
      `INSERT INTO temp.matched (doc, chunk, pages, ps, ms)
       SELECT x.doc, min(x.chunk), sum(x.pages), NULL, min(x.ms) FROM (
         SELECT rowid >> ${PAGE_BITS} AS doc, min(rowid) AS chunk, count(*) AS pages, NULL AS ms
           FROM fts_pages WHERE fts_pages MATCH @match GROUP BY 1
         UNION ALL
         SELECT rowid AS doc, NULL AS chunk, 0 AS pages, bm25(fts_meta, ${META_WEIGHTS}) AS ms
           FROM fts_meta WHERE fts_meta MATCH @match
       ) x JOIN docs d ON d.n = x.doc
       WHERE ${visible.sql}
       GROUP BY x.doc`,
    ).run({ ...visible.params, match });
    const pages = (this.sql('SELECT coalesce(sum(pages), 0) FROM temp.matched').pluck().get() as number) ?? 0;
    if (pages > BM25_PAGE_LIMIT) return false;
    if (pages === 0) return true;
    this.sql(
      `UPDATE temp.matched SET chunk = b.chunk, ps = b.ps FROM (
         SELECT chunk >> ${PAGE_BITS} AS doc, chunk, min(s) AS ps FROM (
           SELECT rowid AS chunk, bm25(fts_pages, ${PAGE_WEIGHTS}) AS s FROM fts_pages WHERE fts_pages MATCH @match LIMIT -1
         ) GROUP BY 1
       ) b WHERE b.doc = temp.matched.doc`,
    ).run({ match });
    return true;
  }

  /** Counts per facet; a facet with its own filter is counted without it (see the class comment). */
  private facets(from: string, where: string, filters: Partial<Record<Facet, string>>, params: Params): Record<Facet, Record<string, number>> {
    const facets = Object.fromEntries(FACETS.map((facet) => [facet, {}])) as Record<Facet, Record<string, number>>;
    const count = (which: Facet[], conditions: string[]): void => {
      if (which.length === 0) return;
      const rows = this.sql(
        `SELECT f.facet, f.value, count(*) AS n FROM ${from} JOIN doc_facets f ON f.doc = d.n
         WHERE ${[where, ...conditions].join(' AND ')} AND f.facet IN (${which.map((f) => `'${f}'`).join(',')})
         GROUP BY f.facet, f.value`,
      ).all(params) as { facet: Facet; value: string; n: number }[];
      for (const row of rows) facets[row.facet][row.value] = row.n;
    };
    const filtered = FACETS.filter((facet) => filters[facet] !== undefined);
    count(
      FACETS.filter((facet) => filters[facet] === undefined),
      Object.values(filters),
    );
    for (const facet of filtered) {
      count(
        [facet],
        filtered.filter((other) => other !== facet).map((other) => filters[other]!),
      );
    }
    return facets;
  }

  /**
   * The hit with its snippet: from the chosen page when the page's own text matches (a page can
   * match through the title it repeats), else from the next few pages (`tries`), else from the
   * metadata with page null.
   */
  private hit(row: Row, patterns: Pattern[], tries: number): SearchHit {
    const base = { id: row.id, title: row.title, city: row.city, kind: row.kind, year: row.year };
    if (row.chunk !== null && patterns.length > 0) {
      const end = (BigInt(row.chunk) >> BigInt(PAGE_BITS)) * BigInt(PAGE_SLOTS) + BigInt(PAGE_SLOTS);
      const chunks = this.sql('SELECT page, text FROM chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').all(BigInt(row.chunk), end, BigInt(tries)) as {
        page: number;
        text: string;
      }[];
      for (const chunk of chunks) {
        const cut = snippet(chunk.text, patterns);
        if (cut.matched) return { ...base, snippet: cut.html, page: chunk.page };
      }
    }
    const keywords = JSON.parse(row.keywords) as string[];
    for (const text of [row.summary, row.title, keywords.join('، ')]) {
      const cut = snippet(text, patterns);
      if (cut.matched) return { ...base, snippet: cut.html, page: null };
    }
    return { ...base, snippet: row.summary ? snippet(row.summary, []).html : escapeHtml(row.title), page: null };
  }

  /**
   * A correction from the vocabulary, offered only when it finds a document this viewer may see
   * (so a word of someone else's draft never leaks): for tokens the query corrected, or, when
   * nothing was found, for any token of 4+ letters.
   */
  private didYouMean(plan: PlannedQuery, total: number, visible: { sql: string; params: Params }): string | undefined {
    let candidates = plan.corrections;
    if (candidates.size === 0 && total === 0) {
      candidates = new Map();
      plan.tokens.forEach((token, i) => {
        if (!typoSource(token)) return;
        const words = this.corrections(token);
        if (words.length > 0) candidates.set(i, words);
      });
    }
    if (candidates.size === 0) return undefined;
    const words = [...plan.tokens];
    let changed = false;
    for (const [i, options] of candidates) {
      const usable = options.find((word) => this.visibleMatch(word, visible));
      if (usable) {
        words[i] = usable;
        changed = true;
      }
    }
    return changed ? words.join(' ') : undefined;
  }

  private visibleMatch(word: string, visible: { sql: string; params: Params }): boolean {
    const row = this.sql(
      `SELECT 1 FROM (
         SELECT rowid AS doc FROM fts_meta WHERE fts_meta MATCH @match
         UNION ALL
         SELECT rowid >> ${PAGE_BITS} AS doc FROM fts_pages WHERE fts_pages MATCH @match LIMIT -1
       ) x JOIN docs d ON d.n = x.doc WHERE ${visible.sql} LIMIT 1`,
    ).get({ ...visible.params, match: quote(word) });
    return row !== undefined;
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

/** `visibleTo` of search-index.ts as a condition on `docs d`. */
function visibility(viewer: Viewer): { sql: string; params: Params } {
  if (viewer.role === 'secretariat') return { sql: `d.status <> 'withdrawn'`, params: {} };
  if (viewer.role === 'city' && viewer.city) {
    return {
      sql: `(d.status <> 'withdrawn' AND (d.city = @viewerCity OR (d.status = 'published' AND (d.access = 'portal'
              OR EXISTS (SELECT 1 FROM doc_shares s WHERE s.doc = d.n AND s.city = @viewerCity)))))`,
      params: { viewerCity: viewer.city },
    };
  }
  return { sql: `(d.status = 'published' AND d.access = 'portal')`, params: {} };
}

/** One condition on `docs d` per facet with values; values go into params, never into the SQL. */
function filterSql(filters: SearchQuery['filters'], params: Params): Partial<Record<Facet, string>> {
  const conditions: Partial<Record<Facet, string>> = {};
  let k = 0;
  for (const facet of FACETS) {
    const values = [...new Set(filters[facet] ?? [])];
    if (values.length === 0) continue;
    const names = values.map((value) => {
      const name = `f${k++}`;
      params[name] = value;
      return `@${name}`;
    });
    conditions[facet] = `EXISTS (SELECT 1 FROM doc_facets ff WHERE ff.doc = d.n AND ff.facet = '${facet}' AND ff.value IN (${names.join(', ')}))`;
  }
  return conditions;
}
