/**
 * Judges whether text pulled from a PDF page is worth keeping, or whether the next method (pdf.js, then OCR)
 * should have a go. PDF text goes wrong in recognisable ways: letters without spaces between words or spaces
 * between every letter, glyphs left as presentation forms (visual order), bidi controls around every fragment,
 * fonts without a Unicode map (mojibake, private-use code points, ASCII gibberish from legacy Persian fonts).
 *
 * Thresholds (chosen on Persian and English PDFs printed by Chromium, Word and LibreOffice, and on the failure
 * cases above; each is far from what normal prose gives):
 * - fewer than MIN_LETTERS letters: the page is treated as having no text layer.
 * - short tokens: in Persian prose about a third of the words have one or two letters (و، در، به، از، که، را);
 *   when more than 60% of at least 12 Arabic-script tokens are that short, words were cut into letters.
 * - presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFC): more than 2% of Arabic-script letters means the text is
 *   in glyph order and probably visually reversed.
 * - bidi controls: pdftotext wraps each directional run in one pair; more than one control per word means the
 *   text came out in fragments.
 * - letters outside Arabic script and basic Latin (mostly Latin-1 mojibake of Windows-1256 bytes): over 30%.
 * - U+FFFD or private-use code points: over 5% of the non-space characters.
 * - Latin text on a page with almost no Arabic script whose words are mostly unpronounceable (under 20% vowels
 *   among ASCII letters) or full of brackets and bars: a legacy Persian font mapped onto ASCII.
 */

export const MIN_LETTERS = 10;
const MIN_TOKENS_FOR_SHORT_SHARE = 12;
const MAX_SHORT_TOKEN_SHARE = 0.6;
const MAX_PRESENTATION_FORM_SHARE = 0.02;
const MAX_BIDI_CONTROLS_PER_TOKEN = 1;
const MAX_FOREIGN_LETTER_SHARE = 0.3;
const MAX_UNMAPPED_SHARE = 0.05;
const MIN_LATIN_LETTERS_FOR_GIBBERISH = 40;
const MIN_VOWEL_SHARE = 0.2;
const MAX_SYMBOL_TOKEN_SHARE = 0.15;

const ARABIC_LETTER = /[\p{Script=Arabic}]/u;
const LETTER = /\p{L}/u;
const PRESENTATION_FORM = /[\uFB50-\uFDFF\uFE70-\uFEFC]/u;
export const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const UNMAPPED = /[\uFFFD\uE000-\uF8FF]/u;
const ASCII_LETTER = /[A-Za-z]/;
const VOWEL = /[aeiouyAEIOUY]/;
const TOKEN = /[\p{L}\p{M}\p{N}\u200C\u200D]+/gu;
const LEGACY_FONT_SYMBOL_IN_WORD = /[A-Za-z][\][{}|\\~^`@#]|[\][{}|\\~^`@#][A-Za-z]/;

export type TextQuality = {
  letters: number;
  arabicShare: number;
  shortTokenShare: number;
  presentationFormShare: number;
  bidiControlsPerToken: number;
  /** Empty list: good text. Otherwise what is wrong, for warnings and for choosing between methods. */
  problems: string[];
};

export function assessText(text: string): TextQuality {
  let letters = 0;
  let arabic = 0;
  let asciiLetters = 0;
  let vowels = 0;
  let foreign = 0;
  let presentation = 0;
  let unmapped = 0;
  let visible = 0;
  let bidi = 0;

  for (const char of text) {
    if (/\s/u.test(char)) continue;
    visible++;
    if (UNMAPPED.test(char)) unmapped++;
    if (/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(char)) bidi++;
    if (!LETTER.test(char)) continue;
    letters++;
    if (ARABIC_LETTER.test(char)) {
      arabic++;
      if (PRESENTATION_FORM.test(char)) presentation++;
    } else if (ASCII_LETTER.test(char)) {
      asciiLetters++;
      if (VOWEL.test(char)) vowels++;
    } else {
      foreign++;
    }
  }

  const tokens = text.match(TOKEN) ?? [];
  const arabicTokens = tokens.filter((token) => ARABIC_LETTER.test(token));
  const shortArabic = arabicTokens.filter((token) => countLetters(token) <= 2).length;
  const rawTokens = text.split(/\s+/u).filter(Boolean);

  const quality: TextQuality = {
    letters,
    arabicShare: letters ? arabic / letters : 0,
    shortTokenShare: arabicTokens.length ? shortArabic / arabicTokens.length : 0,
    presentationFormShare: arabic ? presentation / arabic : 0,
    bidiControlsPerToken: tokens.length ? bidi / tokens.length : bidi,
    problems: [],
  };

  const problems = quality.problems;
  if (letters < MIN_LETTERS) {
    problems.push('no text');
    return quality;
  }
  if (arabicTokens.length >= MIN_TOKENS_FOR_SHORT_SHARE && quality.shortTokenShare > MAX_SHORT_TOKEN_SHARE) {
    problems.push('words broken into letters');
  }
  if (quality.presentationFormShare > MAX_PRESENTATION_FORM_SHARE) problems.push('presentation forms left');
  if (quality.bidiControlsPerToken > MAX_BIDI_CONTROLS_PER_TOKEN) problems.push('fragmented by bidi controls');
  if (foreign / letters > MAX_FOREIGN_LETTER_SHARE) problems.push('mojibake');
  if (visible && unmapped / visible > MAX_UNMAPPED_SHARE) problems.push('unmapped glyphs');
  if (quality.arabicShare < 0.1 && asciiLetters >= MIN_LATIN_LETTERS_FOR_GIBBERISH) {
    const symbolTokens = rawTokens.filter((token) => LEGACY_FONT_SYMBOL_IN_WORD.test(token)).length;
    if (vowels / asciiLetters < MIN_VOWEL_SHARE || symbolTokens / rawTokens.length > MAX_SYMBOL_TOKEN_SHARE) {
      problems.push('legacy font encoding');
    }
  }
  return quality;
}

/** Higher is better; ranks candidates when none is clean. */
export function qualityScore(quality: TextQuality): number {
  if (quality.problems.includes('no text')) return 0;
  return quality.letters / (1 + quality.problems.length * 4);
}

function countLetters(token: string): number {
  let count = 0;
  for (const char of token) if (LETTER.test(char)) count++;
  return count;
}

/**
 * pdftotext wraps directional runs in embedding controls; they are layout residue, not content. Where a run
 * boundary falls between two letters or digits it usually stood for a lost space («صفحه ۱گزارش»); punctuation
 * keeps to its word.
 */
export function removeBidiControls(text: string): string {
  return text
    .replace(/([\p{L}\p{N}\p{M}])[\u200E\u200F\u202A-\u202E\u2066-\u2069]+(?=[\p{L}\p{N}])/gu, '$1 ')
    .replace(BIDI_CONTROLS, '')
    .replace(/[ \t]{2,}/g, ' ');
}

const LRE = '\u202A';
const RLE = '\u202B';
const POP = '\u202C';
const STRONG = /[\p{L}\p{N}]/u;

/**
 * pdftotext writes a right-to-left line as RLE … PDF in logical order, but each left-to-right run inside it (LRE …
 * PDF) in visual order, and it counts punctuation and spaces next to a Persian word as such a run: «توس، برآورد»
 * comes out as «توس LRE ‹space›، PDF برآورد», a space before the comma and none after. Inside a right-to-left
 * line each such run is put back in logical order: the neutral characters at its edges are reversed and swap
 * sides, its letters and digits (English words, numbers) keep their order. The controls stay, for
 * removeBidiControls.
 */
export function logicalPdftotextRuns(text: string): string {
  if (!text.includes(LRE)) return text;
  let out = '';
  const embeddings: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === LRE && embeddings.at(-1) === RLE) {
      const end = matchingPop(text, i);
      out += LRE + logicalRun(text.slice(i + 1, end).replace(BIDI_CONTROLS, '')) + (end < text.length ? POP : '');
      i = end;
      continue;
    }
    if (char === LRE || char === RLE || char === '\u202D' || char === '\u202E') embeddings.push(char);
    else if (char === POP) embeddings.pop();
    else if (char === '\n') embeddings.length = 0;
    out += char;
  }
  return out;
}

/** Where the embedding opened at `start` ends: its matching PDF, the line's end, or the text's. */
function matchingPop(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') return i;
    if (char === LRE || char === RLE || char === '\u202D' || char === '\u202E') depth++;
    else if (char === POP && --depth === 0) return i;
  }
  return text.length;
}

function logicalRun(visual: string): string {
  const chars = [...visual];
  let first = chars.findIndex((c) => STRONG.test(c));
  if (first < 0) return chars.reverse().join('');
  let last = chars.length - 1;
  while (!STRONG.test(chars[last]!)) last--;
  return [...chars.slice(last + 1).reverse(), ...chars.slice(first, last + 1), ...chars.slice(0, first).reverse()].join('');
}

/** pdf.js keeps Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFC) as they are; they are glyph shapes, not letters. */
export function foldPresentationForms(text: string): string {
  return text.replace(/[\uFB50-\uFDFF\uFE70-\uFEFC]/gu, (char) => char.normalize('NFKC'));
}
