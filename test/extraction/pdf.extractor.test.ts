import { expect } from 'chai';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, ExtractionError, type ExtractionResult } from '../../server/extraction/extract';
import { runExtraction } from '../../server/extraction/extraction.runner';
import { DEFAULT_LIMITS } from '../../server/extraction/extraction.types';
import { openWithPdfjs } from '../../server/extraction/pdfjs-text';
import { fold, persianHtml, requireTools, ScratchDir, toolPath } from './extraction-helpers';

const PDF = 'application/pdf';

const PAGES = [
  '<p>MARKER-P1</p><p>گزارش مدیریت بحران کلان‌شهر تهران درباره زلزله</p><p>این سند برای آزمون استخراج متن نوشته شده است.</p>',
  '<p>MARKER-P2</p><p>سیل و آتش‌سوزی در شهر مشهد</p><p>می‌شود کتاب‌های آموزشی را دید.</p>',
  '<p>MARKER-P3</p><p>رانش زمین و گرد و غبار در اصفهان</p>',
];

const SCANNED_TEXT = '<p>گزارش زلزله در کلان‌شهر تهران</p><p>مدیریت بحران و آمادگی شهروندان</p>';

async function expectFailure(promise: Promise<unknown>, reason: string): Promise<ExtractionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ExtractionError);
    expect((error as ExtractionError).reason).to.equal(reason);
    return error as ExtractionError;
  }
  expect.fail(`expected an ExtractionError (${reason})`);
}

function pageText(result: ExtractionResult, page: number): string {
  return fold(result.pages.find((entry) => entry.page === page)?.text ?? '');
}

describe('PDF extraction', function () {
  this.timeout(120_000);
  let scratch: ScratchDir;
  let textPdf: string;

  before(async function () {
    requireTools(this, 'chromium', 'pdftotext', 'pdfinfo');
    scratch = await ScratchDir.create();
    textPdf = await scratch.printPdf('persian', persianHtml(PAGES));
  });
  after(async () => scratch?.remove());

  it('reads Persian text page by page with pdftotext', async () => {
    const result = await extractText({ path: textPdf, contentType: PDF, filename: 'report.pdf' });
    expect(result.method).to.equal('pdftotext');
    expect(result.pages.map((page) => page.page)).to.deep.equal([1, 2, 3]);
    expect(result.warnings).to.deep.equal([]);

    const [first, second, third] = [1, 2, 3].map((page) => pageText(result, page));
    expect(first).to.include('marker-p1').and.include('زلزله').and.include('تهران').and.include('مدیریت بحران');
    // pdftotext reverses the lam-alef ligature («کالن»); the repair from pdf.js's words puts it back.
    expect(first).to.include('کلانشهر');
    expect(first).not.to.include('marker-p2');
    expect(second).to.include('marker-p2').and.include('سیل').and.include('مشهد').and.include('میشود').and.include('کتابهای');
    expect(second).not.to.include('زلزله');
    expect(third).to.include('marker-p3').and.include('اصفهان').and.include('رانش زمین');
    // The ZWNJ survives, and no bidi control is left in the text.
    expect(result.pages[1]!.text).to.include('می\u200Cشود');
    expect(result.pages.map((page) => page.text).join('')).not.to.match(/[\u202A-\u202E\u2066-\u2069]/);
  });

  it('rebuilds words, spaces and right-to-left order with pdf.js', async () => {
    const document = await openWithPdfjs(textPdf, 64 * 1024 * 1024);
    try {
      expect(document.numPages).to.equal(3);
      const first = fold(await document.pageText(1));
      expect(first).to.include('گزارش مدیریت بحران کلانشهر تهران درباره زلزله');
      expect(first).to.include(fold('این سند برای آزمون استخراج متن نوشته شده است.'));
      expect(fold(await document.pageText(3))).to.include('رانش زمین و گرد و غبار در اصفهان');
    } finally {
      await document.close();
    }
  });

  it('falls back to pdf.js when poppler is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const result = await extractText({ path: textPdf, contentType: PDF, filename: 'report.pdf' });
      expect(result.method).to.equal('pdfjs');
      expect(result.warnings).to.include('poppler-utils not installed: PDF text read with pdf.js only');
      expect(pageText(result, 1)).to.include('کلانشهر تهران درباره زلزله');
      expect(pageText(result, 2)).to.include('marker-p2');
    } finally {
      process.env.PATH = path;
    }
  });

  it('reports pages beyond maxPages and text beyond maxChars', async () => {
    const paged = await extractText({ path: textPdf, contentType: PDF, filename: 'report.pdf' }, { maxPages: 2 });
    expect(paged.pages).to.have.length(2);
    expect(paged.warnings).to.include('1 more page(s) not extracted: the limit of 2 pages');

    const cut = await extractText({ path: textPdf, contentType: PDF, filename: 'report.pdf' }, { maxChars: 30 });
    expect(cut.pages).to.have.length(1);
    expect(cut.pages[0]!.text).to.have.length(30);
    expect(cut.warnings).to.include('text truncated at 30 characters (limit), in page 1');
    expect(cut.warnings).to.include('2 more page(s) not extracted: the limit of 30 characters');
  });

  describe('scanned pages', () => {
    let mixedPdf: string;

    before(async function () {
      requireTools(this, 'chromium', 'pdftoppm', 'pdfimages', 'tesseract');
      const scan = await scratch.screenshot('scan', persianHtml([SCANNED_TEXT], '28px'));
      // A printed page, then a page that is only a picture of text: a scan without a text layer.
      mixedPdf = await scratch.printPdf(
        'mixed',
        persianHtml([PAGES[0]!, `<img src="file://${scan}" style="width:100%">`]).replace('margin: 24px', 'margin: 0'),
      );
    });

    it('reads a page without a text layer by OCR (fas+eng)', async () => {
      const started = Date.now();
      const result = await extractText({ path: mixedPdf, contentType: PDF, filename: 'scan.pdf' });
      console.log(`      (two pages, one by OCR, in ${Date.now() - started} ms)`);
      expect(result.method).to.equal('pdftotext+ocr');
      expect(result.warnings).to.deep.equal([]);
      expect(pageText(result, 1)).to.include('marker-p1');
      const scanned = pageText(result, 2);
      expect(scanned).to.include('زلزله');
      expect(scanned).to.include('تهران');
    });

    it('says which pages are scans when tesseract is missing', async () => {
      // Poppler without tesseract: a PATH with links to the poppler tools only.
      const bin = scratch.file('poppler-only');
      await mkdir(bin);
      for (const tool of ['pdfinfo', 'pdftotext', 'pdftoppm', 'pdfimages']) await symlink(toolPath(tool)!, join(bin, tool));
      const saved = process.env.PATH;
      process.env.PATH = bin;
      try {
        const result = await extractText({ path: mixedPdf, contentType: PDF, filename: 'scan.pdf' });
        expect(result.method).to.equal('pdftotext');
        expect(result.pages[1]!.text).to.equal('');
        expect(result.warnings).to.deep.equal(['scanned page not read: OCR not available (page 2)']);
      } finally {
        process.env.PATH = saved;
      }
    });

    it('skips OCR and says so once the time is up', async () => {
      const tempDir = await mkdtemp(join(tmpdir(), 'tajrobe-extract-'));
      try {
        const result = await runExtraction({
          input: { path: mixedPdf, contentType: PDF, filename: 'scan.pdf' },
          limits: DEFAULT_LIMITS,
          softDeadline: Date.now() - 1,
          tempDir,
        });
        expect(result.pages).to.have.length(2);
        expect(pageText(result, 1)).to.include('marker-p1');
        expect(result.pages[1]!.text).to.equal('');
        expect(result.warnings).to.include('OCR skipped: time limit reached (page 2)');
        expect(result.warnings).to.include('time limit reached: the text may be incomplete');
      } finally {
        await rm(tempDir, { recursive: true, force: true });
      }
    });
  });

  describe('broken files', () => {
    it('refuses an empty file', async () => {
      const path = await scratch.write('empty.pdf', Buffer.alloc(0));
      await expectFailure(extractText({ path, contentType: PDF, filename: 'empty.pdf' }), 'unreadable PDF');
    });

    it('refuses garbage after a PDF header', async () => {
      const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256))]);
      const path = await scratch.write('garbage.pdf', garbage);
      const error = await expectFailure(extractText({ path, contentType: PDF, filename: 'garbage.pdf' }), 'unreadable PDF');
      expect(error.message).to.match(/not a readable PDF/);
    });

    it('survives a page tree that contains itself', async () => {
      const path = await scratch.write('loop.pdf', pdfFile([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
      ]));
      const started = Date.now();
      const result = await extractText({ path, contentType: PDF, filename: 'loop.pdf' }, { timeoutMs: 30_000 });
      expect(Date.now() - started).to.be.below(30_000);
      expect(result.pages.every((page) => page.text === '')).to.equal(true);
      expect(result.warnings).to.include('no text found');
    });
  });
});

/** A PDF with a correct cross-reference table around the given objects (object 1 is the catalog). */
function pdfFile(objects: string[]): Buffer {
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
