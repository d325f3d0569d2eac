import { createHash } from 'node:crypto';
import { inflections, joinedForm, joinedWordsOf, normalize, splitForm, stem, wordsOf } from '../persian';
import type { AccessFields, EntryType, IndexedDocument } from '../search-index';

/**
 * Meilisearch indexes at most 65,535 word positions per attribute and silently drops the rest. A
 * word costs at most 8 positions (after a hard separator), and Meilisearch may cut one of our words
 * in two (`ال…`), so 3,000 words stay far below the limit.
 */
export const MAX_WORDS_PER_CHUNK = 3000;

/**
 * The whole-document chunk lists its words and forms one word per array element: Meilisearch puts
 * 8 positions between elements, so it records no word pairs for proximity among them (most of its
 * indexing work would go there, for pairs that mean nothing), and an attribute then holds at most
 * 65,536 / 8 words: the lists are spread over several attributes of this many words each.
 */
export const WORDS_PER_ATTRIBUTE = 8000;
/** The attributes of the whole-document chunk's distinct words, and of the other forms of its words; beyond them the rest is left out. */
export const DOCUMENT_WORD_FIELDS = ['docWords', 'docWords2', 'docWords3', 'docWords4'] as const;
export const FORM_FIELDS = ['forms', 'forms2', 'forms3', 'forms4', 'forms5', 'forms6', 'forms7', 'forms8'] as const;
type DocumentWordField = (typeof DOCUMENT_WORD_FIELDS)[number];
type FormField = (typeof FORM_FIELDS)[number];

/** A list of words spread over the given attributes, WORDS_PER_ATTRIBUTE to each, the last ones left out when they do not fit. */
function spread<F extends string>(fields: readonly F[], words: string[]): Partial<Record<F, string[]>> {
  const out: Partial<Record<F, string[]>> = {};
  fields.forEach((field, i) => {
    const part = words.slice(i * WORDS_PER_ATTRIBUTE, (i + 1) * WORDS_PER_ATTRIBUTE);
    if (part.length > 0) out[field] = part;
  });
  return out;
}

/**
 * One Meilisearch document: a page (or part of a long page), or the chunk that stands for the
 * whole document (`wholeDocument: 1`, one per document, the only one of a document without pages).
 * Pages carry the text and the heading (title, keywords, labels), so a query for title and page
 * words names that page; the whole-document chunk carries the heading, the summary, every distinct
 * word of every page, and every other form of every word: a document matches when it has every
 * word anywhere in it (search/search-index.ts, the contract suite), and a form typed that no page
 * has as written still finds it, all in one search.
 */
export interface Chunk extends Partial<Record<DocumentWordField | FormField, string[]>> {
  id: string;
  docId: string;
  /** Changes on every upsert, so the chunks of an older version can be deleted after the new ones are in. */
  generation: string;
  page: number | null;
  /** The page, 0 for the whole-document chunk: ranks a document's earlier matching page first. */
  pageOrder: number;
  /** 1 for the chunk that stands for the whole document, 0 for a page: a page that matches represents its document first. */
  wholeDocument: 0 | 1;
  /** How many pages with text the document has (so a hit without a page is looked up only when there is one to find). */
  pageCount: number;
  // Searchable, pre-normalized: joined (ZWNJ deleted) and split (ZWNJ → space) forms.
  title: string;
  titleSplit: string;
  keywords: string[];
  keywordsSplit: string[];
  /** The names of its city, kind and hazards in both languages, joined and split forms (low weight). */
  labels: string[];
  // Pages only.
  body?: string;
  bodySplit?: string;
  /** The stems of the page's words that differ from them (light stemming, persian.ts `stem`), one per element: finds the page of a word found in another form. */
  stems?: string[];
  // The whole-document chunk only, and in DOCUMENT_WORD_FIELDS: every distinct word of every page,
  // both forms of rule 5; in FORM_FIELDS, lowest weight: every form of every word of the document that
  // light stemming takes to the same stem (persian.ts `stem` and `inflections`). Meilisearch cannot
  // expand a query, so the forms a query may use are indexed instead, and a word found only there
  // ranks below the word as written.
  summary?: string;
  summarySplit?: string;
  // Stored for display and snippets, never searched.
  originalTitle: string;
  originalSummary: string;
  originalKeywords: string[];
  originalBody: string;
  // Filters, facets and sort.
  /** `document` or `lesson` (IndexedDocument.type). */
  type: EntryType;
  city: string;
  /** Absent for a lesson, which has no kind (so it counts in no kind's facet). */
  kind?: string;
  hazards: string[];
  year: number;
  resolutions: string[];
  /** Absent for a lesson, which has no file. */
  fileType?: string;
  status: IndexedDocument['status'];
  access: IndexedDocument['access'];
  sharedWith: string[];
  updatedAt: number;
}

export type ChunkAccess = Pick<Chunk, 'id' | 'docId' | 'status' | 'access' | 'sharedWith' | 'city'>;

/**
 * Meilisearch ids allow only ASCII letters, digits, `-` and `_`, 511 bytes at most. Any other document
 * id becomes `_` and its SHA-256, which no id kept as it is can equal (those have no `_`).
 */
export function chunkIdPrefix(docId: string): string {
  return /^[A-Za-z0-9-]{1,400}$/.test(docId) ? docId : `_${createHash('sha256').update(docId).digest('hex')}`;
}

/** The original text of a page cut into parts of at most `maxWords` words, at word boundaries. */
export function splitLongText(original: string, maxWords: number = MAX_WORDS_PER_CHUNK): string[] {
  const form = splitForm(original);
  const words = wordsOf(form.text);
  if (words.length <= maxWords) return [original];
  const parts: string[] = [];
  let from = 0;
  for (let first = maxWords; first < words.length; first += maxWords) {
    const cut = form.map[words[first]!.start]!;
    parts.push(original.slice(from, cut));
    from = cut;
  }
  parts.push(original.slice(from));
  return parts;
}

export function accessFields(access: AccessFields): Pick<Chunk, 'status' | 'access' | 'sharedWith' | 'city'> {
  return { status: access.status, access: access.access, sharedWith: [...access.sharedWith], city: access.city };
}

/** The words of a text (both forms of rule 5). */
function wordsOfText(original: string): string[] {
  const normalized = normalize(original).text;
  return [...wordsOf(normalized), ...joinedWordsOf(normalized)].map((w) => w.word);
}

/** A stem and its other forms (persian.ts `inflections`), remembered: documents share most of their words, and each `inflections` stems a dozen candidates. */
const formsByStem = new Map<string, readonly string[]>();
const REMEMBERED_STEMS = 100_000;

function formsOfStem(stemmed: string): readonly string[] {
  let forms = formsByStem.get(stemmed);
  if (forms === undefined) {
    forms = [stemmed, ...inflections(stemmed)];
    if (formsByStem.size >= REMEMBERED_STEMS) formsByStem.clear();
    formsByStem.set(stemmed, forms);
  }
  return forms;
}

/** Each word's stem and the stem's other forms, less the words already there. */
function formsOfWords(own: ReadonlySet<string>): string[] {
  const forms = new Set<string>();
  for (const word of own) {
    if (/\p{N}/u.test(word) || [...word].length < 2) continue;
    for (const form of formsOfStem(stem(word))) if (!own.has(form)) forms.add(form);
  }
  return [...forms];
}

/** The stems of these words that differ from every one of them. */
function stemsOfWords(own: ReadonlySet<string>): string[] {
  const stems = new Set<string>();
  for (const word of own) {
    const stemmed = stem(word);
    if (!own.has(stemmed)) stems.add(stemmed);
  }
  return [...stems];
}

/** Each word's stem and the stem's other forms, less the words already there. */
export function formsOf(texts: string[]): string[] {
  return formsOfWords(new Set(texts.flatMap(wordsOfText)));
}

/** The stems of a text's words that differ from every word of it. */
export function stemsOf(original: string): string[] {
  return stemsOfWords(new Set(wordsOfText(original)));
}

/** Every distinct word of the texts, in order of first appearance. */
export function distinctWords(texts: string[]): string[] {
  return [...new Set(texts.flatMap(wordsOfText))];
}

/** The chunk that stands for the whole document, then one chunk per page part with text. */
export function chunksOf(doc: IndexedDocument, generation: string, maxWords: number = MAX_WORDS_PER_CHUNK): Chunk[] {
  return documentChunks(doc, generation, maxWords).chunks;
}

/**
 * The chunks of a document, and every word it has as written (heading, then pages, both forms of
 * rule 5, in order of first appearance): read once here, and the words index takes its words from them.
 */
export function documentChunks(doc: IndexedDocument, generation: string, maxWords: number = MAX_WORDS_PER_CHUNK): { chunks: Chunk[]; words: ReadonlySet<string> } {
  const prefix = chunkIdPrefix(doc.id);
  const pages = doc.pages.filter((page) => page.text.trim() !== '');
  const shared = {
    docId: doc.id,
    generation,
    pageCount: pages.length,
    title: joinedForm(doc.title).text,
    titleSplit: splitForm(doc.title).text,
    keywords: doc.keywords.map((k) => joinedForm(k).text),
    keywordsSplit: doc.keywords.map((k) => splitForm(k).text),
    labels: [...new Set((doc.labels ?? []).flatMap((label) => [joinedForm(label).text, splitForm(label).text]))],
    originalTitle: doc.title,
    originalSummary: doc.summary,
    originalKeywords: [...doc.keywords],
    ...accessFields(doc),
    type: doc.type ?? 'document',
    ...(doc.kind ? { kind: doc.kind } : {}),
    hazards: [...doc.hazards],
    year: doc.year,
    resolutions: [...doc.resolutions],
    ...(doc.fileType ? { fileType: doc.fileType } : {}),
    updatedAt: Date.parse(doc.updatedAt),
  };
  const heading = [doc.title, doc.summary, ...doc.keywords, ...(doc.labels ?? [])];
  // Each page's words are read once, for the whole-document chunk's lists and the page's stems.
  const pageWords = pages.map((page) => new Set(wordsOfText(page.text)));
  const documentWords = new Set<string>();
  for (const words of pageWords) for (const word of words) documentWords.add(word);
  const ownWords = new Set(heading.flatMap(wordsOfText));
  for (const word of documentWords) ownWords.add(word);
  const whole: Chunk = {
    id: `${prefix}-doc`,
    page: null,
    pageOrder: 0,
    wholeDocument: 1,
    ...shared,
    summary: joinedForm(doc.summary).text,
    summarySplit: splitForm(doc.summary).text,
    ...spread(DOCUMENT_WORD_FIELDS, [...documentWords]),
    ...spread(FORM_FIELDS, formsOfWords(ownWords)),
    originalBody: '',
  };
  const chunks: Chunk[] = [whole];
  pages.forEach((page, p) => {
    const parts = splitLongText(page.text, maxWords);
    parts.forEach((part, i) => {
      chunks.push({
        id: i === 0 ? `${prefix}-p${page.page}` : `${prefix}-p${page.page}-${i + 1}`,
        page: page.page,
        pageOrder: page.page,
        wholeDocument: 0,
        ...shared,
        body: joinedForm(part).text,
        bodySplit: splitForm(part).text,
        stems: parts.length === 1 ? stemsOfWords(pageWords[p]!) : stemsOf(part),
        originalBody: part,
      });
    });
  });
  return { chunks, words: ownWords };
}
