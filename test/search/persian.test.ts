import { expect } from 'chai';
import {
  joinedForm,
  joinedWordsOf,
  normalize,
  normalizeQueryText,
  originalSpan,
  queryTokens,
  splitForm,
  wordsOf,
  type Normalized,
} from '../../search/persian';

const hex = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** Every map entry points at the start of an original code point, never backwards, ending at original.length. */
function expectWellFormedMap(original: string, normalized: Normalized): void {
  const { text, map } = normalized;
  expect(map).to.have.length(text.length + 1);
  expect(map[map.length - 1]).to.equal(original.length);
  for (let i = 0; i < text.length; i++) {
    expect(map[i]).to.be.within(0, original.length - 1);
    if (i > 0) expect(map[i]).to.be.at.least(map[i - 1]!);
    const at = original.charCodeAt(map[i]!);
    expect(at >= 0xdc00 && at <= 0xdfff, `map[${i}] points inside a surrogate pair`).to.equal(false);
  }
}

/** The original text a normalized [start, end) came from. */
function originalOf(original: string, normalized: Normalized, start: number, end: number): string {
  const span = originalSpan(normalized, start, end);
  return original.slice(span.start, span.end);
}

describe('persian normalization', function () {
  describe('rule 1: NFKC one code point at a time', function () {
    const cases: [string, string, string][] = [
      ['ﻛﺘﺎﺏ', 'کتاب', 'kaf, teh, alef, beh presentation forms (and the kaf folded after NFKC)'],
      ['ﻻ', 'لا', 'the lam-alef ligature'],
      ['ﻵ', 'لا', 'the lam-alef-madda ligature, the madda folded'],
      ['ﻻﺑﺮﺍﺗﻮﺍﺭ', 'لابراتوار', 'a word in presentation forms'],
      ['ﯼ', 'ی', 'the Farsi yeh presentation form'],
      ['ﻳ', 'ی', 'the Arabic yeh presentation form, folded after NFKC'],
      ['ﷲ', 'الله', 'the Allah ligature'],
      ['ﬁ', 'fi', 'a Latin ligature'],
      ['Ⅻ', 'xii', 'a compatibility numeral, lowercased after NFKC'],
      ['a\u00a0b', 'a b', 'a no-break space'],
      ['ﹰ', '', 'an isolated diacritic form (space + fathatan), space deleted with it'],
      ['xﹲy', 'xy', 'an isolated diacritic form inside a word does not split it'],
    ];
    for (const [input, output, what] of cases) {
      it(`${what}: ${JSON.stringify(input)} → ${JSON.stringify(output)}`, function () {
        const normalized = normalize(input);
        expect(normalized.text).to.equal(output);
        expectWellFormedMap(input, normalized);
      });
    }

    it('maps every character of an expansion to the one original code point', function () {
      expect(normalize('ﻻ').map).to.deep.equal([0, 0, 1]);
      expect(normalize('xﷲy').map).to.deep.equal([0, 1, 1, 1, 1, 2, 3]);
    });
  });

  describe('rule 2: deletions', function () {
    const deleted: [string, number[]][] = [
      ['diacritics U+064B–U+065F', range(0x064b, 0x065f)],
      ['superscript alef U+0670', [0x0670]],
      ['Quranic marks U+06D6–U+06ED', range(0x06d6, 0x06ed)],
      ['tatweel U+0640', [0x0640]],
      ['zero width space U+200B', [0x200b]],
      ['ZWJ, LRM, RLM U+200D–U+200F', range(0x200d, 0x200f)],
      ['bidi embeddings and overrides U+202A–U+202E', range(0x202a, 0x202e)],
      ['bidi isolates U+2066–U+2069', range(0x2066, 0x2069)],
      ['byte order mark U+FEFF', [0xfeff]],
      ['soft hyphen U+00AD', [0x00ad]],
    ];
    for (const [what, codePoints] of deleted) {
      it(`deletes ${what}`, function () {
        for (const cp of codePoints) {
          const input = `کت${String.fromCodePoint(cp)}اب`;
          const normalized = normalize(input);
          expect(normalized.text, hex(cp)).to.equal('کتاب');
          expect(normalized.map, hex(cp)).to.deep.equal([0, 1, 3, 4, 5]);
        }
      });
    }

    it('keeps the letters just outside the deleted ranges', function () {
      expect(normalize('\u064a\u0660\u066e\u06ee\u06ef').text).to.equal('ی0\u066e\u06ee\u06ef');
    });

    it('keeps ZWNJ (U+200C) in the plain normalized form', function () {
      expect(normalize('کلان\u200cشهر').text).to.equal('کلان\u200cشهر');
    });
  });

  describe('rule 3: letter folding', function () {
    const folds: [string, string][] = [
      ['ي', 'ی'], ['ى', 'ی'], ['ے', 'ی'], ['ۍ', 'ی'], ['ې', 'ی'], ['ئ', 'ی'],
      ['ك', 'ک'], ['ڪ', 'ک'],
      ['ة', 'ه'], ['ۀ', 'ه'], ['ە', 'ه'], ['ہ', 'ه'], ['ھ', 'ه'], ['ۃ', 'ه'],
      ['آ', 'ا'], ['أ', 'ا'], ['إ', 'ا'], ['ٱ', 'ا'],
      ['ؤ', 'و'],
    ];
    for (const [from, to] of folds) {
      it(`folds ${from} (${hex(from.codePointAt(0)!)}) → ${to}`, function () {
        expect(normalize(`ب${from}ب`).text).to.equal(`ب${to}ب`);
        expect(normalize(`ب${from}ب`).map).to.deep.equal([0, 1, 2, 3]);
      });
    }

    it('folds a decomposed alef + madda (U+0653 is a deleted diacritic)', function () {
      expect(normalize('\u0627\u0653ب').text).to.equal('اب');
    });

    it('leaves the target letters and other Persian letters alone', function () {
      expect(normalize('یکهاوپچژگ').text).to.equal('یکهاوپچژگ');
    });
  });

  describe('rule 4: digits and Latin case', function () {
    it('folds Persian digits ۰–۹', function () {
      expect(normalize('۰۱۲۳۴۵۶۷۸۹').text).to.equal('0123456789');
    });

    it('folds Arabic-Indic digits ٠–٩', function () {
      expect(normalize('٠١٢٣٤٥٦٧٨٩').text).to.equal('0123456789');
    });

    it('keeps ASCII digits', function () {
      expect(normalize('0123456789').text).to.equal('0123456789');
    });

    it('lowercases Latin', function () {
      expect(normalize('Report ON Tehran').text).to.equal('report on tehran');
      expect(normalize('ÀÉÎ').text).to.equal('àéî');
    });
  });

  describe('rule 5: joined and split forms', function () {
    const original = 'کلان\u200cشهر می\u200cشود';

    it('joined deletes every ZWNJ', function () {
      const joined = joinedForm(original);
      expect(joined.text).to.equal('کلانشهر میشود');
      expect(joined.map).to.deep.equal([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]);
    });

    it('split turns every ZWNJ into a space', function () {
      const split = splitForm(original);
      expect(split.text).to.equal('کلان شهر می شود');
      expect(split.map).to.deep.equal(range(0, 15));
    });

    it('both forms apply rules 1–4', function () {
      expect(joinedForm('كتاب\u200cهاي ۱۳۹۱').text).to.equal('کتابهای 1391');
      expect(splitForm('كتاب\u200cهاي ۱۳۹۱').text).to.equal('کتاب های 1391');
    });
  });

  describe('rule 7: queries', function () {
    it('normalizes and deletes ZWNJ', function () {
      expect(normalizeQueryText('كلان\u200cشهر ۱۳۹۱ REPORT')).to.equal('کلانشهر 1391 report');
    });

    it('tokens are runs of letters and digits', function () {
      expect(queryTokens('«کلان‌شهر»، REPORT: 1391-07 (کتاب)!')).to.deep.equal(['کلانشهر', 'report', '1391', '07', 'کتاب']);
    });

    it('strips engine syntax and quotes, leaving only the words', function () {
      expect(queryTokens('"کتاب" OR title:x* NEAR(a b) -c ^d')).to.deep.equal(['کتاب', 'or', 'title', 'x', 'near', 'a', 'b', 'c', 'd']);
    });

    it('a diacritic or tatweel does not split a query token', function () {
      expect(queryTokens('کِتابِ کتـــاب')).to.deep.equal(['کتاب', 'کتاب']);
    });

    it('has no tokens for punctuation or emoji only', function () {
      expect(queryTokens(' ؟! «» 😀 ')).to.deep.equal([]);
      expect(queryTokens('')).to.deep.equal([]);
    });
  });

  describe('wordsOf', function () {
    it('finds words with their positions', function () {
      expect(wordsOf('کتاب، مفید 1391')).to.deep.equal([
        { word: 'کتاب', start: 0, end: 4 },
        { word: 'مفید', start: 6, end: 10 },
        { word: '1391', start: 11, end: 15 },
      ]);
    });

    it('ZWNJ separates words in the plain normalized form', function () {
      expect(wordsOf(normalize('می\u200cشود').text).map((w) => w.word)).to.deep.equal(['می', 'شود']);
    });

    it('an emoji separates words', function () {
      expect(wordsOf('a😀b')).to.deep.equal([
        { word: 'a', start: 0, end: 1 },
        { word: 'b', start: 3, end: 4 },
      ]);
    });
  });

  describe('joinedWordsOf', function () {
    const samples = ['کلان\u200cشهر و کتاب\u200cهای ما', '\u200cآغاز\u200c پایان\u200c\u200cها', 'a\u200c.b', 'می\u200cشود 1391', ''];
    for (const sample of samples) {
      it(`gives the words of the joined form, positioned in the normalized text: ${JSON.stringify(sample)}`, function () {
        const normalized = normalize(sample);
        const words = joinedWordsOf(normalized.text);
        expect(words.map((w) => w.word)).to.deep.equal(wordsOf(joinedForm(sample).text).map((w) => w.word));
        for (const w of words) expect(normalized.text.slice(w.start, w.end).replaceAll('\u200c', '')).to.equal(w.word);
        expect(wordsOf(normalized.text).map((w) => w.word)).to.deep.equal(wordsOf(splitForm(sample).text).map((w) => w.word));
      });
    }

    it('spans a compound with its ZWNJ', function () {
      expect(joinedWordsOf('کلان\u200cشهر')).to.deep.equal([{ word: 'کلانشهر', start: 0, end: 8 }]);
    });
  });

  describe('offset maps', function () {
    const samples = [
      'کِتابِ مُفید',
      'ﻛﺘﺎﺏ ﻻﺑﺮﺍﺗﻮﺍﺭ',
      'کتـــاب قدیمی',
      'a😀b 𝒜 ﻻ\u200cﷲ',
      '\u202bيكي از كتاب\u200cهاي\u202c ۱۳۹۱',
      '😀😀 کتاب 😀',
      '\ufeff\u200f',
      '',
    ];
    for (const sample of samples) {
      it(`is well formed in all three forms for ${JSON.stringify(sample)}`, function () {
        expectWellFormedMap(sample, normalize(sample));
        expectWellFormedMap(sample, joinedForm(sample));
        expectWellFormedMap(sample, splitForm(sample));
      });
    }

    it('maps the two halves of a surrogate pair to its first unit', function () {
      const normalized = normalize('a😀b');
      expect(normalized.text).to.equal('a😀b');
      expect(normalized.map).to.deep.equal([0, 1, 1, 3, 4]);
      expect(originalOf('a😀b', normalized, 1, 3)).to.equal('😀');
    });

    it('maps a word after emoji back to its original place', function () {
      const original = '😀😀 کِتاب 😀';
      const normalized = joinedForm(original);
      const word = wordsOf(normalized.text)[0]!;
      expect(word.word).to.equal('کتاب');
      expect(originalOf(original, normalized, word.start, word.end)).to.equal('کِتاب');
    });

    it('an empty text maps to [0]', function () {
      expect(normalize('')).to.deep.equal({ text: '', map: [0] });
    });

    it('a word ending inside an expansion takes the whole original code point', function () {
      const normalized = normalize('ﻻﺑ');
      expect(normalized.text).to.equal('لاب');
      expect(originalOf('ﻻﺑ', normalized, 0, 1)).to.equal('ﻻ');
    });

    it('a span includes the bidi controls and marks deleted right after it', function () {
      const original = '\u202bکتاب\u202c و';
      const normalized = normalize(original);
      expect(originalOf(original, normalized, 0, 4)).to.equal('کتاب\u202c');
    });
  });

  describe('the 17 cases of persian.md, at the normalization level', function () {
    /** Document words in the index: both forms of rule 5. */
    function indexedWords(document: string): Set<string> {
      return new Set([...wordsOf(joinedForm(document).text), ...wordsOf(splitForm(document).text)].map((w) => w.word));
    }
    /** True when every token is an indexed word, a concatenation of adjacent tokens is one, or the last token prefixes one. */
    function findable(document: string, query: string): boolean {
      const words = [...indexedWords(document)];
      const tokens = queryTokens(query);
      const joined = tokens.join('');
      const isLast = (i: number): boolean => i === tokens.length - 1;
      const direct = tokens.every((t, i) => words.some((w) => w === t || (isLast(i) && w.startsWith(t))));
      return direct || words.includes(joined) || (tokens.length === 1 && splitInIndex(tokens[0]!, words));
    }
    function splitInIndex(token: string, words: string[]): boolean {
      for (let k = 1; k < token.length; k++) {
        if (words.includes(token.slice(0, k)) && words.includes(token.slice(k))) return true;
      }
      return false;
    }

    const cases: [number, string, string[]][] = [
      [1, 'کلان\u200cشهر', ['کلانشهر']],
      [2, 'کلانشهر', ['کلان\u200cشهر']],
      [3, 'کلان شهر', ['کلانشهر']],
      [4, 'کلانشهر', ['کلان شهر']],
      [5, 'يكي از كتاب\u200cهاي', ['یکی', 'كتابهاي']],
      [6, 'یکی', ['يكي']],
      [7, 'سال ۱۳۹۱', ['1391']],
      [8, 'سال 1391', ['١٣٩١']],
      [9, 'سال ١٣٩١', ['۱۳۹۱']],
      [10, 'کِتابِ مُفید', ['کتاب']],
      [11, 'کتـــاب قدیمی', ['کتاب']],
      [12, 'ﻛﺘﺎﺏ', ['کتاب']],
      [13, 'ﻻﺑﺮﺍﺗﻮﺍﺭ', ['لابراتوار']],
      [14, 'این کار می\u200cشود', ['میشود', 'می شود', 'شود']],
      [15, 'Report on کتابخانه', ['REPORT کتابخانه', 'report کتاب']],
      [16, 'خانۀ ما', ['خانه']],
      [17, 'پائین', ['پایین']],
    ];
    for (const [number, document, queries] of cases) {
      for (const query of queries) {
        it(`case ${number}: «${document}» ⇐ «${query}»`, function () {
          expect(findable(document, query)).to.equal(true);
        });
      }
    }

    it('case 15: «کتاب report» does not find «Report on کتابخانه» (only the last word is a prefix)', function () {
      expect(findable('Report on کتابخانه', 'کتاب report')).to.equal(false);
    });

    it('case 10: the word کتاب covers «کِتابِ» in the original', function () {
      const original = 'کِتابِ مُفید';
      const normalized = joinedForm(original);
      const word = wordsOf(normalized.text).find((w) => w.word === 'کتاب')!;
      expect(originalOf(original, normalized, word.start, word.end)).to.equal('کِتابِ');
    });

    it('case 11: the word کتاب covers «کتـــاب» in the original', function () {
      const original = 'کتـــاب قدیمی';
      const normalized = joinedForm(original);
      expect(originalOf(original, normalized, 0, 4)).to.equal('کتـــاب');
    });

    it('cases 12 and 13: presentation forms map back to the original glyphs', function () {
      for (const original of ['ﻛﺘﺎﺏ', 'ﻻﺑﺮﺍﺗﻮﺍﺭ']) {
        const normalized = joinedForm(original);
        expect(originalOf(original, normalized, 0, normalized.text.length)).to.equal(original);
      }
    });

    it('case 14: شود in the split form maps to شود after the ZWNJ', function () {
      const original = 'این کار می\u200cشود';
      const split = splitForm(original);
      const word = wordsOf(split.text).find((w) => w.word === 'شود')!;
      expect(originalOf(original, split, word.start, word.end)).to.equal('شود');
      const joined = joinedForm(original);
      const whole = wordsOf(joined.text).find((w) => w.word === 'میشود')!;
      expect(originalOf(original, joined, whole.start, whole.end)).to.equal('می\u200cشود');
    });
  });
});
