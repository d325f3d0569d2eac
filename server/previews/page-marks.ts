import { stem } from '../../search/persian';
import { parseQuery, SynonymTable, type ParsedQuery } from '../../search/query';
import { basicPatterns, dedupePatterns, escapeHtml, matchSpans, type Pattern } from '../../search/snippet';
import type { PageLayout, PlacedWord } from './page-layout';

/** A marked word's box on the page, in PDF points from its top left corner. */
export interface Mark {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What the reader marks for a query, as search's snippets mark it: each word typed (the last one as the start of
 * a longer word), adjacent words written together, each word's other forms (its stem), the terms of its synonym
 * groups, and a quoted phrase word for word.
 */
export function markPatterns(parsed: ParsedQuery): Pattern[] {
  const patterns = basicPatterns(parsed.clauses.flatMap((clause) => clause.tokens));
  for (const clause of parsed.clauses) {
    if (clause.exact) {
      patterns.push({ words: clause.tokens, prefix: false });
      continue;
    }
    for (const token of clause.tokens) patterns.push({ words: [stem(token)], prefix: false, stem: true });
    for (const term of [...(clause.term ? [clause.term] : []), ...clause.synonyms]) patterns.push({ words: term, prefix: false, stem: term.length === 1 });
  }
  return dedupePatterns(patterns);
}

/** The patterns of a query as the reader gets it, read with the portal's synonym groups (as search reads it). */
export function patternsOfQuery(q: string, synonymGroups: readonly (readonly string[])[]): Pattern[] {
  return q.trim() ? markPatterns(parseQuery(q, new SynonymTable(synonymGroups))) : [];
}

/**
 * The boxes of the page's words that the patterns find. pdftotext places a right-to-left line's words from left
 * to right with each word's letters reversed (a lam-alef ligature's two letters in their own order), or, from some
 * producers, in reading order; so the page is read three ways — as given, and right to left with each word's
 * letters put back, once keeping «لا» together and once not (it is also «ال» reversed) — and a word found in any
 * reading is marked. Words are matched through search's own normalization and matching (search/snippet.ts).
 */
export function pageMarks(layout: PageLayout, patterns: Pattern[]): Mark[] {
  if (patterns.length === 0) return [];
  const words = layout.lines.flat();
  const marked = new Set<number>();
  const readings: ((line: PlacedWord[], first: number) => [string, number][])[] = [
    (line, first) => line.map((word, k) => [word.text, first + k]),
    (line, first) => line.map((word, k): [string, number] => [unmirror(word.text, true), first + k]).reverse(),
    (line, first) => line.map((word, k): [string, number] => [unmirror(word.text, false), first + k]).reverse(),
  ];
  for (const reading of readings) {
    let text = '';
    const ranges: { start: number; end: number; index: number }[] = [];
    let first = 0;
    for (const line of layout.lines) {
      for (const [word, index] of reading(line, first)) {
        ranges.push({ start: text.length, end: text.length + word.length, index });
        text += `${word} `;
      }
      text += '\n';
      first += line.length;
    }
    for (const span of matchSpans(text, patterns)) {
      for (const range of ranges) if (range.start < span.end && span.start < range.end) marked.add(range.index);
    }
  }
  return [...marked].sort((a, b) => a - b).map((index) => boxOf(words[index]!));
}

const PADDING = 1;

function boxOf(word: PlacedWord): Mark {
  return { x: word.x - PADDING, y: word.y - PADDING, width: word.width + 2 * PADDING, height: word.height + 2 * PADDING };
}

const ARABIC_LETTER = /\p{Script=Arabic}/u;
/** Runs that keep their order when a right-to-left word is put back: digits and Latin letters; then a lam-alef; then a letter with its marks. */
const WITH_LAM_ALEF = /[0-9A-Za-z\u06F0-\u06F9\u0660-\u0669]+|\u0644[\u0627\u0622\u0623\u0625\u0671]\p{M}*|\P{M}\p{M}*/gu;
const WITHOUT_LAM_ALEF = /[0-9A-Za-z\u06F0-\u06F9\u0660-\u0669]+|\P{M}\p{M}*/gu;

/** A word of a right-to-left line as pdftotext gives it (letters left to right), in reading order. */
export function unmirror(word: string, keepLamAlef: boolean): string {
  if (!ARABIC_LETTER.test(word)) return word;
  return (word.match(keepLamAlef ? WITH_LAM_ALEF : WITHOUT_LAM_ALEF) ?? []).reverse().join('');
}

/** `text` as HTML with every place the patterns find in it wrapped in <mark> (the page's extracted text, shown beside its image). */
export function markedText(text: string, patterns: Pattern[]): string {
  let html = '';
  let at = 0;
  for (const span of patterns.length > 0 ? matchSpans(text, patterns) : []) {
    html += escapeHtml(text.slice(at, span.start)) + `<mark>${escapeHtml(text.slice(span.start, span.end))}</mark>`;
    at = span.end;
  }
  return html + escapeHtml(text.slice(at));
}
