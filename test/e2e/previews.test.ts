import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { addDocument, eventually, indexed, printPdf, SCREENSHOT_DIR, screenshotName, signIn, useBrowser } from './browser';

const DEVICES: Record<'desktop' | 'phone', BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};
const WORD = 'پناهگاه';
/** The word is on page 3 only, not in the title or summary: the hit names page 3. */
const TITLE = 'مطالعهٔ جای امن مردم پس از زلزله در تهران';

/**
 * Issue 12's journey: a reader on a phone (and at a desk), in Persian and in English, finds a study by search, sees
 * its first page on the hit, and opens it at the page the hit names — an image of that page with the word marked —
 * without downloading the file.
 */
describe('browser: previews and the reader', function () {
  this.timeout(120_000);
  const suite = useBrowser();
  let study: string;
  let revised: string;

  before(async function () {
    this.timeout(180_000);
    const { owner } = suite.people;
    const pdf = await printPdf(suite.browser, [
      'مطالعهٔ جای امن مردم در کلان‌شهر تهران — پیشگفتار',
      'فهرست مطالب و روش بررسی محله‌ها',
      'در محلهٔ یک، مدرسه‌ها و مسجدها پناهگاه اضطراری مردم در برابر زلزله‌اند و گسل مشا از شمال شهر می‌گذرد.',
    ]);
    study = await addDocument(
      suite,
      owner,
      { title: TITLE, summary: 'مدرسه‌ها و مسجدهای محله', kind: 'threat-study', hazards: ['earthquake'] },
      { content: pdf, name: 'پناهگاه‌ها.pdf' },
    );
    revised = await addDocument(suite, owner, { title: 'برنامهٔ تخلیهٔ مدارس', kind: 'health-safety-plan' }, { content: await printPdf(suite.browser, ['برنامهٔ تخلیه']), name: 'تخلیه.pdf' });
    await indexed(suite, study, revised);
    await supertest(suite.portal.app)
      .post(`/api/v1/documents/${revised}/versions`)
      .set(owner.auth)
      .attach('file', await printPdf(suite.browser, ['برنامهٔ تخلیهٔ بازنگری‌شده', 'صفحهٔ دوم بازنگری']), { filename: 'تخلیه-بازنگری.pdf' })
      .expect(201);
    // The revision's job may be the one extraction queued (a waiting job takes the new request): each document's last one covers both versions.
    const count = (sql: string, ...params: string[]) => suite.portal.services.db.prepare(sql).pluck().get(...params) as number;
    const previewJobsDone = () =>
      count("SELECT count(*) FROM jobs WHERE kind = 'preview' AND state IN ('queued', 'running')") === 0 &&
      [study, revised].every((id) => count("SELECT count(*) FROM jobs WHERE kind = 'preview' AND state = 'done' AND document_id = ?", id) > 0);
    await eventually('the preview jobs are done', previewJobsDone, 90_000);
  });

  /** A page in a fresh context of `device`, signed in as `username` through the Persian form, then reading in `locale`. */
  async function openAs(username: string, device: keyof typeof DEVICES, locale: 'fa' | 'en'): Promise<Page> {
    const context = await suite.newContext(DEVICES[device]);
    const page = await context.newPage();
    await page.goto('/login');
    await signIn(page, username);
    await context.addCookies([{ name: 'tajrobe.lang', value: locale, url: suite.baseURL }]);
    return page;
  }

  /** Every file request and download the page makes: the journey must make none. */
  function watchDownloads(page: Page): { files: string[]; downloads: number } {
    const seen = { files: [] as string[], downloads: 0 };
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (/^\/documents\/[^/]+\/(file|view)$/.test(pathname)) seen.files.push(pathname);
    });
    page.on('download', () => seen.downloads++);
    return seen;
  }

  async function loaded(page: Page, selector: string): Promise<void> {
    await page.locator(selector).first().waitFor();
    await page.waitForFunction(`(() => { const img = document.querySelector(${JSON.stringify(selector)}); return !!img && img.complete && img.naturalWidth > 0; })()`);
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    const { scrollWidth, innerWidth } = (await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as { scrollWidth: number; innerWidth: number };
    expect(scrollWidth, `page width on a ${innerWidth} px screen`).to.be.at.most(innerWidth);
  }

  for (const device of ['phone', 'desktop'] as const) {
    for (const locale of ['fa', 'en'] as const) {
      it(`${device}, ${locale === 'fa' ? 'Persian' : 'English'}: finds a study by search, previews it and opens it at its hit page without downloading it`, async function () {
        const page = await openAs('reader', device, locale);
        const seen = watchDownloads(page);
        await page.goto(`/search?q=${encodeURIComponent(WORD)}`);
        const hit = page.locator('#search-results article.hit').filter({ hasText: TITLE });
        await hit.waitFor();
        await loaded(page, '#search-results article.hit a.thumb img');
        const thumbnail = hit.locator('a.thumb img');
        expect(await thumbnail.getAttribute('alt')).to.equal(locale === 'fa' ? `پیش‌نمایش «${TITLE}» در صفحهٔ ۳` : `Preview of “${TITLE}” at page 3`);
        // Where the first hit stands on a phone (below the filters, today) is the search page's business (issue 12, item 2).
        await hit.scrollIntoViewIfNeeded();
        const box = (await thumbnail.boundingBox())!;
        expect(box.width, 'the thumbnail is drawn at its size').to.be.within(80, 90);
        await noSidewaysScroll(page);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(this.test)}-search.png`), fullPage: false });

        await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${study}/read`), hit.locator('a.hit-page').click()]);
        const url = new URL(page.url());
        expect(url.searchParams.get('page')).to.equal('3');
        expect(url.searchParams.get('q')).to.equal(WORD);
        await loaded(page, '.reader-sheet img');
        expect(await page.locator('.reader-nav').first().textContent()).to.include(locale === 'fa' ? 'صفحهٔ ۳ از ۳' : 'Page 3 of 3');
        const marks = page.locator('svg.reader-marks rect');
        expect(await marks.count(), 'the word is marked on the page').to.be.greaterThan(0);
        const sheet = (await page.locator('.reader-sheet img').boundingBox())!;
        const mark = (await marks.first().boundingBox())!;
        expect(mark.width, 'a mark is the size of a word').to.be.within(8, sheet.width / 2);
        expect(mark.x).to.be.within(sheet.x, sheet.x + sheet.width);
        expect(mark.y).to.be.within(sheet.y, sheet.y + sheet.height);
        expect(sheet.width, 'the page fits the screen').to.be.at.most(DEVICES[device].viewport!.width);
        expect(await page.locator('.reader-marks-note').textContent()).to.include(locale === 'fa' ? 'با رنگ زرد' : 'marked in yellow');
        await noSidewaysScroll(page);

        await Promise.all([page.waitForURL((next) => next.searchParams.get('page') === '2'), page.locator('.reader-nav a[rel=prev]').first().click()]);
        await loaded(page, '.reader-sheet img');
        expect(await page.locator('.reader-nav').first().textContent()).to.include(locale === 'fa' ? 'صفحهٔ ۲ از ۳' : 'Page 2 of 3');
        await Promise.all([page.waitForURL((next) => next.searchParams.get('page') === '3'), page.locator('.reader-nav a[rel=next]').first().click()]);
        await loaded(page, '.reader-sheet img');
        expect(seen.files, 'no request for the file itself').to.deep.equal([]);
        expect(seen.downloads, 'nothing downloaded').to.equal(0);
      });
    }
  }

  it('phone: goes to a page by its number without a script, and keeps a number that is not a page with the reason', async function () {
    const page = await openAs('reader', 'phone', 'fa');
    await page.goto(`/documents/${study}/read`);
    await loaded(page, '.reader-sheet img');
    const field = page.getByLabel('رفتن به صفحهٔ');
    await field.fill('۹');
    await Promise.all([page.waitForLoadState(), field.press('Enter')]);
    expect(await page.getByRole('alert').textContent()).to.include('شمارهٔ صفحه باید عددی از ۱ تا ۳ باشد.');
    expect(await page.getByLabel('رفتن به صفحهٔ').inputValue()).to.equal('۹');
    await page.getByLabel('رفتن به صفحهٔ').fill('۲');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('page') === '۲' || url.searchParams.get('page') === '2'), page.getByRole('button', { name: 'برو' }).click()]);
    await loaded(page, '.reader-sheet img');
    expect(await page.locator('.reader-nav').first().textContent()).to.include('صفحهٔ ۲ از ۳');
    await noSidewaysScroll(page);
  });

  for (const locale of ['fa', 'en'] as const) {
    it(`phone (${locale}): the secretariat previews a revision on the review desk before publishing it, without downloading it`, async function () {
      const page = await openAs('sec', 'phone', locale);
      const seen = watchDownloads(page);
      await page.goto('/review');
      const row = page.locator('#review-revisions ~ .table-wrap tr, section[aria-labelledby=review-revisions] tr').filter({ hasText: 'برنامهٔ تخلیهٔ مدارس' });
      await row.first().waitFor();
      await loaded(page, 'section[aria-labelledby=review-revisions] a.thumb img');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(this.test)}-desk.png`), fullPage: true });
      await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${revised}/read`), row.first().locator('a.thumb').click()]);
      expect(new URL(page.url()).searchParams.get('version')).to.equal('2');
      await loaded(page, '.reader-sheet img');
      expect(await page.locator('.reader-version').textContent()).to.include(locale === 'fa' ? 'بازنگری در انتظار بررسی' : 'revision waiting for review');
      expect(await page.locator('.reader-nav').first().textContent()).to.include(locale === 'fa' ? 'صفحهٔ ۱ از ۲' : 'Page 1 of 2');
      await Promise.all([page.waitForURL((url) => url.searchParams.get('page') === '2'), page.locator('.reader-nav a[rel=next]').first().click()]);
      expect(new URL(page.url()).searchParams.get('version'), 'the next page is of the same revision').to.equal('2');
      await loaded(page, '.reader-sheet img');
      expect(seen.files).to.deep.equal([]);
      expect(seen.downloads).to.equal(0);
      await noSidewaysScroll(page);
    });
  }

  for (const [device, locale] of [['phone', 'fa'], ['desktop', 'en']] as const) {
    it(`${device} (${locale}): a hit's title leads to the document page, whose link reads the hit's page with its word marked`, async function () {
      const page = await openAs('reader', device, locale);
      await page.goto(`/search?q=${encodeURIComponent(WORD)}`);
      const hit = page.locator('#search-results article.hit').filter({ hasText: TITLE });
      await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${study}`), hit.locator('a.hit-title').click()]);
      const link = page.locator('.reader-link a');
      await loaded(page, '.reader-link img');
      expect((await link.textContent())!.trim()).to.equal(locale === 'fa' ? 'خواندن صفحهٔ ۳ بی‌دریافت پرونده' : 'Read page 3 without downloading');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(this.test)}-document.png`), fullPage: false });
      await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${study}/read`), link.click()]);
      await loaded(page, '.reader-sheet img');
      expect(await page.locator('svg.reader-marks rect').count()).to.be.greaterThan(0);
      await noSidewaysScroll(page);
    });
  }

  it('desktop: the documents list shows each PDF’s first page, which opens the reader', async function () {
    const page = await openAs('tehran-staff', 'desktop', 'fa');
    await page.goto('/documents');
    const row = page.locator('tbody tr').filter({ hasText: TITLE });
    await loaded(page, 'tbody a.thumb img');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(this.test)}-list.png`), fullPage: false });
    await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${study}/read`), row.locator('a.thumb').click()]);
    await loaded(page, '.reader-sheet img');
    expect(await page.locator('.reader-nav').first().textContent()).to.include('صفحهٔ ۱ از ۳');
  });
});
