import { joinedWordsOf, normalize, stem, wordsOf, ZWNJ } from '../persian';

/**
 * The layout of the FTS5 index, in its own database file.
 *
 * `docs` holds one row per document: metadata, access, display texts. `doc_facets` holds one row
 * per (document, facet value), the values numbered in `facet_values`; `doc_shares` the cities a
 * restricted document is shared with; `chunks` the original text of every page, for snippets.
 * Three contentless FTS5 tables hold normalized words:
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
 * Two low-weight columns hold the stems of the words that have one (rule 6, light stemming):
 * `heading_stems` those of the title, keywords and summary, `stems` those of the body; `labels`
 * holds the Persian and English names of the document's city, kind and hazards. The column
 * names are the same in the three tables, so one expression can restrict any of them
 * (`- {stems heading_stems} : …` for exact forms only).
 * `vocab` counts, for each indexed word, the documents and page rows it occurs in; it prunes
 * and expands queries and estimates their cost. `vocab_edits` is its deletion neighbourhood
 * (hashes of each word of 5+ letters with one letter deleted), to find typos with one lookup.
 */

export const PAGE_BITS = 20;
export const PAGE_SLOTS = 2 ** PAGE_BITS;

/** Bumped whenever the layout changes; an index file of another version is dropped and rebuilt empty (the index is derived data). */
export const SCHEMA_VERSION = 6;
export const TABLES = ['docs', 'doc_shares', 'facet_values', 'doc_facets', 'chunks', 'fts_pages', 'fts_docs', 'fts_meta', 'vocab', 'vocab_edits'];

export const SCHEMA = `
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
  words TEXT NOT NULL,
  -- JSON [name, …]: the names of its city, kind and hazards (IndexedDocument.labels)
  labels TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_updated ON docs (updated_at);
CREATE TABLE IF NOT EXISTS doc_shares (doc INTEGER NOT NULL, city TEXT NOT NULL, PRIMARY KEY (doc, city)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facet_values (id INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (facet, value));
CREATE TABLE IF NOT EXISTS doc_facets (doc INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (doc, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_facets_value ON doc_facets (value, doc);
CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, page INTEGER NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_pages USING fts5(title, title_joined, keywords, keywords_joined, body, body_joined, labels, heading_stems, stems,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_docs USING fts5(title, title_joined, keywords, keywords_joined, summary, summary_joined, body, body_joined, labels, heading_stems, stems,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_meta USING fts5(title, title_joined, keywords, keywords_joined, summary, summary_joined, labels, heading_stems, stems,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE, docs INTEGER NOT NULL, pages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_edits (key INTEGER NOT NULL, word INTEGER NOT NULL, PRIMARY KEY (key, word)) WITHOUT ROWID;
`;

/** The indexed forms of one text: the words of the split form, the words only the joined form has, and the stems of those words that have one. */
export interface IndexedText {
  split: string;
  joined: string;
  stems: string;
  /** Every word indexed for the text, stems included. */
  words: string[];
}

export function indexedText(original: string): IndexedText {
  const normalized = normalize(original).text;
  const split = wordsOf(normalized).map((w) => w.word);
  const joined = normalized.includes(ZWNJ)
    ? joinedWordsOf(normalized)
        .filter((w) => w.end - w.start !== w.word.length)
        .map((w) => w.word)
    : [];
  const own = new Set(split);
  for (const word of joined) own.add(word);
  const extra = new Set<string>();
  for (const word of own) {
    const stemmed = stem(word);
    if (!own.has(stemmed)) extra.add(stemmed);
  }
  return { split: split.join(' '), joined: joined.join(' '), stems: [...extra].join(' '), words: [...split, ...joined, ...extra] };
}

/** Texts indexed together: their columns joined, one text after the other. */
export function together(texts: IndexedText[]): IndexedText {
  return {
    split: texts.map((t) => t.split).join('\n'),
    joined: texts.map((t) => t.joined).join('\n'),
    stems: texts.map((t) => t.stems).join('\n'),
    words: texts.flatMap((t) => t.words),
  };
}

/**
 * For every word of a document, on how many of its page rows it occurs: a title, keyword or label
 * word on all of them (each page row repeats title, keywords and labels), a summary word on none.
 * The counts let a query estimate how many page rows it will match before it asks FTS5.
 */
export function wordPages(heading: IndexedText[], summary: IndexedText, pages: IndexedText[]): Map<string, number> {
  const stats = new Map<string, number>();
  for (const word of summary.words) stats.set(word, 0);
  for (const page of pages) for (const word of new Set(page.words)) stats.set(word, (stats.get(word) ?? 0) + 1);
  for (const text of heading) for (const word of text.words) stats.set(word, pages.length);
  return stats;
}
