import { expect } from 'chai';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { addDocument, indexed, SCREENSHOT_DIR, signIn, useBrowser } from './browser';

const TEXT = (words: string) => ({ content: Buffer.from(`${words}\n`, 'utf8'), name: 'گزارش.txt' });

/**
 * Search that understands what people mean, as a person uses it: the secretariat adds a synonym
 * group on its page, a manager finds a document by that synonym, by a plural, by a natural
 * question with stop words and by an English hazard name, sees the partial-results notice, and
 * opens a document whose page points to another city's related experience. In Persian and
 * English, on a desktop and a 390×844 phone.
 */
describe('browser: search that understands what people mean', function () {
  this.timeout(120_000);
  const suite = useBrowser();
  let shirazShelter: string;
  let tehranShelter: string;

  before(async function () {
    this.timeout(120_000);
    const { owner, otherCity } = suite.people;
    tehranShelter = await addDocument(
      suite,
      owner,
      { title: 'پناهگاه اضطراری محله', summary: 'آب، برق اضطراری و اسکان موقت برای ساکنان', kind: 'health-safety-plan', hazards: ['earthquake'], keywords: ['اسکان'] },
      TEXT('پناهگاه اضطراری با مخزن آب و مولد برق برای اسکان موقت پس از زلزله'),
    );
    shirazShelter = await addDocument(
      suite,
      otherCity,
      { title: 'شناسایی پناهگاه‌ها و فضاهای باز شیراز', summary: 'پارک‌ها و ورزشگاه‌ها برای اسکان موقت', kind: 'threat-study', hazards: ['earthquake'], keywords: ['فضای باز'] },
      TEXT('پناهگاه‌های اضطراری در پارک‌ها شناسایی شدند و ظرفیت اسکان موقت برآورد شد'),
    );
    const drought = await addDocument(
      suite,
      otherCity,
      { title: 'جیره‌بندی آب در تابستان', summary: 'توزیع آب با تانکر در محله‌های مرتفع', kind: 'health-safety-plan', hazards: ['drought'], keywords: ['تانکر'] },
      TEXT('در ماه‌های گرم فشار آب در محله‌های مرتفع کم شد و آب با تانکر توزیع گردید'),
    );
    await indexed(suite, tehranShelter, shirazShelter, drought);
  });

  async function signedIn(page: Page, username: string, locale: 'fa' | 'en' = 'fa'): Promise<Page> {
    await page.goto('/login');
    await signIn(page, username);
    if (locale === 'en') {
      await page.goto('/search');
      await Promise.all([page.waitForURL((url) => url.pathname === '/search'), page.locator('a.language-switch').click()]);
    }
    return page;
  }

  const resultIds = async (page: Page): Promise<string[]> => {
    const hrefs = await page.locator('#search-results article.hit a.hit-title').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    return hrefs.map((href) => href.split('?')[0]!.split('/').pop()!);
  };

  async function searchFor(page: Page, q: string): Promise<void> {
    await page.goto(`/search?q=${encodeURIComponent(q)}`);
  }

  it('lets the secretariat add a synonym group on its page, and search finds a document by the new term at once', async function () {
    const page = await signedIn(suite.page, 'sec');
    await page.goto('/search');
    await Promise.all([page.waitForURL((url) => url.pathname === '/synonyms'), page.getByRole('link', { name: 'گروه‌های هم‌معنا' }).click()]);
    await page.getByLabel('واژه‌های هم‌معنا').fill('جیره‌بندی\nسهمیه‌بندی، Rationing');
    await Promise.all([page.waitForURL((url) => url.pathname === '/synonyms'), page.getByRole('button', { name: 'افزودن گروه' }).click()]);
    expect(await page.locator('.flash').textContent()).to.include('گروه هم‌معنا افزوده شد.');
    expect(await page.locator('.synonym-groups').textContent()).to.include('سهمیه‌بندی');
    await searchFor(page, 'سهمیه‌بندی آب');
    expect(await resultIds(page)).to.include(suite.portal.services.db.prepare("SELECT id FROM documents WHERE title = 'جیره‌بندی آب در تابستان'").pluck().get() as string);
    await page.goto('/synonyms');
  });

  it('finds a plural, a natural question and an English hazard name, and says when results have only some words', async function () {
    const page = await signedIn(suite.page, 'reader');
    await searchFor(page, 'پناهگاه‌ها');
    expect(await resultIds(page)).to.have.members([shirazShelter, tehranShelter]);
    expect((await resultIds(page))[0]).to.equal(shirazShelter);
    await searchFor(page, 'گزارش درباره پناهگاه در شیراز');
    expect(await resultIds(page)).to.include(shirazShelter);
    await searchFor(page, 'drought');
    expect(await page.locator('#search-results').textContent()).to.include('جیره‌بندی آب در تابستان');
    const box = page.locator('input[type=search][name=q]');
    await box.fill('');
    await box.pressSequentially('پناهگاه فضاپیما', { delay: 40 });
    await page.locator('.relaxed-notice').waitFor();
    expect(await page.locator('.relaxed-notice').textContent()).to.include('نتایجی که برخی از واژه‌ها را دارند');
    expect(await resultIds(page)).to.have.members([shirazShelter, tehranShelter]);
  });

  it('shows related experience from other cities on a document page, and opens it', async function () {
    const page = await signedIn(suite.page, 'reader');
    await page.goto(`/documents/${tehranShelter}`);
    const box = page.locator('section.related-documents');
    await box.waitFor();
    expect(await box.locator('h2').textContent()).to.equal('تجربهٔ مرتبط از شهرهای دیگر');
    expect(await box.textContent()).to.include('شیراز');
    await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${shirazShelter}`), box.getByRole('link', { name: /پناهگاه‌ها/ }).click()]);
    await page.goto(`/documents/${tehranShelter}`);
  });

  it('works in English: the partial-results notice, the related box and the synonym page', async function () {
    const page = await signedIn(suite.page, 'sec', 'en');
    await searchFor(page, 'پناهگاه فضاپیما');
    expect(await page.locator('.relaxed-notice').textContent()).to.include('Results that have some of the words');
    await page.goto(`/documents/${tehranShelter}`);
    expect(await page.locator('section.related-documents h2').textContent()).to.equal('Related experience from other cities');
    await page.goto('/synonyms');
    expect(await page.locator('h1').textContent()).to.equal('Synonym groups');
  });

  for (const locale of ['fa', 'en'] as const) {
    it(`fits a 390×844 phone in ${locale === 'fa' ? 'Persian' : 'English'}: partial results, related box and synonym page without sideways scrolling`, async function () {
      const phone = await (await suite.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
      await signedIn(phone, 'sec', locale);
      for (const [name, url] of [
        ['search', `/search?q=${encodeURIComponent('پناهگاه فضاپیما')}`],
        ['document', `/documents/${tehranShelter}`],
        ['synonyms', '/synonyms'],
      ] as const) {
        await phone.goto(url);
        await phone.screenshot({ path: path.join(SCREENSHOT_DIR, `meaning--phone-${locale}-${name}.png`), fullPage: true });
        const { scrollWidth, innerWidth } = (await phone.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as {
          scrollWidth: number;
          innerWidth: number;
        };
        expect(scrollWidth, url).to.be.at.most(innerWidth);
      }
      await phone.goto(`/documents/${tehranShelter}`);
      await phone.locator('section.related-documents').scrollIntoViewIfNeeded();
    });
  }
});
