import { expect } from 'chai';
import { addDocument, indexed, printPdf, signIn, useBrowser } from './browser';

const TEXT = (words: string) => ({ content: Buffer.from(`${words}\n`, 'utf8'), name: 'گزارش.txt' });

describe('browser: search', function () {
  this.timeout(90_000);
  const suite = useBrowser();
  let pdfDocument: string;

  before(async function () {
    this.timeout(90_000);
    const { owner, otherCity } = suite.people;
    const tehran = await addDocument(
      suite,
      owner,
      { title: 'مطالعهٔ خطر زلزلهٔ تهران', summary: 'آسیب‌پذیری ساختمان‌های مدارس', kind: 'threat-study', hazards: ['earthquake'], keywords: ['مدرسه'] },
      TEXT('گزارش میدانی مدارس منطقهٔ یک'),
    );
    const shiraz = await addDocument(
      suite,
      otherCity,
      { title: 'آموزش همگانی زلزله در شیراز', summary: 'کارگاه‌های محله‌ای', kind: 'training-material', hazards: ['earthquake'], keywords: ['آموزش'] },
      TEXT('برنامهٔ کارگاه‌های آموزشی محله‌ها'),
    );
    const pdf = await printPdf(suite.browser, ['پیشگفتار گزارش شبکهٔ آب شهر', 'پدافند غیرعامل در خطوط آبرسانی اصلی شهر']);
    pdfDocument = await addDocument(
      suite,
      owner,
      { title: 'گزارش شبکهٔ آب تهران', summary: 'بررسی خطوط لوله', kind: 'partnership-report', hazards: ['drought'], keywords: ['آب'] },
      { content: pdf, name: 'شبکهٔ آب.pdf' },
    );
    await indexed(suite, tehran, shiraz, pdfDocument);
  });

  async function searchPage() {
    const { page } = suite;
    await page.goto('/search');
    if (new URL(page.url()).pathname === '/login') await signIn(page, 'reader');
    return page;
  }

  const hits = () => suite.page.locator('#search-results article.hit');

  it('shows results as one types, filters by a facet with a removable chip, and moves to the first hit with ArrowDown', async function () {
    const page = await searchPage();
    // A full page load would drop this marker: results must come without submitting the form.
    await page.evaluate('window.__stillTheSamePage = true');
    const box = page.locator('input[type=search][name=q]');
    await box.pressSequentially('زلزله', { delay: 60 });
    await expectCount(hits, 2);
    expect(await page.locator('#search-results').textContent()).to.include('۲ نتیجه');
    expect(await page.evaluate('window.__stillTheSamePage === true'), 'results came without a page load').to.equal(true);
    expect(await page.locator('#search-results').textContent()).to.include('شیراز').and.to.include('تهران');

    const chip = page.getByRole('link', { name: /برداشتن پالایهٔ شهر: شیراز/ }).or(page.getByRole('button', { name: /برداشتن پالایهٔ شهر: شیراز/ }));
    expect(await chip.count(), 'no chip before a facet is chosen').to.equal(0);
    await page.getByRole('link', { name: /^شیراز(\s|$)/ }).or(page.getByRole('checkbox', { name: /^شیراز(\s|$)/ })).first().click();
    await chip.first().waitFor();
    await expectCount(hits, 1);
    expect(await page.locator('#search-results').textContent(), 'the count follows the facet').to.include('۱ نتیجه').and.not.include('۲ نتیجه');
    expect(await hits().first().textContent()).to.include('آموزش همگانی زلزله در شیراز');
    expect(await box.inputValue(), 'the query is kept').to.equal('زلزله');

    await chip.first().click();
    await chip.first().waitFor({ state: 'detached' });
    await expectCount(hits, 2);
    expect(await page.locator('#search-results').textContent()).to.include('۲ نتیجه');

    await box.focus();
    await page.keyboard.press('ArrowDown');
    const focusedFirstHit = await page.evaluate(
      "(() => { const first = document.querySelector('#search-results article.hit'); return !!first && !!document.activeElement && first.contains(document.activeElement); })()",
    );
    expect(focusedFirstHit, 'ArrowDown in the search box focuses the first hit').to.equal(true);
  });

  it('opens a hit at its page in the reader (an image of the page, on every device), and the original PDF inline at that page from there', async function () {
    const page = await searchPage();
    await page.locator('input[type=search][name=q]').pressSequentially('آبرسانی', { delay: 60 });
    await expectCount(hits, 1);
    const link = hits().first().locator('a.hit-page');
    expect(await link.getAttribute('href')).to.equal(`/documents/${pdfDocument}/read?page=2&q=${encodeURIComponent('آبرسانی')}`);

    await Promise.all([page.waitForURL((url) => url.pathname === `/documents/${pdfDocument}/read`), link.click()]);
    await page.locator('.reader-sheet img').waitFor();
    expect(await page.locator('.reader-nav').first().textContent()).to.include('صفحهٔ ۲ از ۲');

    const original = page.getByRole('link', { name: 'باز کردن پروندهٔ اصلی در نمایشگر مرورگر' });
    const href = await original.getAttribute('href');
    expect(href).to.equal(`/documents/${pdfDocument}/view#page=2`);
    const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === `/documents/${pdfDocument}/view`), original.click()]);
    expect(response.status()).to.equal(200);
    expect(response.headers()['content-type']).to.match(/^application\/pdf/);
    expect(response.headers()['content-disposition']).to.match(/^inline/);
    await page.waitForURL((url) => url.pathname === `/documents/${pdfDocument}/view`);
    expect(new URL(page.url()).hash).to.equal('#page=2');

    const again = await page.request.get(href!);
    expect(again.headers()['content-type']).to.match(/^application\/pdf/);
    expect((await again.body()).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
  });

  it('fits a 360×740 phone screen without horizontal scrolling', async function () {
    const phone = await (await suite.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })).newPage();
    await phone.goto('/login');
    await signIn(phone, 'reader');
    await phone.goto(`/search?q=${encodeURIComponent('زلزله')}`);
    await expectCount(() => phone.locator('#search-results article.hit'), 2);
    const { scrollWidth, innerWidth } = (await phone.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as {
      scrollWidth: number;
      innerWidth: number;
    };
    expect(innerWidth).to.equal(360);
    expect(scrollWidth, 'page width on a 360 px screen').to.be.at.most(innerWidth);
  });
});

/** Waits for exactly `n` elements (results arrive asynchronously), then asserts it. */
async function expectCount(locate: () => import('playwright-core').Locator, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await locate().count()) !== n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await locate().count()).to.equal(n);
}
