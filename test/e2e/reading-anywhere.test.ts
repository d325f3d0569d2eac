import { expect } from 'chai';
import supertest from 'supertest';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { packageCreateSchema } from '../../server/packages/packages.schema';
import { binaryBody } from '../helpers/portal';
import { readZip } from '../helpers/zip-reader';
import { addDocument, indexed, printPdf, signIn, useBrowser } from './browser';

/**
 * Issue 12, items 2-6: reading the portal on a phone and a desktop, in Persian and English, in light and dark:
 * results before filters, the main action in the first screen, tables as cards, text in its own direction,
 * the search page's details, the secretariat's pages, dark mode. Each test leaves a screenshot.
 */

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
const SMALL_PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } as const;
const DESKTOP = { viewport: { width: 1280, height: 900 } } as const;
type Locale = 'fa' | 'en';
type Who = 'sec' | 'tehran-staff' | 'reader';

describe('browser: reading anywhere', function () {
  this.timeout(120_000);
  const suite = useBrowser();
  const signedIn = new Map<Who, BrowserContextOptions['storageState']>();
  const ids: Record<string, string> = {};
  let packageId = '';
  const FAULT_TITLE = 'برآورد خطر گسل توس: نتایج.';

  before(async function () {
    this.timeout(180_000);
    const { owner, secretariat } = suite.people;
    const pdf = await printPdf(suite.browser, [
      'خطر گسل توس، برآورد شد و خانه‌ها باید ایمن شوند. این گزارش نتایج را می‌آورد.',
      'صفحهٔ دوم: پناهگاه‌های اضطراری کنار گسل توس.',
    ]);
    ids.fault = await addDocument(
      suite,
      owner,
      { title: FAULT_TITLE, summary: 'بررسی گسل توس و برآورد خسارت در محله‌های شمالی.', year: '1402', resolutions: ['9/2'], keywords: ['گسل', 'Tous fault'] },
      { content: pdf, name: 'گزارش گسل Tous-2023 نهایی.pdf' },
    );
    const text = (words: string, name: string) => ({ content: Buffer.from(`${words}\n`, 'utf8'), name });
    const others: [string, string, string, string][] = [
      ['mashhad', 'آموزش همگانی آمادگی در برابر گسل‌ها', 'training-material', '1398'],
      ['isfahan', 'طرح سلامت و ایمنی شهروندان در زلزله', 'health-safety-plan', '1396'],
      ['shiraz', 'گزارش همکاری با هلال احمر پس از زمین‌لرزه', 'partnership-report', '1401'],
      ['tabriz', 'مطالعهٔ لرزه‌خیزی گسل شمال تبریز', 'threat-study', '1399'],
    ];
    for (const [city, title, kind, year] of others) {
      ids[city] = await addDocument(suite, secretariat, { title, summary: `${title} — خلاصه`, kind, year, city, resolutions: ['9/4'] }, text(`${title}. گسل و زلزله در شهر.`, `${city}-report گزارش.txt`));
    }
    ids.waiting = await addDocument(suite, secretariat, { title: 'گزارش در انتظار بررسی مشهد', city: 'mashhad', resolutions: ['9/2'] }, text('در انتظار', 'waiting.txt'), 'submitted');
    await indexed(suite, ids.fault!, ...others.map(([city]) => ids[city]!));

    const pkg = suite.portal.services.packages.create(
      secretariat.user,
      packageCreateSchema.parse({
        title: 'بستهٔ آموزشی گسل‌ها',
        note: 'برای همهٔ شهرها؛ پیش از مانور بخوانید.',
        documents: [
          { id: ids.fault, note: 'نتایج برآورد' },
          { id: ids.mashhad, note: '' },
        ],
        audience: { all: true },
      }),
    );
    packageId = pkg.id;
    suite.portal.services.packages.publish(secretariat.user, pkg.id);

    // A follow-up tells every city about 9/2; an edited title and a deleted draft fill the audit log.
    suite.portal.services.resolutions.addFollowup(secretariat.user, 9, 2, { note: 'یادآوری به شهرها' });
    const deleted = await addDocument(suite, owner, { title: 'پیش‌نویس حذف‌شده', resolutions: [] }, text('حذف', 'draft.txt'), 'draft');
    await supertest(suite.portal.app).delete(`/api/v1/documents/${deleted}`).set(owner.auth).send({}).expect(204);
    ids.deleted = deleted;

    for (const who of ['sec', 'tehran-staff', 'reader'] as const) {
      const context = await suite.browser.newContext({ baseURL: suite.baseURL });
      const page = await context.newPage();
      await page.goto('/login');
      await signIn(page, who);
      signedIn.set(who, await context.storageState());
      await context.close();
    }
  });

  /** A signed-in page in `locale`, in a context of its own (kept for the screenshot). */
  async function open(who: Who, locale: Locale, path: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await suite.newContext({ storageState: signedIn.get(who), ...options });
    await context.addCookies([{ name: 'tajrobe.lang', value: locale, url: suite.baseURL }]);
    const page = await context.newPage();
    const response = await page.goto(path);
    expect(response?.status(), `${path} answers`).to.equal(200);
    expect(new URL(page.url()).pathname, 'still signed in').to.not.equal('/login');
    await page.evaluate('document.fonts.ready.then(() => true)');
    return page;
  }

  async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
    const { scrollWidth, innerWidth } = (await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as {
      scrollWidth: number;
      innerWidth: number;
    };
    expect(scrollWidth, `${what}: page width ${scrollWidth} on a ${innerWidth} px screen`).to.be.at.most(innerWidth);
  }

  /** Whether the whole element shows in the first screen (no scrolling). */
  async function expectInFirstScreen(locator: Locator, what: string): Promise<void> {
    const box = await locator.boundingBox();
    expect(box, `${what} is shown`).to.not.equal(null);
    const height = locator.page().viewportSize()!.height;
    expect(box!.y + box!.height, `${what} ends at ${Math.round(box!.y + box!.height)} px, the screen at ${height}`).to.be.at.most(height);
  }

  /** Whether a line of text runs right to left: its last character is drawn left of its first. */
  async function runsRightToLeft(locator: Locator): Promise<boolean> {
    return locator.evaluate((element) => {
      const page = globalThis as unknown as BrowserWindow;
      const walker = page.document.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
      const text = walker.nextNode();
      if (!text?.textContent?.trim()) throw new Error('no text');
      const length = text.textContent.trimEnd().length;
      const first = page.document.createRange();
      first.setStart(text, 0);
      first.setEnd(text, 1);
      const last = page.document.createRange();
      last.setStart(text, length - 1);
      last.setEnd(text, length);
      return last.getBoundingClientRect().left < first.getBoundingClientRect().left;
    });
  }

  /** A table head kept for screen readers only: a box of a pixel at most. */
  async function hiddenHead(head: Locator): Promise<boolean> {
    const box = await head.boundingBox();
    return box === null || (box.width <= 1 && box.height <= 1);
  }

  const search = (q: string, extra = '') => `/search?q=${encodeURIComponent(q)}${extra}`;

  describe('phone', function () {
    for (const locale of ['fa', 'en'] as const) {
      it(`search (${locale}) at 390×844: the first hit in the first screen, the filters behind a toggle, no keyboard hint`, async function () {
        const page = await open('reader', locale, search('گسل', '&year=1402&year=1398'), PHONE);
        const firstHit = page.locator('#search-results article.hit').first();
        await expectInFirstScreen(firstHit.locator('h2'), 'the first hit’s title');
        const toggle = page.locator('[data-filters-panel] > summary');
        expect((await toggle.textContent())!.trim()).to.equal(locale === 'fa' ? 'پالایه‌ها (۲)' : 'Filters (2)');
        expect(await page.locator('.facets').isVisible(), 'facets closed').to.equal(false);
        const toggleBox = (await toggle.boundingBox())!;
        expect(toggleBox.y, 'the toggle is above the hits').to.be.below((await firstHit.boundingBox())!.y);
        expect(await page.locator('#search-keys').isVisible(), 'no keyboard hint on a touch screen').to.equal(false);
        await expectNoSidewaysScroll(page, 'search');
        await toggle.click();
        await page.locator('.facets [data-facet="city"]').waitFor();
        expect(await page.locator('.facets').isVisible()).to.equal(true);
        await expectNoSidewaysScroll(page, 'search with the filters open');
      });

      it(`document (${locale}) at 390×844: download in the first screen, versions as cards`, async function () {
        const page = await open('reader', locale, `/documents/${ids.fault}`, PHONE);
        const download = page.locator('[data-main-download]');
        await expectInFirstScreen(download, 'the download button');
        expect(await download.getAttribute('href')).to.equal(`/documents/${ids.fault}/file`);
        expect(await hiddenHead(page.locator('table.versions thead')), 'the versions table head is hidden').to.equal(true);
        await expectNoSidewaysScroll(page, 'document');
        const response = await page.request.get(`/documents/${ids.fault}/file`);
        expect(response.status()).to.equal(200);
        expect((await response.body()).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
      });

      for (const [name, who, path] of [
        ['documents', 'tehran-staff', '/documents?city='],
        ['review', 'sec', '/review'],
        ['packages', 'reader', '/packages'],
        ['resolutions', 'sec', '/resolutions'],
        ['compliance', 'reader', '/resolutions/compliance'],
        ['dashboard', 'sec', '/dashboard'],
        ['audit', 'sec', '/audit'],
        ['users', 'sec', '/users'],
        ['notifications', 'tehran-staff', '/notifications'],
        ['city', 'reader', '/cities/tehran'],
      ] as const) {
        it(`${name} (${locale}) at 390×844: no sideways scroll; its tables are cards`, async function () {
          const page = await open(who, locale, path, PHONE);
          await expectNoSidewaysScroll(page, name);
          for (const head of await page.locator('table.cards > thead').all()) expect(await hiddenHead(head), 'a card table shows no head row').to.equal(true);
        });
      }

      it(`package (${locale}) at 390×844: the ZIP download in the first screen`, async function () {
        const page = await open('reader', locale, `/packages/${packageId}`, PHONE);
        await expectInFirstScreen(page.locator(`a[href="/packages/${packageId}/download"]`), 'the ZIP download');
        await expectNoSidewaysScroll(page, 'package');
      });

      it(`forms (${locale}) at 360 px: every secretariat form fits`, async function () {
        for (const path of ['/packages/new', `/packages/new?add=${ids.fault}`, '/documents/new', `/documents/${ids.fault}/edit`, '/users', '/cities/manage', '/resolutions', '/audit', '/synonyms']) {
          const page = await open('sec', locale, path, SMALL_PHONE);
          await expectNoSidewaysScroll(page, path);
          for (const form of await page.locator('main form').all()) {
            if (!(await form.isVisible())) continue;
            const box = (await form.boundingBox())!;
            expect(box.x, `${path}: a form starts inside the screen`).to.be.at.least(0);
            expect(box.x + box.width, `${path}: a form ends inside the screen`).to.be.at.most(360);
          }
          if (path !== '/synonyms') await page.close();
        }
      });
    }

    it('filters without JavaScript: the toggle opens, and a chosen filter counts in it', async function () {
      const page = await open('reader', 'fa', search('گسل'), { ...PHONE, javaScriptEnabled: false });
      const toggle = page.locator('[data-filters-panel] > summary');
      expect((await toggle.textContent())!.trim()).to.equal('پالایه‌ها');
      await toggle.click();
      await page.locator('.facets [data-facet="city"]').waitFor();
      await Promise.all([page.waitForURL((url) => url.searchParams.get('city') === 'tabriz'), page.locator('[data-facet="city"] a[data-facet-value="tabriz"]').click()]);
      expect((await page.locator('[data-filters-panel] > summary').textContent())!.trim()).to.equal('پالایه‌ها (۱)');
      expect(await page.locator('#search-results article.hit').count()).to.equal(1);
      await page.locator('[data-filters-panel] > summary').click();
      await page.locator('.facets').waitFor();
    });

    it('filters on a desktop: beside the hits, without a toggle', async function () {
      const page = await open('reader', 'fa', search('گسل'), DESKTOP);
      expect(await page.locator('.facets [data-facet="city"]').isVisible()).to.equal(true);
      expect(await page.locator('[data-filters-panel] > summary').isVisible()).to.equal(false);
      expect(await page.locator('#search-keys').isVisible(), 'the keyboard hint shows where there is a keyboard').to.equal(true);
      const facets = (await page.locator('.facets').boundingBox())!;
      const hit = (await page.locator('article.hit').first().boundingBox())!;
      expect(facets.x, 'in Persian the filters stand right of the hits').to.be.above(hit.x);
    });
  });

  describe('directions', function () {
    it('English interface: a Persian title, summary and snippet run right to left', async function () {
      const page = await open('reader', 'en', `/documents/${ids.fault}`, DESKTOP);
      expect(await page.locator('html').getAttribute('dir')).to.equal('ltr');
      const title = page.locator('main h1');
      expect(await title.textContent()).to.equal(FAULT_TITLE);
      expect(await runsRightToLeft(title), 'the full stop of «نتایج.» is at the left end').to.equal(true);
      expect(await runsRightToLeft(page.locator('main p.summary'))).to.equal(true);

      await page.goto(search('توس'));
      const hit = page.locator('article.hit', { has: page.locator(`a[href^="/documents/${ids.fault}"]`) });
      expect(await runsRightToLeft(hit.locator('a.hit-title'))).to.equal(true);
      expect(await runsRightToLeft(hit.locator('p.snippet'))).to.equal(true);
      expect(await hit.locator('bdi.file-name').textContent()).to.equal('گزارش گسل Tous-2023 نهایی.pdf');

      await page.goto('/documents');
      expect(await runsRightToLeft(page.locator(`a[href="/documents/${ids.fault}"]`))).to.equal(true);
    });

    it('Persian interface: an English keyword runs left to right', async function () {
      const page = await open('reader', 'fa', `/documents/${ids.fault}`, DESKTOP);
      const keyword = page.locator('dd bdi', { hasText: 'Tous fault' });
      expect(await runsRightToLeft(keyword)).to.equal(false);
    });
  });

  describe('search page', function () {
    it('snippets keep the spacing of the original around punctuation', async function () {
      const page = await open('reader', 'fa', search('ایمن شوند'), DESKTOP);
      const snippet = page.locator('article.hit', { has: page.locator(`a[href^="/documents/${ids.fault}"]`) }).locator('p.snippet');
      const text = (await snippet.textContent())!;
      expect(text).to.include('توس، برآورد').and.not.include('توس ،');
      expect(text).to.include('شوند.').and.not.include('شوند .');
    });

    for (const locale of ['fa', 'en'] as const) {
      it(`nothing found (${locale}): a plain message, no empty filter box`, async function () {
        const page = await open('reader', locale, search('فضاپیمای ناموجود', '&city=tabriz'), PHONE);
        await page.locator('.empty-results').waitFor();
        expect(await page.locator('.facets').count()).to.equal(0);
        expect(await page.locator('[data-filters-panel]').count()).to.equal(0);
        const remove = page.locator('.empty-results a', { hasText: locale === 'fa' ? 'پالایه‌ها را بردارید' : 'Remove the filters' });
        await Promise.all([page.waitForURL((url) => !url.searchParams.has('city')), remove.click()]);
        expect(new URL(page.url()).searchParams.get('q')).to.equal('فضاپیمای ناموجود');
        await expectNoSidewaysScroll(page, 'empty search');
      });
    }

    it('sort, years newest first, resolutions named in words', async function () {
      const page = await open('reader', 'fa', search('گسل'), DESKTOP);
      const sort = page.getByRole('navigation', { name: 'ترتیب' });
      expect(await sort.locator('a[aria-current="true"]').textContent()).to.equal('مرتبط‌ترین');
      const years = await page.locator('[data-facet="year"] a[data-facet-value]').evaluateAll((links) => links.map((a) => Number(a.getAttribute('data-facet-value'))));
      expect(years.length).to.be.at.least(3);
      expect(years).to.deep.equal([...years].sort((a, b) => b - a));

      const resolution = page.locator('[data-facet="resolution"] a[data-facet-value="9/2"]');
      expect(await resolution.textContent()).to.equal('۹/۲');
      const hover = (await resolution.getAttribute('title'))!;
      expect(hover).to.match(/^کلیه کلان شهرهای کشور یک نسخه از هر مطالعاتی/).and.match(/…$/);
      expect(await resolution.getAttribute('aria-label')).to.equal(`مصوبهٔ ۹/۲: ${hover}`);

      await Promise.all([page.waitForURL((url) => url.searchParams.get('sort') === 'newest'), sort.getByRole('link', { name: 'تازه‌ترین' }).click()]);
      const titles = await page.locator('article.hit a.hit-title').allTextContents();
      expect(titles[0], 'the document added last comes first').to.equal('مطالعهٔ لرزه‌خیزی گسل شمال تبریز');
      expect(await page.getByRole('navigation', { name: 'ترتیب' }).locator('a[aria-current="true"]').textContent()).to.equal('تازه‌ترین');
      expect(await page.locator('form[role=search] input[name=sort]').inputValue(), 'typing keeps the order').to.equal('newest');

      await Promise.all([page.waitForURL((url) => url.searchParams.get('resolution') === '9/2'), page.locator('[data-facet="resolution"] a[data-facet-value="9/2"]').click()]);
      const chip = page.locator('.chips a.chip');
      expect(await chip.getAttribute('title')).to.equal(hover);
      expect(await chip.getAttribute('aria-label')).to.include(hover);
    });
  });

  describe('secretariat', function () {
    for (const locale of ['fa', 'en'] as const) {
      it(`dashboard (${locale}): every city, the silent ones first, no label runs into its bar`, async function () {
        const page = await open('sec', locale, '/dashboard', DESKTOP);
        const silent = page.locator('table.silent-cities');
        const rows = silent.locator('tbody tr');
        expect(await rows.count()).to.equal(suite.portal.services.reference.cities().length);
        const totals = await rows.locator('td[data-total]').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-total'))));
        expect(totals[0]).to.equal(0);
        expect(totals).to.deep.equal([...totals].sort((a, b) => a - b));
        for (const chart of await page.locator('svg.chart').all()) {
          const overlaps = await chart.evaluate((svg) => {
            const found: string[] = [];
            for (const row of svg.querySelectorAll('g.row')) {
              const bar = row.querySelector('rect') as unknown as BoxedElement | null;
              if (!bar || bar.getBBox().width === 0) continue;
              const b = bar.getBoundingClientRect();
              for (const label of row.querySelectorAll('text.label') as unknown as Iterable<BoxedElement>) {
                const a = label.getBoundingClientRect();
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) found.push(label.textContent ?? '');
              }
            }
            return found;
          });
          expect(overlaps, 'labels over their bars').to.deep.equal([]);
        }
        await expectNoSidewaysScroll(page, 'dashboard');
      });
    }

    it('compliance: published and waiting for review apart', async function () {
      const page = await open('sec', 'fa', '/resolutions/compliance', DESKTOP);
      expect((await page.locator('td[data-city="mashhad"][data-ref="9/2"]').textContent())!.trim()).to.equal('۰ + ۱ در انتظار');
      expect((await page.locator('td[data-city="tehran"][data-ref="9/2"]').textContent())!.trim()).to.equal('۱');
      const heading = page.locator('table.compliance thead a', { hasText: '۹/۲' });
      expect(await heading.getAttribute('aria-label')).to.match(/^مصوبهٔ ۹\/۲: کلیه کلان شهرهای کشور/);
      expect(await heading.getAttribute('title')).to.match(/^کلیه کلان شهرهای کشور/);
    });

    for (const locale of ['fa', 'en'] as const) {
      it(`audit (${locale}): labelled details, titles linked, a deleted document by its recorded title`, async function () {
        const page = await open('sec', locale, '/audit', DESKTOP);
        const created = page.locator('tr', { has: page.locator(`a[href="/documents/${ids.fault}"]`) }).first();
        expect(await created.locator('a', { hasText: FAULT_TITLE }).count()).to.be.at.least(1);
        const deletedRow = page.locator('tr[data-action="document.deleted"]').first();
        expect(await deletedRow.locator('.deleted-document').textContent()).to.include('پیش‌نویس حذف‌شده');
        expect(await deletedRow.locator(`a[href="/documents/${ids.deleted}"]`).count()).to.equal(0);
        expect(await page.locator('td.audit-details').allTextContents()).to.satisfy((texts: string[]) => texts.every((text) => !text.includes('{"')));
        expect(await page.locator('td.audit-details dt').first().textContent()).to.match(locale === 'fa' ? /[\u0600-\u06FF]/ : /^[A-Z]/);
      });
    }

    it('notifications: Persian digits («۹/۲») in Persian, Latin ones in English', async function () {
      const page = await open('tehran-staff', 'fa', '/notifications', PHONE);
      const texts = await page.locator('.notification-list a').allTextContents();
      expect(texts.join(' | ')).to.include('۹/۲').and.not.match(/[0-9]/);
      const english = await open('tehran-staff', 'en', '/notifications', PHONE);
      expect((await english.locator('.notification-list a').allTextContents()).join(' | ')).to.include('9/2');
    });
  });

  describe('dark', function () {
    for (const [name, who, path] of [
      ['search', 'reader', search('گسل')],
      ['document', 'reader', '/documents/FAULT'],
      ['dashboard', 'sec', '/dashboard'],
      ['review', 'sec', '/review'],
    ] as const) {
      for (const locale of ['fa', 'en'] as const) {
        it(`${name} (${locale}) follows the system’s dark setting`, async function () {
          const page = await open(who, locale, path.replace('FAULT', ids.fault!), { ...PHONE, colorScheme: 'dark' });
          const colours = (await page.evaluate(
            '({ body: getComputedStyle(document.body).backgroundColor, ink: getComputedStyle(document.body).color })',
          )) as { body: string; ink: string };
          expect(luminance(colours.body), `background ${colours.body}`).to.be.below(0.05);
          expect(luminance(colours.ink), `text ${colours.ink}`).to.be.above(0.6);
          await expectNoSidewaysScroll(page, `${name} in the dark`);
        });
      }
    }
  });

  it('ZIP table of contents: a mixed Persian/Latin file name in its own direction', async function () {
    const { reader } = suite.people;
    const zip = await supertest(suite.portal.app).get(`/api/v1/packages/${packageId}/download`).set(reader.auth).buffer(true).parse(binaryBody).expect(200);
    const index = (await readZip(zip.body as Buffer)).find((entry) => entry.name.endsWith('/index.html'))!;
    const page = await (await suite.newContext(DESKTOP)).newPage();
    await page.setContent(index.data.toString('utf8'));
    const link = page.locator('td a', { hasText: 'Tous-2023' });
    expect(await link.evaluate((a) => (globalThis as unknown as BrowserWindow).getComputedStyle(a).direction)).to.equal('rtl');
    expect(await link.textContent()).to.equal('01 - گزارش گسل Tous-2023 نهایی.pdf');
  });
});

/** Relative luminance of a CSS rgb() colour, 0 (black) to 1 (white). */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The few browser objects these checks use (the tests compile without the DOM library). */
interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface BoxedElement {
  textContent: string | null;
  getBBox(): { width: number };
  getBoundingClientRect(): Rect;
  getClientRects(): Iterable<Rect>;
}
interface BrowserWindow {
  document: {
    createTreeWalker(root: unknown, what: number): { nextNode(): { textContent: string | null } | null };
    createRange(): { setStart(node: unknown, at: number): void; setEnd(node: unknown, at: number): void; getBoundingClientRect(): Rect };
  };
  getComputedStyle(element: unknown): { direction: string };
}
