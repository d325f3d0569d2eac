import { expect } from 'chai';
import { extractText } from '../../server/extraction/extract';
import { encodeWindows1256, ScratchDir, windows1256Form } from './extraction-helpers';

const ZWNJ = '\u200C';

describe('Text and HTML extraction', function () {
  this.timeout(60_000);
  let scratch: ScratchDir;

  before(async () => {
    scratch = await ScratchDir.create();
  });
  after(async () => scratch.remove());

  it('reads UTF-8 text with a BOM and CRLF line ends', async () => {
    const path = await scratch.write('notes.txt', `\uFEFFگزارش زلزله\r\n\r\nکلان${ZWNJ}شهر تهران، سال ۱۳۹۱\r\n`);
    const result = await extractText({ path, contentType: 'text/plain; charset=utf-8', filename: 'notes.txt' });
    expect(result).to.deep.equal({ method: 'text', warnings: [], pages: [{ page: 1, text: `گزارش زلزله\n\nکلان${ZWNJ}شهر تهران، سال ۱۳۹۱` }] });
  });

  it('decodes legacy Windows-1256 text that is not valid UTF-8', async () => {
    const persian = 'گزارش زلزله در کلان‌شهر تهران\nپیشگیری و آمادگی';
    const path = await scratch.write('legacy.txt', encodeWindows1256(persian));
    const result = await extractText({ path, contentType: 'text/plain', filename: 'legacy.txt' });
    expect(result.pages).to.deep.equal([{ page: 1, text: windows1256Form(persian) }]);
    expect(result.pages[0]!.text).to.include('کلان\u200Cشهر'); // ZWNJ has a byte (0x9D) in Windows-1256
    expect(result.warnings).to.deep.equal(['not valid UTF-8: decoded as Windows-1256']);
  });

  it('decodes Windows-1256 directly when the upload was sniffed as such', async () => {
    const path = await scratch.write('legacy.csv', encodeWindows1256('شهر,خسارت\nتهران,۱۲۰'.replace('۱۲۰', '120')));
    const result = await extractText({ path, contentType: 'text/csv; charset=windows-1256', filename: 'legacy.csv' });
    expect(result.pages).to.deep.equal([{ page: 1, text: 'شهر,خسارت\nتهران,120' }]);
    expect(result.warnings).to.deep.equal([]);
  });

  it('splits long text into pages of about 3,000 characters at paragraph boundaries', async () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `بند ${i + 1}: ${'مدیریت بحران در کلان‌شهرها '.repeat(12).trim()}`);
    const path = await scratch.write('long.md', paragraphs.join('\n\n'));
    const result = await extractText({ path, contentType: 'text/markdown', filename: 'long.md' });
    expect(result.pages.length).to.be.within(3, 6);
    for (const page of result.pages) {
      expect(page.text.length).to.be.at.most(3_000);
      expect(page.text).to.match(/^بند \d+:/);
    }
    expect(result.pages.map((page) => page.text).join('\n\n')).to.equal(paragraphs.join('\n\n'));
  });

  it('starts a new page at each form feed', async () => {
    const path = await scratch.write('exported.txt', 'صفحه اول\fصفحه دوم\n\f\fصفحه سوم');
    const result = await extractText({ path, contentType: 'text/plain', filename: 'exported.txt' });
    expect(result.pages).to.deep.equal([
      { page: 1, text: 'صفحه اول' },
      { page: 2, text: 'صفحه دوم' },
      { page: 3, text: 'صفحه سوم' },
    ]);
  });

  it('cuts at maxChars and says so', async () => {
    const path = await scratch.write('big.txt', 'زلزله '.repeat(10_000));
    const result = await extractText({ path, contentType: 'text/plain', filename: 'big.txt' }, { maxChars: 1_000 });
    const total = result.pages.reduce((sum, page) => sum + page.text.length, 0);
    expect(total).to.be.at.most(1_000);
    expect(result.warnings).to.include('text truncated at 1000 characters (limit)');
  });

  it('extracts the visible text of HTML: no script, style or comments; entities decoded', async () => {
    const html = `<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>گزارش سیل</title>
      <style>body { content: "style-text-not-wanted"; }</style>
      <script>var secret = "script-text-not-wanted"; if (a < b && c > d) {}</script>
      </head><body>
      <!-- comment-not-wanted -->
      <h1>کلان&zwnj;شهر تهران</h1>
      <p title="a > b">زلزله &amp; سیل &#1705;&#x06CC; &laquo;آمادگی&raquo;</p>
      <table><tr><td>شهر</td><td>خسارت</td></tr><tr><td>مشهد</td><td>۴۰</td></tr></table>
      <SCRIPT type="module">console.log("upper-case-script-not-wanted")</SCRIPT>
      <p>پایان<br>خط دوم</p></body></html>`;
    const path = await scratch.write('page.html', html);
    const result = await extractText({ path, contentType: 'text/html; charset=utf-8', filename: 'page.html' });
    expect(result.method).to.equal('html');
    expect(result.pages).to.have.length(1);
    const text = result.pages[0]!.text;
    expect(text).to.equal(`گزارش سیل\n\nکلان${ZWNJ}شهر تهران\n\nزلزله & سیل کی «آمادگی»\n\nشهر\tخسارت\nمشهد\t۴۰\n\nپایان\nخط دوم`);
    expect(text).not.to.match(/not-wanted|secret|<|>/);
  });

  it('reads Windows-1256 HTML', async () => {
    const path = await scratch.write('legacy.html', encodeWindows1256('<html><body><p>آموزش همگانی زلزله</p></body></html>'));
    const result = await extractText({ path, contentType: 'text/html; charset=windows-1256', filename: 'legacy.html' });
    expect(result.pages).to.deep.equal([{ page: 1, text: 'آموزش همگاني زلزله' }]);
  });
});
