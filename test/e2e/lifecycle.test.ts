import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import type { BrowserContext, Page } from 'playwright-core';
import { addDocument, indexed, SCREENSHOT_DIR, signIn, useBrowser } from './browser';

const PHONE = { width: 390, height: 844 };
const OLD = Buffer.from('گزارش میدانی زاگرسپیما از مانور زلزلهٔ مدارس\n', 'utf8');
const NEW = Buffer.from('گزارش بازنگری‌شدهٔ البرزنوردی از مانور زلزلهٔ مدارس\n', 'utf8');

describe('browser: revising, withdrawing and deleting a document', function () {
  this.timeout(120_000);
  const suite = useBrowser();

  /** A page of a new context signed in as `username`, reading in `locale` (the sign-in form is Persian either way). */
  async function person(username: string, options: { locale?: 'fa' | 'en'; phone?: boolean } = {}): Promise<Page> {
    const context: BrowserContext = await suite.newContext(options.phone ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
    const page = await context.newPage();
    await page.goto('/login');
    await signIn(page, username);
    if (options.locale === 'en') await context.addCookies([{ name: 'tajrobe.lang', value: 'en', url: suite.baseURL }]);
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `lifecycle--${name}.png`), fullPage: true });
  const download = async (page: Page, id: string) => Buffer.from(await (await page.request.get(`/documents/${id}/file`)).body());

  it('a published document revised and the revision published: readers keep the old file until the secretariat publishes the new one', async function () {
    const { owner } = suite.people;
    const title = 'گزارش مانور زلزلهٔ مدارس';
    const id = await addDocument(suite, owner, { title, summary: 'تجربهٔ مانور سالانه' }, { content: OLD, name: 'گزارش مانور.txt' });
    await indexed(suite, id);

    const city = suite.page;
    await city.goto(`/documents/${id}`);
    await signIn(city, 'tehran-staff');
    await city.getByRole('heading', { level: 3, name: 'بارگذاری ویرایش تازه' }).waitFor();
    await city.locator('#version-file').setInputFiles({ name: 'گزارش مانور - بازنگری.txt', mimeType: 'text/plain', buffer: NEW });
    await Promise.all([city.waitForURL(`**/documents/${id}`), city.getByRole('button', { name: 'فرستادن ویرایش برای بررسی' }).click()]);
    await city.getByRole('status').filter({ hasText: 'برای بررسی به دبیرخانه فرستاده شد' }).waitFor();
    const panel = city.getByRole('region', { name: 'ویرایش تازهٔ سند' });
    expect(await panel.textContent()).to.contain('گزارش مانور - بازنگری.txt').and.contain('در انتظار بررسی دبیرخانه').and.contain('گزارش مانور.txt');
    await shot(city, 'city-revision-waiting-desktop-fa');

    const reader = await person('reader');
    await reader.goto(`/documents/${id}`);
    expect(await reader.locator('#content').textContent()).to.not.contain('بازنگری');
    expect(Buffer.compare(await download(reader, id), OLD), 'the reader still downloads the published file').to.equal(0);

    const secretariat = await person('sec');
    await secretariat.goto('/review');
    const revisions = secretariat.getByRole('region', { name: /ویرایش‌های اسناد منتشرشده/ });
    await Promise.all([secretariat.waitForURL(`**/documents/${id}`), revisions.getByRole('link', { name: title }).click()]);
    await shot(secretariat, 'secretariat-revision-desktop-fa');
    await Promise.all([secretariat.waitForURL(`**/documents/${id}`), secretariat.getByRole('button', { name: 'انتشار ویرایش تازه (نسخهٔ ۲)' }).click()]);
    await secretariat.getByRole('status').filter({ hasText: 'ویرایش تازه منتشر شد' }).waitFor();
    await secretariat.goto('/review');
    expect(await secretariat.getByRole('region', { name: /ویرایش‌های اسناد منتشرشده/ }).getByRole('link', { name: title }).count(), 'gone from the desk').to.equal(0);

    await indexed(suite, id);
    expect(Buffer.compare(await download(reader, id), NEW), 'the reader now downloads the revision').to.equal(0);
    await reader.reload();
    expect(await reader.locator('#content').textContent()).to.contain('گزارش مانور - بازنگری.txt');
    await reader.goto(`/search?q=${encodeURIComponent('البرزنوردی')}`);
    await reader.getByRole('link', { name: title }).first().waitFor();
  });

  it('withdraws with a reason on a confirmation page, shows it in the history, and the secretariat restores the document', async function () {
    const { owner } = suite.people;
    const id = await addDocument(suite, owner, { title: 'برنامهٔ آمادگی سیلاب' }, { content: Buffer.from('سیلاب\n'), name: 'سیلاب.txt' });
    const city = suite.page;
    await city.goto(`/documents/${id}`);
    await signIn(city, 'tehran-staff');
    await Promise.all([city.waitForURL(`**/documents/${id}/withdraw`), city.getByRole('link', { name: 'بایگانی (پس‌گرفتن)' }).click()]);
    await city.getByRole('heading', { level: 1, name: 'بایگانی سند' }).waitFor();
    await city.getByRole('button', { name: 'بایگانی شود' }).click();
    expect(new URL(city.url()).pathname, 'the browser asks for the reason before sending').to.equal(`/documents/${id}/withdraw`);
    await city.getByLabel('دلیل بایگانی').fill('نسخهٔ به‌روز نقشه‌ها در راه است');
    await shot(city, 'withdraw-confirmation-desktop-fa');
    await Promise.all([city.waitForURL(`**/documents/${id}`), city.getByRole('button', { name: 'بایگانی شود' }).click()]);
    await city.locator('.status-withdrawn').first().waitFor();
    expect(await city.locator('ol.history').textContent()).to.contain('نسخهٔ به‌روز نقشه‌ها در راه است');

    const secretariat = await person('sec');
    await secretariat.goto(`/documents/${id}`);
    await Promise.all([secretariat.waitForURL(`**/documents/${id}`), secretariat.getByRole('button', { name: 'برگرداندن از بایگانی (به «منتشرشده»)' }).click()]);
    await secretariat.getByRole('status').filter({ hasText: 'از بایگانی برگردانده شد' }).waitFor();
    const status = suite.portal.services.db.prepare('SELECT status FROM documents WHERE id = ?').pluck().get(id);
    expect(status).to.equal('published');
  });

  it('deletes a draft uploaded by mistake, after a confirmation', async function () {
    const { owner } = suite.people;
    const id = await addDocument(suite, owner, { title: 'پیش‌نویس اشتباهی' }, { content: Buffer.from('اشتباه\n'), name: 'اشتباه.txt' }, 'draft');
    const city = suite.page;
    await city.goto(`/documents/${id}`);
    await signIn(city, 'tehran-staff');
    await Promise.all([city.waitForURL(`**/documents/${id}/delete`), city.getByRole('link', { name: 'حذف سند' }).click()]);
    await city.getByLabel('دلیل حذف (اختیاری)').fill('دو بار بارگذاری شد');
    await Promise.all([city.waitForURL('**/documents'), city.getByRole('button', { name: 'حذف برای همیشه' }).click()]);
    await city.getByRole('status').filter({ hasText: 'پیش‌نویس اشتباهی' }).waitFor();
    expect((await city.request.get(`/documents/${id}`)).status()).to.equal(404);
  });

  for (const locale of ['fa', 'en'] as const) {
    it(`shows a revision and the confirmation pages on a phone (${locale})`, async function () {
      const { owner } = suite.people;
      const id = await addDocument(suite, owner, { title: 'مطالعهٔ خطر زمین‌لغزش شمال تهران' }, { content: Buffer.from('زمین‌لغزش\n'), name: 'زمین‌لغزش.txt' });
      await supertest(suite.portal.app).post(`/api/v1/documents/${id}/versions`).set(owner.auth).attach('file', Buffer.from('بازنگری زمین‌لغزش\n'), { filename: 'بازنگری زمین‌لغزش.txt' }).expect(201);
      const phone = await person('tehran-staff', { locale, phone: true });
      await phone.goto(`/documents/${id}`);
      await phone.locator('#revision-heading').waitFor();
      const width = await phone.evaluate('document.documentElement.scrollWidth');
      expect(width, 'nothing wider than the phone').to.be.at.most(PHONE.width);
      await shot(phone, `owner-revision-phone-${locale}`);
      await phone.goto(`/documents/${id}/withdraw`);
      await shot(phone, `withdraw-confirmation-phone-${locale}`);
      const secretariat = await person('sec', { locale, phone: true });
      await secretariat.goto(`/documents/${id}/delete`);
      expect(await secretariat.evaluate('document.documentElement.scrollWidth')).to.be.at.most(PHONE.width);
      await shot(secretariat, `delete-confirmation-phone-${locale}`);
      await secretariat.goto('/review');
      await shot(secretariat, `review-desk-phone-${locale}`);
      await secretariat.setViewportSize({ width: 1280, height: 900 });
      await secretariat.goto(`/documents/${id}`);
      await shot(secretariat, `secretariat-revision-desktop-${locale}`);
    });
  }
});
