import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { extractText } from '../../server/extraction/extract';
import { fold, persianHtml, requireTools, ScratchDir } from './extraction-helpers';

const run = promisify(execFile);

const TEXT = '<p>گزارش زلزله در کلان‌شهر تهران</p><p>مدیریت بحران و آمادگی شهروندان</p>';

describe('Image extraction (OCR)', function () {
  this.timeout(120_000);
  let scratch: ScratchDir;

  before(async () => {
    scratch = await ScratchDir.create();
  });
  after(async () => scratch.remove());

  describe('with tesseract', () => {
    before(function () {
      requireTools(this, 'chromium', 'tesseract');
    });

    for (const format of ['png', 'jpg'] as const) {
      it(`reads Persian words from a ${format.toUpperCase()} screenshot`, async () => {
        const path = await scratch.screenshot('shot', persianHtml([TEXT], '28px'), format);
        const contentType = format === 'png' ? 'image/png' : 'image/jpeg';
        const started = Date.now();
        const result = await extractText({ path, contentType, filename: `scan.${format}` });
        console.log(`      (OCR of a 1000×420 ${format} screenshot, worker included: ${Date.now() - started} ms)`);
        expect(result.method).to.equal('ocr');
        expect(result.warnings).to.deep.equal([]);
        expect(result.pages).to.have.length(1);
        const text = fold(result.pages[0]!.text);
        expect(text).to.include('زلزله');
        expect(text).to.include('تهران');
        expect(text).to.include('مدیریت بحران');
      });
    }

    it('reads a TIFF page rendered from a printed PDF at 300 dpi', async function () {
      requireTools(this, 'pdftoppm');
      const pdf = await scratch.printPdf('tiff-source', persianHtml([TEXT]));
      const base = scratch.file('page');
      await run('pdftoppm', ['-r', '300', '-gray', '-tiff', '-tiffcompression', 'lzw', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
      const started = Date.now();
      const result = await extractText({ path: `${base}.tif`, contentType: 'image/tiff', filename: 'page.tif' });
      console.log(`      (OCR of an A4 page at 300 dpi, worker included: ${Date.now() - started} ms)`);
      expect(result.method).to.equal('ocr');
      const text = fold(result.pages[0]!.text);
      expect(text).to.include('زلزله');
      expect(text).to.include(fold('آمادگی شهروندان'));
    });

    it('does not OCR an image that declares an enormous bitmap', async () => {
      const header = Buffer.alloc(33);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
      header.writeUInt32BE(13, 8);
      header.write('IHDR', 12, 'latin1');
      header.writeUInt32BE(40_000, 16);
      header.writeUInt32BE(40_000, 20);
      const path = await scratch.write('huge.png', header);
      const result = await extractText({ path, contentType: 'image/png', filename: 'huge.png' });
      expect(result.pages).to.deep.equal([{ page: 1, text: '' }]);
      expect(result.warnings).to.deep.equal(['image of 40000×40000 pixels is too large for OCR']);
    });
  });

  it('gives an empty page and says OCR is not available without tesseract', async () => {
    const path = await scratch.write('blank.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const result = await extractText({ path, contentType: 'image/png', filename: 'blank.png' });
      expect(result).to.deep.equal({ pages: [{ page: 1, text: '' }], method: 'none', warnings: ['OCR not available'] });
    } finally {
      process.env.PATH = saved;
    }
  });
});
