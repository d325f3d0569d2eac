import { createHash } from 'node:crypto';
import { inflections, joinedForm, joinedWordsOf, normalize, splitForm, stem, wordsOf } from '../persian';
import type { AccessFields, EntryType, IndexedDocument } from '../search-index';

/**
 * Meilisearch indexes at most 65,535 word positions per attribute and silently drops the rest. A
 * word costs at most 8 positions (after a hard separator), and Meilisearch may cut one of our words
 * in two (`ال…`), so 3,000 words stay far below the limit.
 */
export const MAX_WORDS_PER_CHUNK = 3000;

/** One Meilisearch document: one page (or part of a long page), or the metadata of a document without pages. */
export interface Chunk {
  id: string;
  docId: string;
  /** Changes on every upsert, so the chunks of an older version can be deleted after the new ones are in. */
  generation: string;
  page: number | null;
  /** The page, 0 for the metadata chunk: ranks a document's earlier matching page first. */
  pageOrder: number;
  // Searchable, pre-normalized: joined (ZWNJ deleted) and split (ZWNJ → space) forms.
  title: string;
  titleSplit: string;
  keywords: string[];
  keywordsSplit: string[];
  summary: string;
  summarySplit: string;
  body: string;
  bodySplit: string;
  /** The names of its city, kind and hazards in both languages, joined and split forms (low weight). */
  labels: string[];
  /**
   * Every form of every word of the chunk that light stemming takes to the same stem (persian.ts
   * `stem` and `inflections`), lowest weight: Meilisearch cannot expand a query, so the forms a
   * query may use are indexed instead, and a word found only here ranks below the word as written.
   */
  forms: string[];
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

/** Each word's stem and the stem's other forms, less the words already there. */
export function formsOf(texts: string[]): string[] {
  const own = new Set(texts.flatMap(wordsOfText));
  const forms = new Set<string>();
  for (const word of own) {
    if (/\p{N}/u.test(word) || [...word].length < 2) continue;
    const stemmed = stem(word);
    forms.add(stemmed);
    for (const form of inflections(stemmed)) forms.add(form);
  }
  return [...forms].filter((form) => !own.has(form));
}

/** Every chunk of a document: one per page part, or a single metadata chunk when it has no text. */
export function chunksOf(doc: IndexedDocument, generation: string, maxWords: number = MAX_WORDS_PER_CHUNK): Chunk[] {
  const prefix = chunkIdPrefix(doc.id);
  const keywords = doc.keywords.map((k) => joinedForm(k).text);
  const keywordsSplit = doc.keywords.map((k) => splitForm(k).text);
  const shared = {
    docId: doc.id,
    generation,
    title: joinedForm(doc.title).text,
    titleSplit: splitForm(doc.title).text,
    keywords,
    keywordsSplit,
    summary: joinedForm(doc.summary).text,
    summarySplit: splitForm(doc.summary).text,
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
  const body = (original: string) => ({
    body: joinedForm(original).text,
    bodySplit: splitForm(original).text,
    originalBody: original,
    forms: formsOf([...heading, original]),
  });

  const chunks: Chunk[] = [];
  for (const page of doc.pages) {
    if (page.text.trim() === '') continue;
    splitLongText(page.text, maxWords).forEach((part, i) => {
      const id = i === 0 ? `${prefix}-p${page.page}` : `${prefix}-p${page.page}-${i + 1}`;
      chunks.push({ id, page: page.page, pageOrder: page.page, ...shared, ...body(part) });
    });
  }
  if (chunks.length === 0) chunks.push({ id: `${prefix}-meta`, page: null, pageOrder: 0, ...shared, ...body('') });
  return chunks;
}
