import { expect } from 'chai';
import { decodeEntities, htmlToText } from '../../server/extraction/html.extractor';
import { PageCollector, paginate } from '../../server/extraction/page-collector';
import { PageWarnings } from '../../server/extraction/page-warnings';
import { layoutText, type Glyph } from '../../server/extraction/pdfjs-text';
import { assessText, logicalPdftotextRuns, removeBidiControls } from '../../server/extraction/text-quality';
import { encodeWindows1256 } from './extraction-helpers';

const PROSE =
  'مدیریت بحران در کلان‌شهر تهران با آموزش همگانی شهروندان و تمرین منظم برای زلزله آغاز می‌شود و ' +
  'شهرداری‌ها باید برنامه‌های آمادگی را به روز کنند تا در هنگام سیل یا آتش‌سوزی از خسارت بکاهند.';

describe('extraction building blocks', () => {
  describe('assessText', () => {
    it('accepts ordinary Persian and English prose', () => {
      expect(assessText(PROSE).problems).to.deep.equal([]);
      expect(assessText('Crisis management in the metropolis begins with public education and drills.').problems).to.deep.equal([]);
    });

    it('flags words broken into letters', () => {
      const broken = PROSE.replace(/\s+/g, '').split('').join(' ');
      expect(assessText(broken).problems).to.include('words broken into letters');
    });

    it('flags leftover presentation forms (glyph order)', () => {
      expect(assessText('ﻛﺘﺎﺏ ﻣﺪﻳﺮﻳﺖ ﺑﺤﺮﺍﻥ ﺩﺭ ﺗﻬﺮﺍﻥ').problems).to.include('presentation forms left');
    });

    it('flags text chopped by bidi controls', () => {
      const chopped = PROSE.split(' ').map((word) => `\u202B${word}\u202C\u202A\u202C`).join(' ');
      expect(assessText(chopped).problems).to.include('fragmented by bidi controls');
    });

    it('flags Latin-1 mojibake, unmapped glyphs and legacy-font gibberish', () => {
      // Windows-1256 bytes shown as Latin-1: what a PDF font with a wrong encoding gives.
      const mojibake = encodeWindows1256('مدیریت بحران در کلان‌شهر تهران پس از زلزله').toString('latin1');
      expect(assessText(mojibake).problems).to.include('mojibake');
      expect(assessText('\uE001\uE002\uE003 \uE004\uE005 abcdefghijkl').problems).to.include('unmapped glyphs');
      expect(assessText('lkhdk ]v ajv jivhk fh Hl,ca ivlhkd ahivdk, ] jlvdk lk/l fvhd cg,gi').problems).to.include('legacy font encoding');
    });

    it('calls a page with almost no letters empty', () => {
      expect(assessText(' ۱۲ \n').problems).to.deep.equal(['no text']);
    });
  });

  it('removeBidiControls keeps a space where a directional run ended between two words, none before punctuation', () => {
    expect(removeBidiControls('\u202Bگزارش\u202AReport\u202Cکتاب\u202C')).to.equal('گزارش Report کتاب');
    expect(removeBidiControls('\u202Bتوس\u202A، \u202Cبرآورد\u202C')).to.equal('توس، برآورد');
  });

  describe('logicalPdftotextRuns (pdftotext\'s left-to-right runs inside a Persian line)', () => {
    // As pdftotext 22 prints a line Chromium typeset from «خطر گسل توس، برآورد شد و ایمن شوند. «نتایج.» (سال ۱۳۹۱) و».
    const printed =
      '\u202Bخطر گسل توس\u202A \u060C\u202Cبرآورد شد و ایمن شوند\u202A .\u202Cپایان «نتایج\u202A( ».\u202Cسال \u202A )۱۳۹۱\u202Cو\u202C\n';
    const read = (text: string) => removeBidiControls(logicalPdftotextRuns(text));

    it('puts punctuation back after its word, with the space after it', () => {
      expect(read(printed)).to.equal('خطر گسل توس، برآورد شد و ایمن شوند. پایان «نتایج.» (سال ۱۳۹۱) و\n');
    });

    it('keeps an English phrase and a number in their order, their edge punctuation on the right side', () => {
      expect(read('\u202Bصفحه \u202A — ۱\u202Cگزارش\u202C')).to.equal('صفحه ۱ — گزارش');
      expect(read('\u202Bگزارش \u202AReport on Tehran\u202Cکتاب\u202C')).to.equal('گزارش Report on Tehran کتاب');
      // As pdftotext prints Chromium's «این سند (PDF) است … بله: ۲۰٪ از ۱۲۳۴ (نمونه).» and «Report on کتابخانه, page 2.».
      expect(read('\u202Bاین سند (\u202A )PDF\u202Cاست\u202C')).to.equal('این سند (PDF) است');
      expect(read('\u202Bبله\u202A \u066A۲۰ :\u202Cاز \u202A( ۱۲۳۴\u202Cنمونه)\u202A.\u202C\u202C')).to.equal('بله: ۲۰\u066A از ۱۲۳۴ (نمونه).');
      expect(read('\u202B\u202A Report on\u202Cکتابخانه\u202A.page 2 ,\u202C\u202C')).to.equal('Report on کتابخانه, page 2.');
    });

    it('leaves left-to-right lines and text without runs as they are', () => {
      expect(logicalPdftotextRuns('Report on \u202Bکتاب\u202C, page 2.')).to.equal('Report on \u202Bکتاب\u202C, page 2.');
      expect(logicalPdftotextRuns('\u202Aleft to right .\u202C')).to.equal('\u202Aleft to right .\u202C');
      expect(logicalPdftotextRuns('بی‌کنترل، همان.')).to.equal('بی‌کنترل، همان.');
    });
  });

  describe('layoutText (pdf.js fragments)', () => {
    // Glyphs as pdf.js gives them for a right-to-left line: one per fragment, in no particular order.
    const rtlWord = (word: string, right: number, y = 700, size = 12): Glyph[] => {
      const glyphs: Glyph[] = [];
      let x = right;
      for (const char of word) {
        x -= size * 0.5;
        glyphs.push({ str: char, x, y, width: size * 0.5, height: size });
      }
      return glyphs;
    };

    it('rebuilds RTL words and spaces from positions, with an embedded number and Latin word', () => {
      const size = 12;
      const glyphs = [
        ...rtlWord('سال', 500),
        { str: '1391', x: 500 - 18 - 6 - 24, y: 700, width: 24, height: size },
        ...rtlWord('گزارش', 500 - 18 - 6 - 24 - 6),
        { str: 'Report', x: 300, y: 700, width: 36, height: size },
        ...rtlWord('زلزله', 500, 680),
      ].reverse();
      expect(layoutText(glyphs)).to.equal('سال 1391 گزارش Report\nزلزله');
    });

    it('folds presentation forms so the lam-alef ligature reads in logical order', () => {
      const glyphs: Glyph[] = [
        { str: 'ک', x: 110, y: 700, width: 6, height: 12 },
        { str: 'ﻼ', x: 104, y: 700, width: 6, height: 12 },
        { str: 'ن', x: 98, y: 700, width: 6, height: 12 },
      ];
      expect(layoutText(glyphs)).to.equal('کلان');
    });

    it('drops text drawn twice for a fake bold', () => {
      const glyphs: Glyph[] = [
        { str: 'Flood', x: 100, y: 700, width: 30, height: 12 },
        { str: 'Flood', x: 100.5, y: 700, width: 30, height: 12 },
      ];
      expect(layoutText(glyphs)).to.equal('Flood');
    });
  });

  describe('paginate', () => {
    it('keeps short text as one page and splits long text at paragraphs', () => {
      expect(paginate('a\n\nb')).to.deep.equal(['a\n\nb']);
      const paragraphs = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(1_000, 'x'));
      const pages = paginate(paragraphs.join('\n\n'));
      expect(pages).to.have.length(5);
      expect(pages.join('\n\n')).to.equal(paragraphs.join('\n\n'));
    });

    it('splits an overlong paragraph at line ends, then spaces', () => {
      const words = Array.from({ length: 2_000 }, () => 'زلزله').join(' ');
      const pages = paginate(words);
      expect(pages.length).to.be.greaterThan(3);
      for (const page of pages) expect(page.length).to.be.at.most(4_500);
      expect(pages.join(' ')).to.equal(words);
    });
  });

  it('PageCollector cuts at the limits and says where', () => {
    const collector = new PageCollector({ maxPages: 2, maxChars: 10 });
    expect(collector.add(1, '123456')).to.equal(true);
    expect(collector.add(2, '😀😀😀')).to.equal(false); // 6 units, 4 left: no half surrogate pair
    expect(collector.add(3, 'x')).to.equal(false);
    expect(collector.pages).to.deep.equal([
      { page: 1, text: '123456' },
      { page: 2, text: '😀😀' },
    ]);
    expect(collector.warnings()).to.deep.equal([
      'text truncated at 10 characters (limit), in page 2',
      '1 more page(s) not extracted: the limit of 2 pages',
    ]);
  });

  it('PageWarnings reports each remark once with page ranges', () => {
    const warnings = new PageWarnings();
    for (const page of [3, 4, 5, 9]) warnings.add('scanned page not read: OCR not available', page);
    warnings.add('OCR failed: x', 2);
    expect(warnings.list()).to.deep.equal(['scanned page not read: OCR not available (pages 3–5, 9)', 'OCR failed: x (page 2)']);
  });

  describe('htmlToText', () => {
    it('survives unclosed markup and quotes without hanging', () => {
      expect(htmlToText('<p title="x>y">زلزله</p><script>never closed')).to.equal('زلزله');
      expect(htmlToText('a < b and <3 <p>c')).to.equal('a < b and <3\n\nc');
      const hostile = '<a title=' + "'".repeat(1) + 'x'.repeat(100_000);
      const started = Date.now();
      htmlToText(hostile + '<'.repeat(100_000) + ' '.repeat(100_000) + '<pre>' + ' \n'.repeat(100_000));
      expect(Date.now() - started).to.be.below(2_000);
    });

    it('decodes entities, leaving unknown ones alone', () => {
      expect(decodeEntities('&amp;&lt;&gt;&quot;&#1586;&#x0644;&zwnj;&nbsp;&unknown;&amp &copy')).to.equal('&<>"زل\u200C &unknown;& ©');
      expect(decodeEntities('&#0;&#xD800;&#x110000;')).to.equal('\uFFFD\uFFFD\uFFFD');
    });
  });
});
