import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { storedObjects } from '../helpers/portal';
import { eventually, signIn, useBrowser } from './browser';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe('browser: uploading while the disk is below its floor', function () {
  this.timeout(120_000);
  // A floor above any real disk: the portal is always below it, and refuses every upload with 507.
  const suite = useBrowser({}, { DISK_FREE_FLOOR_MB: String(1024 ** 3) });

  /** The common details; `title` only without the script, which gives each file its own title from its name instead. */
  async function fillUploadForm(page: Page, labels: { title?: string; summary: string; kind: string }): Promise<void> {
    await page.goto('/documents/new');
    if (labels.title) await page.getByLabel(labels.title, { exact: true }).fill('گزارش بازدید از سیل‌بندهای شمالی');
    await page.getByLabel(labels.summary).fill('بازدید میدانی پس از بارش‌های بهاری');
    await page.getByLabel(labels.kind).selectOption('threat-study');
  }

  const counts = () => ({
    documents: suite.portal.services.db.prepare('SELECT count(*) FROM documents').pluck().get(),
    objects: storedObjects(suite.portal).length,
  });

  it('with the upload script: the file’s row is refused with the Persian storage-full message, nothing stored', async function () {
    const { page } = suite;
    await page.goto('/login');
    await signIn(page, 'tehran-staff');
    await fillUploadForm(page, { summary: 'چکیده', kind: 'نوع سند' });
    const before = counts();
    await page.locator('[data-dropzone] input[type=file]').setInputFiles([{ name: 'سیل‌بند.txt', mimeType: 'text/plain', buffer: Buffer.from('متن گزارش\n') }]);
    const item = page.locator('li.upload-item[data-file-name="سیل‌بند.txt"]');
    await item.waitFor();
    await page.getByRole('button', { name: 'بارگذاری', exact: true }).click();
    const state = () => item.evaluate((el) => (el.matches('[data-upload-state]') ? el : el.querySelector('[data-upload-state]'))?.getAttribute('data-upload-state') ?? null);
    await eventually('the row is refused', async () => (await state()) === 'refused', 30_000);
    expect(await item.textContent()).to.include('فضای ذخیره‌سازی سامانه پر است');
    expect(counts()).to.deep.equal(before);
  });

  for (const [label, locale, options] of [
    ['Persian, desktop', 'fa', {}],
    ['Persian, phone', 'fa', PHONE],
    ['English, desktop', 'en', {}],
    ['English, phone', 'en', PHONE],
  ] as const) {
    it(`without the script (${label}): a 507 page in the reader’s language that says nothing was kept`, async function () {
      const context = await suite.newContext({ ...options, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto('/login');
      await signIn(page, 'tehran-staff');
      if (locale === 'en') {
        await Promise.all([page.waitForURL((url) => url.pathname !== '/language/en'), page.locator('a.language-switch').click()]);
      }
      const labels = locale === 'fa' ? { title: 'عنوان', summary: 'چکیده', kind: 'نوع سند' } : { title: 'Title', summary: 'Summary', kind: 'Kind of document' };
      await fillUploadForm(page, labels);
      await page.locator('input[type=file]').first().setInputFiles([{ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('text\n') }]);
      const before = counts();
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('form[data-upload] button[type=submit], form button[type=submit]').last().click()]);
      expect(response.status()).to.equal(507);
      await page.waitForLoadState();
      const text = await page.locator('main').textContent();
      if (locale === 'fa') expect(text).to.include('فضای ذخیره‌سازی پر است').and.include('پرونده نگه داشته نشد');
      else expect(text).to.include('Storage is full').and.include('the file was not kept');
      expect(counts()).to.deep.equal(before);
    });
  }
});
