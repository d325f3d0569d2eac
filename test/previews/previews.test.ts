import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import supertest from 'supertest';
import { binaryBody, bring, cast, DEFAULT_FIELDS, startPortal, storedObjects, uploadRequest, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';
import { numberedPages, pdfBytes, writePdf } from '../helpers/pdf-fixture';
import { ooxmlPackage } from '../helpers/zip-fixture';
import { persianHtml, requireTools, ScratchDir } from '../extraction/extraction-helpers';
import { PreviewTools } from '../../server/previews/preview-tools';
import { previewPrefix } from '../../server/previews/preview-keys';
import { currentVersion } from '../../server/documents/document';

const run = promisify(execFile);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MIB = 1024 * 1024;

/**
 * Page images through the real portal: made in the background only as far as the thumbnail, any other page on its
 * first request and then kept in the store, served with immutable URLs and cache headers, a placeholder (never a 500)
 * for a file that cannot be drawn, word boxes for a query, images through tesseract, and memory that stays flat.
 */
describe('previews: page images and the reader', function () {
  this.timeout(180_000);
  let portal: TestPortal;
  let c: Cast;
  let scratch: ScratchDir;
  const api = () => supertest(portal.app);
  /** How many times pdftoppm drew a page, and how many draws ran at once at most. */
  const draws = { count: 0, running: 0, most: 0 };
  const original = PreviewTools.prototype.renderPage;

  before(async function () {
    requireTools(this, 'pdftoppm', 'pdfinfo', 'pdftotext');
    portal = await startPortal();
    c = await cast(portal);
    scratch = await ScratchDir.create();
    PreviewTools.prototype.renderPage = async function (this: PreviewTools, ...args: Parameters<PreviewTools['renderPage']>) {
      draws.count++;
      draws.running++;
      draws.most = Math.max(draws.most, draws.running);
      try {
        return await original.apply(this, args);
      } finally {
        draws.running--;
      }
    };
  });
  after(async () => {
    PreviewTools.prototype.renderPage = original;
    await scratch?.remove();
    await portal?.close();
  });

  async function published(content: Buffer, name: string, who: Actor = c.owner, fields: Record<string, string | string[]> = {}): Promise<string> {
    const res = await uploadRequest(portal, who, { ...DEFAULT_FIELDS, ...fields }, { content, name });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await bring(portal, c, res.body.id, 'published');
    return res.body.id as string;
  }

  /** The objects the store keeps for the current version's previews, by name (`info`, `thumbnail`, `page-7`…). */
  function previewObjects(id: string): string[] {
    const version = currentVersion(portal.services.documents.getVisible(c.secretariat.user, id))!;
    const folder = path.join(portal.dataDir, 'files', 'objects', previewPrefix(version));
    return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
  }

  const summary = async (id: string, who: Actor = c.reader) => (await api().get(`/api/v1/documents/${id}/preview`).set(who.auth).expect(200)).body;
  const image = (url: string, who: Actor = c.reader) => api().get(url).set(who.auth).buffer(true).parse(binaryBody);

  describe('a PDF of 40 pages', function () {
    let id: string;

    before(async () => {
      id = await published(pdfBytes(numberedPages(40, (n) => [`flood shelter report ${n}`, n === 7 ? 'earthquake drill' : 'evacuation routes'])), 'forty.pdf');
      draws.count = 0;
      await portal.services.worker.drain();
    });

    it('gets its page count and a thumbnail of page 1 in the background, and nothing else', async () => {
      expect(previewObjects(id)).to.deep.equal(['info', 'thumbnail']);
      expect(draws.count, 'pdftoppm drew one page (the thumbnail)').to.equal(1);
      const job = portal.services.db.prepare("SELECT state, attempts FROM jobs WHERE kind = 'preview' AND document_id = ?").get(id);
      expect(job).to.deep.equal({ state: 'done', attempts: 1 });
      const body = await summary(id);
      expect(body).to.include({ version: 1, state: 'ready', pages: 40, reason: null });
      expect(body.thumbnail).to.match(new RegExp(`^/api/v1/documents/${id}/previews/1/[0-9a-f]{16}/thumbnail\\.png$`));
      expect(body.pageImage).to.equal(body.thumbnail.replace('thumbnail.png', 'page-{page}.png'));
    });

    it('draws a page only when it is asked for, keeps it, and serves it again from the store without drawing it again', async () => {
      const url = (await summary(id)).pageImage.replace('{page}', '7');
      draws.count = 0;
      const first = await image(url).expect(200);
      expect(first.headers['content-type']).to.equal('image/png');
      expect(first.headers['cache-control']).to.equal('private, max-age=31536000, immutable');
      expect(first.headers.etag).to.match(/^"[0-9a-f]{16}-1-7"$/);
      expect((first.body as Buffer).subarray(0, 8)).to.deep.equal(PNG_SIGNATURE);
      expect(draws.count).to.equal(1);
      expect(previewObjects(id)).to.deep.equal(['info', 'page-7', 'thumbnail']);

      const again = await image(url).expect(200);
      expect(again.body).to.deep.equal(first.body);
      expect(draws.count, 'the second request is served from the store').to.equal(1);
      await image(url).set('If-None-Match', first.headers.etag!).expect(304);
      expect(previewObjects(id), 'still only what was asked for: 3 of 40 pages').to.deep.equal(['info', 'page-7', 'thumbnail']);
    });

    it('bounds the draws that run at once, and shares one draw between requests for the same page', async () => {
      const template = (await summary(id)).pageImage as string;
      draws.count = 0;
      draws.most = 0;
      const pages = [11, 12, 13, 14, 15, 16];
      const answers = await Promise.all([...pages, 11, 11].map((page) => image(template.replace('{page}', String(page)))));
      for (const answer of answers) expect(answer.status).to.equal(200);
      expect(draws.count, 'six pages, each drawn once').to.equal(6);
      expect(draws.most, 'at most two at once').to.be.at.most(2);
    });

    it('answers 404 past the last page, for a page name that is not one, and for a tag that is not the version’s bytes', async () => {
      const template = (await summary(id)).pageImage as string;
      await image(template.replace('{page}', '41')).expect(404);
      for (const bad of ['page-0.png', 'page-x.png', 'page-7.jpg', 'thumbnail.svg', 'info']) await image(template.replace('page-{page}.png', bad)).expect(404);
      await image(template.replace(/\/[0-9a-f]{16}\//, '/0123456789abcdef/').replace('{page}', '1')).expect(404);
      await image(template.replace('/previews/1/', '/previews/2/').replace('{page}', '1')).expect(404);
      expect(previewObjects(id)).to.not.include('page-41');
    });

    it('gives the boxes of the query’s words on a page, within the page', async () => {
      const view = (await api().get(`/api/v1/documents/${id}/preview/pages/7`).query({ q: 'earthquake' }).set(c.reader.auth).expect(200)).body;
      expect(view).to.include({ page: 7, pages: 40, width: 612, height: 792, hasWords: true, version: 1 });
      expect(view.image).to.match(/\/page-7\.png$/);
      expect(view.marks).to.have.length(1);
      const [mark] = view.marks;
      expect(mark.x).to.be.within(60, 100);
      expect(mark.y, 'the third line of the page').to.be.within(100, 130);
      expect(mark.width).to.be.within(100, 200);
      const elsewhere = (await api().get(`/api/v1/documents/${id}/preview/pages/8`).query({ q: 'earthquake' }).set(c.reader.auth).expect(200)).body;
      expect(elsewhere.marks, 'page 8 does not have the word').to.deep.equal([]);
      const prefix = (await api().get(`/api/v1/documents/${id}/preview/pages/8`).query({ q: 'evacuat' }).set(c.reader.auth).expect(200)).body;
      expect(prefix.marks, 'the last word typed is the start of a longer word, as in search').to.have.length(1);
      await api().get(`/api/v1/documents/${id}/preview/pages/41`).set(c.reader.auth).expect(404);
      for (const bad of ['0', 'x', '1.5']) {
        const res = await api().get(`/api/v1/documents/${id}/preview/pages/${bad}`).set(c.reader.auth).expect(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      await api().get(`/api/v1/documents/${id}/preview/pages/1`).query({ nonsense: 1 }).set(c.reader.auth).expect(400);
    });

    it('shows the reader at page N with the word marked, previous and next pages, in Persian and in English', async () => {
      const fa = await signIn(portal.app, c.reader.user.username, 'fa');
      const page = await fa.agent.get(`/documents/${id}/read?page=7&q=earthquake`).expect(200);
      expect(page.text).to.match(new RegExp(`<img src="/documents/${id}/previews/1/[0-9a-f]{16}/page-7\\.png" alt="صفحهٔ ۷ از ۴۰ «[^»]+»" width="612" height="792"`));
      expect(page.text.match(/<rect /g) ?? []).to.have.length(1);
      expect(page.text).to.include('صفحهٔ ۷ از ۴۰');
      expect(page.text).to.include(`href="/documents/${id}/read?page=6&amp;q=earthquake" rel="prev"`);
      expect(page.text).to.include(`href="/documents/${id}/read?page=8&amp;q=earthquake" rel="next"`);
      expect(page.text).to.include(`/documents/${id}/file?version=1`);
      expect(page.text).to.include('در این صفحه با رنگ زرد نشان داده شده‌اند (۱ جا)');

      const en = await signIn(portal.app, c.reader.user.username, 'en');
      const english = await en.agent.get(`/documents/${id}/read?page=40`).expect(200);
      expect(english.text).to.include('<html lang="en" dir="ltr">');
      expect(english.text).to.include('Page 40 of 40');
      expect(english.text).to.include('rel="prev"').and.not.include('rel="next"');
      expect(english.text).to.not.include('<rect ');
    });

    it('keeps a page number the reader typed that is not a page, with the reason, in both languages (400)', async () => {
      const fa = await signIn(portal.app, c.reader.user.username, 'fa');
      const bad = await fa.agent.get(`/documents/${id}/read?page=${encodeURIComponent('۵۰')}&q=flood`).expect(400);
      expect(bad.text).to.include('شمارهٔ صفحه باید عددی از ۱ تا ۴۰ باشد.');
      expect(bad.text).to.include('value="۵۰" aria-invalid="true"');
      expect(bad.text).to.include('name="q" value="flood"');
      const persianDigits = await fa.agent.get(`/documents/${id}/read?page=${encodeURIComponent('۱۲')}`).expect(200);
      expect(persianDigits.text).to.include('صفحهٔ ۱۲ از ۴۰');
      const en = await signIn(portal.app, c.reader.user.username, 'en');
      const word = await en.agent.get(`/documents/${id}/read?page=abc`).expect(400);
      expect(word.text).to.include('The page number must be a number from 1 to 40.');
      expect(word.text).to.include('value="abc"');
    });
  });

  describe('a file that cannot be drawn', function () {
    let id: string;

    before(async () => {
      id = await published(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\nthis is not a PDF body\n%%EOF\n'), 'broken.pdf');
      await portal.services.worker.drain();
    });

    it('gets a clear placeholder image in both languages, never a 500, and its preview job ends', async () => {
      const body = await summary(id);
      expect(body).to.include({ state: 'unavailable', pages: null, thumbnail: null, pageImage: null });
      expect(body.reason).to.match(/not a readable PDF/);
      const version = currentVersion(portal.services.documents.getVisible(c.reader.user, id))!;
      const thumbnail = await api().get(`/api/v1/documents/${id}/previews/1/${version.sha256.slice(0, 16)}/thumbnail.png`).set(c.reader.auth).expect(200);
      expect(thumbnail.headers['content-type']).to.equal('image/svg+xml; charset=utf-8');
      expect(thumbnail.headers['x-preview']).to.equal('unavailable');
      expect(thumbnail.headers['cache-control']).to.equal('private, max-age=86400');
      const svg = String(thumbnail.body ?? thumbnail.text);
      expect(svg).to.include('پیش‌نمایش در دسترس نیست').and.include('No preview available');
      expect(svg).to.not.match(/<script|style=/);
      const job = portal.services.db.prepare("SELECT state FROM jobs WHERE kind = 'preview' AND document_id = ?").get(id) as { state: string } | undefined;
      expect(job?.state ?? 'done', 'the damaged file is remembered, not retried').to.equal('done');
      const view = await api().get(`/api/v1/documents/${id}/preview/pages/1`).set(c.reader.auth).expect(409);
      expect(view.body.error.code).to.equal('preview_unavailable');
    });

    it('shows the reader with the reason in the reader’s language and the original file', async () => {
      const fa = await signIn(portal.app, c.reader.user.username, 'fa');
      const page = await fa.agent.get(`/documents/${id}/read?page=1`).expect(200);
      expect(page.text).to.include('پیش‌نمایش این پرونده ساخته نمی‌شود');
      expect(page.text).to.include(`/documents/${id}/file?version=1`);
      expect(page.text).to.not.include('<img src="/documents/');
      const en = await signIn(portal.app, c.reader.user.username, 'en');
      expect((await en.agent.get(`/documents/${id}/read`).expect(200)).text).to.include('This file cannot be previewed');
    });
  });

  describe('formats without a PDF rendering', function () {
    it('shows no thumbnail for a Word file, says why in the reader, and has no page images (404)', async () => {
      const id = await published(ooxmlPackage('docx'), 'گزارش.docx');
      const body = await summary(id);
      expect(body).to.include({ state: 'none', pages: null, thumbnail: null });
      const version = currentVersion(portal.services.documents.getVisible(c.reader.user, id))!;
      await api().get(`/api/v1/documents/${id}/previews/1/${version.sha256.slice(0, 16)}/thumbnail.png`).set(c.reader.auth).expect(404);
      const fa = await signIn(portal.app, c.reader.user.username, 'fa');
      expect((await fa.agent.get(`/documents/${id}/read`).expect(200)).text).to.include('مبدلی به PDF روی درگاه نصب نیست');
      expect((await fa.agent.get('/documents?city=').expect(200)).text).to.not.include(`/documents/${id}/previews/`);
    });
  });

  describe('images', function () {
    for (const format of ['png', 'jpg', 'tiff'] as const) {
      it(`gives a ${format.toUpperCase()} a thumbnail and a page through a PDF made of it, with no words to mark`, async function () {
        requireTools(this, 'tesseract', 'chromium');
        const shot = await scratch.screenshot(`image-${format}`, persianHtml(['<h1>نقشهٔ پهنه‌بندی سیل</h1><p>Flood zoning map</p>']), format === 'jpg' ? 'jpg' : 'png', '600,400');
        let file = shot;
        if (format === 'tiff') {
          const pdf = await scratch.printPdf('tiff-source', persianHtml(['<p>نقشهٔ پهنه‌بندی سیل</p>']));
          const base = scratch.file('scan');
          await run('pdftoppm', ['-r', '100', '-gray', '-tiff', '-tiffcompression', 'lzw', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
          file = `${base}.tif`;
        }
        const id = await published(fs.readFileSync(file), `نقشه.${format}`);
        await portal.services.worker.drain();
        expect(previewObjects(id)).to.deep.equal(['info', 'rendition', 'thumbnail']);
        const body = await summary(id);
        expect(body).to.include({ state: 'ready', pages: 1 });
        const thumbnail = await image(body.thumbnail).expect(200);
        expect((thumbnail.body as Buffer).subarray(0, 8)).to.deep.equal(PNG_SIGNATURE);
        const view = (await api().get(`/api/v1/documents/${id}/preview/pages/1`).query({ q: 'flood' }).set(c.reader.auth).expect(200)).body;
        expect(view).to.include({ hasWords: false });
        expect(view.marks).to.deep.equal([]);
        // The screenshots are 600×400; the TIFF is a printed page scanned.
        expect(view.width / view.height, 'the page has the picture’s shape').to.be.within(...(format === 'tiff' ? [0.6, 0.9] : [1.3, 1.7]) as [number, number]);
      });
    }
  });

  it('does not draw a picture that declares an enormous bitmap, and says so', async function () {
    requireTools(this, 'tesseract');
    const header = Buffer.alloc(13);
    header.writeUInt32BE(20_000, 0);
    header.writeUInt32BE(20_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.alloc(4, 0), Buffer.from(type, 'latin1'), data, Buffer.alloc(4, 0)]);
    const ihdr = chunk('IHDR', header);
    ihdr.writeUInt32BE(13, 0);
    const png = Buffer.concat([PNG_SIGNATURE, ihdr, chunk('IEND', Buffer.alloc(0))]);
    const id = await published(png, 'بزرگ.png');
    await portal.services.worker.drain();
    const body = await summary(id);
    expect(body).to.include({ state: 'unavailable', pages: null });
    expect(body.reason).to.match(/20000×20000 pixels is too large/);
    expect(previewObjects(id), 'remembered, and nothing drawn').to.deep.equal(['info']);
  });

  it('streams a large PDF’s page without holding the file in memory', async function () {
    this.timeout(300_000);
    const file = scratch.file('large.pdf');
    await writePdf(file, { pages: numberedPages(3, () => ['a page of a large file']), padBytes: 200 * MIB });
    const res = await supertest(portal.app).post('/api/v1/documents').set(c.owner.auth).field('title', 'پروندهٔ بزرگ').field('summary', 'خلاصه').field('kind', 'other').field('year', '1400').field('access', 'portal').attach('file', file);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const id = res.body.id as string;
    await bring(portal, c, id, 'published');
    const version = currentVersion(portal.services.documents.getVisible(c.reader.user, id))!;
    expect(version.size).to.be.above(200 * MIB);
    global.gc?.();
    const rss = new RssWatch();
    let answer: supertest.Response;
    try {
      answer = await image(`/api/v1/documents/${id}/previews/1/${version.sha256.slice(0, 16)}/page-2.png`);
    } finally {
      rss.stop();
    }
    expect(answer.status).to.equal(200);
    expect((answer.body as Buffer).subarray(0, 8)).to.deep.equal(PNG_SIGNATURE);
    console.log(`      RSS grew by at most ${(rss.maxGrowth / MIB).toFixed(1)} MiB to draw a page of a ${(version.size / MIB).toFixed(0)} MiB PDF`);
    expect(rss.maxGrowth).to.be.below(64 * MIB);
  });

  it('deletes every preview with the document', async () => {
    const id = await published(pdfBytes(numberedPages(3)), 'three.pdf');
    await portal.services.worker.drain();
    const template = (await summary(id)).pageImage as string;
    await image(template.replace('{page}', '2')).expect(200);
    const prefix = previewPrefix(currentVersion(portal.services.documents.getVisible(c.secretariat.user, id))!);
    expect(storedObjects(portal).filter((file) => file.includes(prefix))).to.have.length(3);
    await api().delete(`/api/v1/documents/${id}`).set(c.secretariat.auth).send({ reason: 'آزمایش' }).expect(204);
    expect(storedObjects(portal).filter((file) => file.includes(prefix))).to.deep.equal([]);
    await image(template.replace('{page}', '2')).expect(404);
  });

  it('resumes a preview job a stopped portal left running', async () => {
    const id = await published(pdfBytes(numberedPages(2)), 'two.pdf');
    await portal.services.worker.drain();
    const version = currentVersion(portal.services.documents.getVisible(c.secretariat.user, id))!;
    await portal.services.previews.forget(version);
    portal.services.db.transaction(() => portal.services.jobs.enqueue('preview', id))();
    const claimed = portal.services.jobs.claim(['preview'], id);
    expect(claimed, 'a preview job, running when the portal stopped').to.not.equal(null);
    expect(portal.services.jobs.resumeInterrupted()).to.equal(1);
    await portal.services.worker.drain();
    expect(previewObjects(id)).to.deep.equal(['info', 'thumbnail']);
  });
});

/** Samples the resident set size while a request runs. */
class RssWatch {
  private readonly baseline = process.memoryUsage.rss();
  private peak = this.baseline;
  private readonly timer = setInterval(() => this.sample(), 10);

  get maxGrowth(): number {
    return this.peak - this.baseline;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}
