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
  const joiner = zwnj === 'keep' ? ZWNJ : zwnj === 'space' ? ' ' : '';
  let text = '';
  const map: number[] = [];
  for (let i = 0; i < original.length; ) {
    const unit = original.charCodeAt(i);
    let out: string;
    let width = 1;
    if (unit === 0x200c) out = joiner;
    else if (unit < 0xd800 || unit > 0xdbff) out = bmpCache[unit] ?? normalizedCodePoint(unit);
    else {
      const cp = original.codePointAt(i)!;
      width = cp > 0xffff ? 2 : 1;
      out = normalizedCodePoint(cp);
    }
    if (out.length === 1) {
      text += out;
      map.push(i);
    } else if (out.length > 1) {
      text += out;
      for (let k = 0; k < out.length; k++) map.push(i);
    }
    i += width;
  }
  map.push(original.length);
  return { text, map };
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
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** Rule 7: the query's tokens, maximal runs of letters and digits of its normalized text. */
export function queryTokens(q: string): string[] {
  return normalizeQueryText(q).match(WORD) ?? [];
}

const OTHER = 1;
const LETTER = 2;
const JOINER = 3;
/** Per BMP code unit: 0 not yet known, else OTHER, LETTER (\p{L} or \p{N}) or JOINER (ZWNJ). */
const classes = new Uint8Array(0x10000);
classes[0x200c] = JOINER;

function classAt(text: string, i: number): { kind: number; width: number } {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdfff) {
    let kind = classes[unit]!;
    if (kind === 0) classes[unit] = kind = WORD_CHAR.test(text[i]!) ? LETTER : OTHER;
    return { kind, width: 1 };
  }
  const cp = text.codePointAt(i)!;
  if (cp <= 0xffff) return { kind: OTHER, width: 1 };
  return { kind: WORD_CHAR.test(String.fromCodePoint(cp)) ? LETTER : OTHER, width: 2 };
}

/** Maximal runs of letters and digits, with ZWNJs inside a run when `bridge` (each word without them). */
function scanWords(text: string, bridge: boolean): Word[] {
  const words: Word[] = [];
  let start = -1;
  let lastLetterEnd = -1;
  let hasJoiner = false;
  const close = (): void => {
    if (start < 0) return;
    const raw = text.slice(start, lastLetterEnd);
    words.push({ word: hasJoiner ? raw.replaceAll(ZWNJ, '') : raw, start, end: lastLetterEnd });
    start = -1;
    hasJoiner = false;
  };
  for (let i = 0; i < text.length; ) {
    const { kind, width } = classAt(text, i);
    if (kind === LETTER) {
      if (start < 0) start = i;
      lastLetterEnd = i + width;
    } else if (kind === JOINER && bridge && start >= 0) {
      hasJoiner = true;
    } else {
      close();
    }
    i += width;
  }
  close();
  return words;
}

/** The words (maximal runs of letters and digits) of an already normalized text, with their [start, end) positions in it. */
export function wordsOf(normalizedText: string): Word[] {
  return scanWords(normalizedText, false);
}

/**
 * The words of the joined form (rule 5) read off a `normalize()` text, so one normalization
 * serves both forms: runs of letters and digits that ZWNJs hold together, each word without its
 * ZWNJs, positions in the normalized text. `wordsOf` on the same text gives the split form's words.
 */
export function joinedWordsOf(normalizedText: string): Word[] {
  return scanWords(normalizedText, true);
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
