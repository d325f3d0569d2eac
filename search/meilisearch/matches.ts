import { wordsOf, type Normalized } from '../persian';
import type { Pattern } from '../snippet';

/** A match Meilisearch reports in `_matchesPosition`: UTF-8 byte offsets in the field value we sent. */
export interface ByteMatch {
  start: number;
  length: number;
}

/** UTF-8 byte offset → UTF-16 index in `text`; an offset inside a character rounds up to its end. */
export function utf16IndexOfByte(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const cp = text.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/**
 * The words Meilisearch found in a normalized field (a typo, a prefix), as exact patterns for our own
 * snippet. `form` must be the normalization the field was built with; its words, not Meilisearch's
 * byte ranges, decide what is marked, so a match never cuts a word.
 */
export function patternsFromMatches(form: Normalized, matches: ByteMatch[]): Pattern[] {
  const words = wordsOf(form.text);
  const patterns: Pattern[] = [];
  for (const m of matches) {
    const start = utf16IndexOfByte(form.text, m.start);
    const end = utf16IndexOfByte(form.text, m.start + m.length);
    if (end <= start) continue;
    for (const w of words) if (w.start < end && w.end > start) patterns.push({ words: [w.word], prefix: false });
  }
  return patterns;
}

/**
 * Each token cut in two words (halves of 2+ letters), for highlighting what Meilisearch found by
 * splitting a query word (`کلانشهر` in «کلان شهر»). Only a document's two adjacent words that
 * together spell the token match, so no vocabulary is needed.
 */
export function splitPatterns(tokens: string[]): Pattern[] {
  const patterns: Pattern[] = [];
  tokens.forEach((token, i) => {
    const chars = [...token];
    for (let k = 2; k <= chars.length - 2; k++) {
      patterns.push({ words: [chars.slice(0, k).join(''), chars.slice(k).join('')], prefix: i === tokens.length - 1 });
    }
  });
  return patterns;
}
