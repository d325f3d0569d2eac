/**
 * Persian text normalization, the one module every search engine uses at index time and at
 * query time (rules 1–7 of shared/persian.md). Every function keeps a map back to the original
 * text, so snippets are cut and highlighted in what the author wrote, diacritics included.
 */

/** Normalized text plus, for every normalized UTF-16 index i, map[i] = the index in the original where that character came from; map has length text.length + 1, the last entry = original.length. */
export interface Normalized {
  text: string;
  map: number[];
}

export interface Word {
  word: string;
  start: number;
  end: number;
}

export const ZWNJ = '\u200c';

const FOLDS: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ے': 'ی', 'ۍ': 'ی', 'ې': 'ی', 'ئ': 'ی',
  'ك': 'ک', 'ڪ': 'ک',
  'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه', 'ہ': 'ه', 'ھ': 'ه', 'ۃ': 'ه',
  'آ': 'ا', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا',
  'ؤ': 'و',
};

function isDeleted(cp: number): boolean {
  return (
    (cp >= 0x064b && cp <= 0x065f) ||
    cp === 0x0670 ||
    (cp >= 0x06d6 && cp <= 0x06ed) ||
    cp === 0x0640 ||
    cp === 0x200b ||
    (cp >= 0x200d && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff ||
    cp === 0x00ad
  );
}

/** Rules 2–4 for one code point that NFKC has already produced. */
function foldCodePoint(cp: number): string {
  if (isDeleted(cp)) return '';
  if (cp >= 0x06f0 && cp <= 0x06f9) return String.fromCharCode(0x30 + cp - 0x06f0);
  if (cp >= 0x0660 && cp <= 0x0669) return String.fromCharCode(0x30 + cp - 0x0660);
  const char = String.fromCodePoint(cp);
  return FOLDS[char] ?? char.toLowerCase();
}

/**
 * Rules 1–4 for one original code point. NFKC turns an isolated diacritic presentation form
 * (U+FE70 …, U+FC5E …) into a space plus the diacritic; the diacritic is deleted, and so is that
 * space, or a mark inside a word would split it.
 */
function normalizeCodePoint(cp: number): string {
  const compat = String.fromCodePoint(cp).normalize('NFKC');
  let out = '';
  for (const char of compat) out += foldCodePoint(char.codePointAt(0)!);
  if (compat.length > 1 && compat.startsWith(' ') && out === ' ') return '';
  return out;
}

const bmpCache: (string | undefined)[] = new Array(0x10000);
const astralCache = new Map<number, string>();

function normalizedCodePoint(cp: number): string {
  if (cp < 0x10000) {
    let cached = bmpCache[cp];
    if (cached === undefined) bmpCache[cp] = cached = normalizeCodePoint(cp);
    return cached;
  }
  let cached = astralCache.get(cp);
  if (cached === undefined) astralCache.set(cp, (cached = normalizeCodePoint(cp)));
  return cached;
}

type ZwnjMode = 'keep' | 'delete' | 'space';

function transform(original: string, zwnj: ZwnjMode): Normalized {
  const parts: string[] = [];
  const map: number[] = [];
  let i = 0;
  while (i < original.length) {
    const cp = original.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    let out: string;
    if (cp === 0x200c) out = zwnj === 'keep' ? ZWNJ : zwnj === 'space' ? ' ' : '';
    else out = normalizedCodePoint(cp);
    if (out.length > 0) {
      parts.push(out);
      for (let k = 0; k < out.length; k++) map.push(i);
    }
    i += width;
  }
  map.push(original.length);
  return { text: parts.join(''), map };
}

/** Rules 1–4 of persian.md; ZWNJ (U+200C) kept as is. */
export function normalize(original: string): Normalized {
  return transform(original, 'keep');
}

/** Rules 1–4, and every ZWNJ deleted: `کلان‌شهر` → `کلانشهر` (rule 5, joined form). */
export function joinedForm(original: string): Normalized {
  return transform(original, 'delete');
}

/** Rules 1–4, and every ZWNJ made a space: `کلان‌شهر` → `کلان شهر` (rule 5, split form). */
export function splitForm(original: string): Normalized {
  return transform(original, 'space');
}

/** Rule 7: the query normalized as a document is, every ZWNJ deleted. */
export function normalizeQueryText(q: string): string {
  return joinedForm(q).text;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Rule 7: the query's tokens, maximal runs of letters and digits of its normalized text. */
export function queryTokens(q: string): string[] {
  return normalizeQueryText(q).match(WORD) ?? [];
}

/** The words (maximal runs of letters and digits) of an already normalized text, with their [start, end) positions in it. */
export function wordsOf(normalizedText: string): Word[] {
  const words: Word[] = [];
  for (const match of normalizedText.matchAll(WORD)) {
    words.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  }
  return words;
}

/**
 * The original [start, end) of the normalized range [start, end): from where its first character
 * came to where the next original character after its last one begins, so characters deleted
 * after a word (a trailing kasra, a tatweel) are part of it, and a code point that normalization
 * expanded (`ﻻ` → `لا`) is never cut in two.
 */
export function originalSpan(normalized: Normalized, start: number, end: number): { start: number; end: number } {
  const { map } = normalized;
  const from = map[start]!;
  if (end <= start) return { start: from, end: from };
  const last = map[end - 1]!;
  let k = end;
  while (k < map.length - 1 && map[k]! <= last) k++;
  return { start: from, end: map[k]! };
}
