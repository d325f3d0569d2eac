import { joinedWordsOf, normalize, originalSpan, stem, wordsOf, ZWNJ, type Word } from './persian';

/**
 * What a query looks for in a text: a sequence of normalized words that must stand next to each
 * other; with `prefix`, the last word may be the start of a longer word (search-as-you-type); with
 * `stem`, a single word found in any form that has that stem (`پناهگاه` in «پناهگاه‌ها»).
 */
export interface Pattern {
  words: string[];
  prefix: boolean;
  stem?: boolean;
}

export interface Span {
  start: number;
  end: number;
}

export const SNIPPET_WIDTH = 200;
/** A last token this short is not taken as a prefix: it would expand to most of the vocabulary. */
export const MIN_PREFIX = 2;
const LEAD = 60;
const SNAP = 20;

/**
 * The patterns every engine looks for (rule 8 without the index's vocabulary): each token, the
 * last one as a prefix, and adjacent tokens concatenated by twos and threes.
 */
export function basicPatterns(tokens: string[]): Pattern[] {
  const patterns: Pattern[] = [];
  const last = tokens.length - 1;
  tokens.forEach((token, i) => patterns.push({ words: [token], prefix: i === last && [...token].length >= MIN_PREFIX }));
  for (let size = 2; size <= 3; size++) {
    for (let from = 0; from + size <= tokens.length; from++) {
      patterns.push({ words: [tokens.slice(from, from + size).join('')], prefix: from + size - 1 === last });
    }
  }
  return dedupePatterns(patterns);
}

export const patternKey = (pattern: Pattern): string => `${pattern.stem ? '~' : ''}${pattern.words.join(' ')}${pattern.prefix ? '*' : ''}`;

export function dedupePatterns(patterns: Pattern[]): Pattern[] {
  const seen = new Map<string, Pattern>();
  for (const pattern of patterns) {
    const key = patternKey(pattern);
    if (!seen.has(key)) seen.set(key, pattern);
  }
  return [...seen.values()];
}


interface TaggedSpan extends Span {
  pattern: number;
}

/** Where the patterns occur in the original text, found in both forms of rule 5 (so `کلان‌شهر` is one match for `کلانشهر` and `شود` one inside `می‌شود`). */
function taggedSpans(original: string, patterns: Pattern[]): TaggedSpan[] {
  const spans: TaggedSpan[] = [];
  if (patterns.length === 0 || original.length === 0) return spans;
  const form = normalize(original);
  const lists = [wordsOf(form.text)];
  if (form.text.includes(ZWNJ)) lists.push(joinedWordsOf(form.text).filter((w) => w.end - w.start !== w.word.length));
  // Patterns by their first word (stem patterns by their stem), so each word of the text is looked up once; single-word prefixes are tried on every word.
  const byFirst = new Map<string, number[]>();
  const byStem = new Map<string, number[]>();
  const prefixes: number[] = [];
  patterns.forEach((pattern, p) => {
    if (pattern.prefix && pattern.words.length === 1) prefixes.push(p);
    else if (pattern.stem && pattern.words.length === 1) byStem.set(pattern.words[0]!, [...(byStem.get(pattern.words[0]!) ?? []), p]);
    else byFirst.set(pattern.words[0]!, [...(byFirst.get(pattern.words[0]!) ?? []), p]);
  });
  const matchesAt = (words: Word[], i: number, pattern: Pattern): boolean => {
    const n = pattern.words.length;
    if (i + n > words.length) return false;
    for (let k = 0; k < n; k++) {
      const word = words[i + k]!.word;
      const wanted = pattern.words[k]!;
      if (!(k === n - 1 && pattern.prefix ? word.startsWith(wanted) : word === wanted)) return false;
    }
    return true;
  };
  for (const words of lists) {
    for (let i = 0; i < words.length; i++) {
      const stemmed = byStem.size > 0 ? byStem.get(stem(words[i]!.word)) : undefined;
      for (const list of [byFirst.get(words[i]!.word), prefixes, stemmed]) {
        for (const p of list ?? []) {
          const pattern = patterns[p]!;
          if (list !== stemmed && !matchesAt(words, i, pattern)) continue;
          const span = originalSpan(form, words[i]!.start, words[i + pattern.words.length - 1]!.end);
          spans.push({ ...span, pattern: p });
        }
      }
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The original [start, end) ranges the patterns cover, sorted and merged. */
export function matchSpans(original: string, patterns: Pattern[]): Span[] {
  return merge(taggedSpans(original, patterns));
}

function merge(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);

function isLowSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Moves a cut to whitespace nearby (never past `limit`) so no word is cut in two, and never into a surrogate pair. */
function snapStart(text: string, at: number, limit: number): number {
  if (at <= 0) return 0;
  for (let k = at; k >= Math.max(0, at - SNAP); k--) if (k === 0 || isSpace(text[k - 1])) return k;
  for (let k = at; k <= Math.min(limit, at + SNAP); k++) if (isSpace(text[k - 1])) return k;
  return isLowSurrogate(text, at) ? at - 1 : at;
}

function snapEnd(text: string, at: number, limit: number): number {
  if (at >= text.length) return text.length;
  for (let k = at; k <= Math.min(text.length, at + SNAP); k++) if (k === text.length || isSpace(text[k])) return k;
  for (let k = at; k >= Math.max(limit, at - SNAP); k--) if (isSpace(text[k])) return k;
  return isLowSurrogate(text, at) ? at + 1 : at;
}

const squeeze = (html: string): string => html.replace(/\s+/gu, ' ');

function render(text: string, from: number, to: number, marks: Span[]): string {
  let html = '';
  let at = from;
  for (const mark of marks) {
    const start = Math.max(mark.start, from);
    const end = Math.min(mark.end, to);
    if (end <= start) continue;
    html += squeeze(escapeHtml(text.slice(at, start)));
    html += `<mark>${squeeze(escapeHtml(text.slice(start, end)))}</mark>`;
    at = end;
  }
  html += squeeze(escapeHtml(text.slice(at, to)));
  html = html.trim();
  if (from > 0) html = `… ${html}`;
  if (to < text.length) html = `${html} …`;
  return html;
}

export interface Snippet {
  html: string;
  matched: boolean;
  /** The patterns that occur in the text, by `patternKey`. */
  found: Set<string>;
}

/**
 * About `width` characters of the original text around the place where the most different
 * patterns occur, HTML-escaped, every match wrapped in <mark>. Without a match, the text's start.
 */
export function snippet(original: string, patterns: Pattern[], width = SNIPPET_WIDTH): Snippet {
  const all = taggedSpans(original, patterns);
  const found = new Set(all.map((span) => patternKey(patterns[span.pattern]!)));
  const spans = all.slice(0, 1000);
  if (spans.length === 0) {
    const end = snapEnd(original, Math.min(original.length, width), 0);
    return { html: render(original, 0, end, []), matched: false, found };
  }
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < spans.length; i++) {
    const seen = new Set<number>();
    let count = 0;
    for (let j = i; j < spans.length && spans[j]!.end <= spans[i]!.start + width - LEAD; j++) {
      seen.add(spans[j]!.pattern);
      count++;
    }
    const score = seen.size * 1000 + count;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  const anchor = spans[best]!;
  let from = Math.max(0, anchor.start - LEAD);
  let to = Math.min(original.length, from + width);
  if (to === original.length) from = Math.max(0, Math.min(from, to - width));
  to = Math.max(to, anchor.end);
  from = snapStart(original, from, anchor.start);
  to = snapEnd(original, to, anchor.end);
  return { html: render(original, from, to, merge(spans)), matched: true, found };
}
