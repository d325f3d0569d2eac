import { createHash } from 'node:crypto';
import type { Index } from 'meilisearch';
import { joinedWordsOf, normalize, wordsOf } from '../persian';
import type { IndexedDocument } from '../search-index';
import { deletionKeys, typoTarget, withinOneEdit } from '../typos';

/** One word some document has as written, found by the hashes of its one-letter deletions. */
export interface WordEntry {
  id: string;
  word: string;
  keys: number[];
}

/** How many entries one deletion-key look-up brings back at most (words one edit from a token are few). */
const LOOKUP_LIMIT = 1000;
/** The words already sent are remembered, up to this many, so that each is sent once per process. */
const REMEMBERED = 500_000;

/** The words of a document that a typo can be corrected to (search/typos.ts): 5+ letters, not a number, as written in its texts and labels. */
export function correctableWords(doc: IndexedDocument): string[] {
  const words = new Set<string>();
  for (const text of [doc.title, doc.summary, ...doc.keywords, ...(doc.labels ?? []), ...doc.pages.map((page) => page.text)]) {
    const normalized = normalize(text).text;
    for (const { word } of [...wordsOf(normalized), ...joinedWordsOf(normalized)]) if (typoTarget(word)) words.add(word);
  }
  return [...words];
}

export const wordEntry = (word: string): WordEntry => ({ id: createHash('sha256').update(word).digest('hex').slice(0, 32), word, keys: deletionKeys(word) });

/**
 * Meilisearch has no look-up of the words it indexed, and its typo tolerance is off (search/typos.ts):
 * the words documents have are kept in an index of their own, one entry per word with the hashes of
 * its one-letter deletions, the same neighbourhood the SQLite index keeps in `vocab_edits`. Entries
 * are only added: a word whose documents are gone stays, and is dropped at look-up time because no
 * document the viewer may see has it any more.
 */
export class WordsIndex {
  private readonly sent = new Set<string>();

  constructor(private readonly index: Index<WordEntry>) {}

  /**
   * The entries not sent before of the words documents have as written (one list per document:
   * `correctableWords`, or the words their chunks were built from), those a typo can be corrected to.
   */
  newEntries(wordsOfDocuments: Iterable<string>[]): WordEntry[] {
    const entries: WordEntry[] = [];
    for (const words of wordsOfDocuments) {
      for (const word of words) {
        if (this.sent.has(word) || !typoTarget(word)) continue;
        this.sent.add(word);
        entries.push(wordEntry(word));
      }
    }
    if (this.sent.size > REMEMBERED) this.sent.clear();
    return entries;
  }

  /** After entries failed to reach the engine, or after the index was emptied: send them again next time. */
  forget(entries?: WordEntry[]): void {
    if (!entries) this.sent.clear();
    else for (const entry of entries) this.sent.delete(entry.word);
  }

  /** The multi-search query that finds the entries one deletion away from `token`. */
  lookup(token: string): { indexUid: string; q: string; filter: string; limit: number; attributesToRetrieve: string[] } {
    return { indexUid: this.index.uid, q: '', filter: `keys IN [${deletionKeys(token).join(', ')}]`, limit: LOOKUP_LIMIT, attributesToRetrieve: ['word'] };
  }

  /** The candidates among the entries found: indexed words of 5+ letters one edit from the token. */
  static candidates(token: string, found: Pick<WordEntry, 'word'>[]): string[] {
    return [...new Set(found.map((entry) => entry.word))].filter((word) => word !== token && typoTarget(word) && withinOneEdit(token, word));
  }
}
