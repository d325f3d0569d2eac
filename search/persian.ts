/**
 * Persian text normalization, the one module every search engine uses at index time and at
 * query time (rules 1–7 of shared/persian.md). Every function keeps a map back to the original
 * text, so snippets are cut and highlighted in what the author wrote, diacritics included.
 */

import persianStopWords from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import { BROKEN_PLURALS, KEPT_WORDS, UNSTEMMED } from './persian-lexicon';

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

// ---- light stemming and stop words (used at index time and at query time by every engine) ----

const LETTERS = (word: string): number => [...word].length;
const ENGLISH = /^[a-z]+$/;
const PERSIAN = /^[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]+$/;

let unstemmed: Set<string> | null = null;
let brokenPlurals: Map<string, string> | null = null;
let singularsOfBroken: Map<string, string[]> | null = null;

/** The lexicon, normalized once as queries and documents are. */
function lexicon(): { unstemmed: Set<string>; brokenPlurals: Map<string, string>; singularsOfBroken: Map<string, string[]> } {
  if (!unstemmed || !brokenPlurals || !singularsOfBroken) {
    unstemmed = new Set([...UNSTEMMED].map(normalizeQueryText));
    brokenPlurals = new Map([...BROKEN_PLURALS].map(([plural, singular]) => [normalizeQueryText(plural), normalizeQueryText(singular)]));
    singularsOfBroken = new Map();
    for (const [plural, singular] of brokenPlurals) singularsOfBroken.set(singular, [...(singularsOfBroken.get(singular) ?? []), plural]);
  }
  return { unstemmed, brokenPlurals, singularsOfBroken };
}

/**
 * The suffix rules, tried in this order; the first that applies wins (one suffix is removed).
 * Each gives the stem of `word`, or null; `rest` is the word without the suffix. A rule applies
 * only when enough letters remain, which keeps short words (`تنها`، `دفتر`) whole.
 */
const PERSIAN_RULES: { suffix: string; stem: (rest: string) => string | null }[] = [
  { suffix: 'هایی', stem: (rest) => (LETTERS(rest) >= 2 ? rest : null) },
  { suffix: 'های', stem: (rest) => (LETTERS(rest) >= 2 ? rest : null) },
  { suffix: 'ها', stem: (rest) => (LETTERS(rest) >= 2 ? rest : null) },
  { suffix: 'ترین', stem: (rest) => (LETTERS(rest) >= 2 ? rest : null) },
  { suffix: 'تر', stem: (rest) => (LETTERS(rest) >= 3 ? rest : null) },
  // `آسیب‌دیدگان` → `آسیب‌دیده`, `نمایندگان` → `نماینده`: the plural of a participle or agent noun ending in a silent ه.
  { suffix: 'گان', stem: (rest) => (LETTERS(rest) >= 3 && rest.endsWith('د') ? `${rest}ه` : null) },
  // `دانشجویان` → `دانشجو`.
  { suffix: 'یان', stem: (rest) => (LETTERS(rest) >= 2 && /[او]$/.test(rest) ? rest : null) },
  // A word ending in a silent ه takes «گان» or «ها», never «ان».
  { suffix: 'ان', stem: (rest) => (LETTERS(rest) >= 4 && !rest.endsWith('ه') ? rest : null) },
  { suffix: 'ات', stem: (rest) => (LETTERS(rest) >= 3 ? rest : null) },
  // The indefinite or ezafe ی after a vowel, where it cannot be part of the word: `خانه‌ای`، `خانه‌ی`، `راهنمای`، `راهنمایی`.
  { suffix: 'ای', stem: (rest) => (LETTERS(rest) >= 2 && rest.endsWith('ه') ? rest : null) },
  { suffix: 'یی', stem: (rest) => (LETTERS(rest) >= 2 && /[او]$/.test(rest) ? rest : null) },
  { suffix: 'ی', stem: (rest) => (LETTERS(rest) >= 2 && /[هاو]$/.test(rest) ? rest : null) },
];

function englishStem(word: string): string {
  if (word.length < 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(s|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/[siu]s$/.test(word)) return word.slice(0, -1);
  return word;
}

function persianStem(word: string): string {
  const { unstemmed, brokenPlurals } = lexicon();
  if (unstemmed.has(word)) return word;
  const singular = brokenPlurals.get(word);
  if (singular) return singular;
  for (const rule of PERSIAN_RULES) {
    if (!word.endsWith(rule.suffix) || word.length === rule.suffix.length) continue;
    const stemmed = rule.stem(word.slice(0, -rule.suffix.length));
    if (stemmed !== null) return stemmed;
  }
  return word;
}

const stems = new Map<string, string>();

/**
 * Light stemming of one normalized word (a query token, or a word of a document's joined or split
 * form): Persian plural and possessive-free suffixes («ها»، «های»، «هایی»، «ان»، «ات»، «گان»، «یان»),
 * comparatives («تر»، «ترین»), the indefinite and ezafe «ی» after a vowel, broken plurals from a
 * small lexicon (`مدارس` → `مدرسه`), and English plurals. Words of mixed scripts or with digits stay as they are.
 */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed !== undefined) return stemmed;
  stemmed = ENGLISH.test(word) ? englishStem(word) : PERSIAN.test(word) ? persianStem(word) : word;
  if (stems.size > 200_000) stems.clear();
  stems.set(word, stemmed);
  return stemmed;
}

const PERSIAN_SUFFIXES = ['ها', 'های', 'هایی', 'ترین', 'تر', 'ان', 'ات', 'یان', 'یی', 'ای', 'ی'];

/**
 * Every word `stem` takes back to `stemmed` (not `stemmed` itself): the inverse of the rules, for
 * an engine that cannot expand a query (Meilisearch) and so indexes the forms instead.
 */
export function inflections(stemmed: string): string[] {
  const candidates: string[] = [];
  if (ENGLISH.test(stemmed)) {
    candidates.push(`${stemmed}s`, `${stemmed}es`);
    if (stemmed.endsWith('y')) candidates.push(`${stemmed.slice(0, -1)}ies`);
  } else if (PERSIAN.test(stemmed)) {
    for (const suffix of PERSIAN_SUFFIXES) candidates.push(stemmed + suffix);
    if (stemmed.endsWith('ده')) candidates.push(`${stemmed.slice(0, -1)}گان`);
    candidates.push(...(lexicon().singularsOfBroken.get(stemmed) ?? []));
  }
  return candidates.filter((candidate) => candidate !== stemmed && stem(candidate) === stemmed);
}

/** Function words of English queries (the kept Persian list has none). */
const ENGLISH_STOP_WORDS = ['a', 'an', 'the', 'of', 'in', 'on', 'at', 'for', 'to', 'and', 'or', 'by', 'with', 'from', 'about', 'is', 'are', 'how'];

let stopWords: Set<string> | null = null;

/**
 * Whether a query token is a stop word: the Persian list of the `stopwords-iso` package (normalized;
 * single words only, no numbers), less the words that carry meaning in these documents (KEPT_WORDS),
 * and a few English function words.
 */
export function isStopWord(token: string): boolean {
  if (!stopWords) {
    stopWords = new Set(ENGLISH_STOP_WORDS);
    const kept = new Set(KEPT_WORDS.map(normalizeQueryText));
    for (const entry of (persianStopWords as { fa: string[] }).fa) {
      const tokens = queryTokens(entry);
      if (tokens.length !== 1 || /\p{N}/u.test(tokens[0]!) || kept.has(tokens[0]!)) continue;
      stopWords.add(tokens[0]!);
    }
  }
  return stopWords.has(token);
}
