import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import type { Catalogue } from '../../server/i18n/catalogue';
import { PASSWORD, SAMPLE_PDF } from '../helpers/portal';
import { addDocument, eventually, printPdf, SCREENSHOT_DIR, screenshotName, useBrowser } from './browser';

/** The journeys of issue 9's day-one work, on a desktop and a 390×844 phone, in Persian and in English. */
const VARIANTS: { name: string; locale: 'fa' | 'en'; options: BrowserContextOptions }[] = [
  { name: 'Persian desktop', locale: 'fa', options: { viewport: { width: 1280, height: 900 } } },
  { name: 'Persian phone', locale: 'fa', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  { name: 'English desktop', locale: 'en', options: { viewport: { width: 1280, height: 900 }, locale: 'en-GB' } },
  { name: 'English phone', locale: 'en', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' } },
];

describe('browser: day-one work', function () {
  this.timeout(180_000);
  const suite = useBrowser();
  let pdf: Buffer;

  before(async function () {
    this.timeout(60_000);
    pdf = await printPdf(suite.browser, ['گزارش بازدید پس از زلزلهٔ ۱۴۰۲ در محله‌های جنوبی']);
  });

  /** A page of a new context (a person at their own computer), signed in through the form, reading in `locale`. */
  async function personAt(variant: (typeof VARIANTS)[number], username: string, start: string): Promise<Page> {
    const page = await (await suite.newContext(variant.options)).newPage();
    if (variant.locale === 'en') await page.goto('/language/en?back=/login');
    await page.goto(start);
    if (new URL(page.url()).pathname === '/login') {
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.locator('form[action="/login"] button[type=submit]').click()]);
    }
    expect(await page.locator('html').getAttribute('lang')).to.equal(variant.locale);
    return page;
  }

  /** A picture in the middle of a journey, named after the test. */
  async function snap(page: Page, test: Mocha.Context, step: string): Promise<void> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(test.test)}--${step}.png`), fullPage: true });
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    const [scrollWidth, innerWidth] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    expect(scrollWidth, `the page fits ${innerWidth} px`).to.be.at.most(innerWidth);
  }

  /** Drops files on the drop zone as a desktop would (a real drop event carrying a DataTransfer). */
  async function drop(page: Page, files: { name: string; type: string; content: Buffer }[]): Promise<void> {
    // Runs in the page (the project's TypeScript has no DOM types, so the page's globals are named here).
    type PageGlobals = {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
      atob(text: string): string;
    };
    const dataTransfer = await page.evaluateHandle(
      (list) => {
        const page = globalThis as unknown as PageGlobals;
        const transfer = new page.DataTransfer();
        for (const file of list) {
          const bytes = Uint8Array.from(page.atob(file.base64), (ch) => ch.charCodeAt(0));
          transfer.items.add(new page.File([bytes], file.name, { type: file.type }));
        }
        return transfer;
      },
      files.map((f) => ({ name: f.name, type: f.type, base64: f.content.toString('base64') })),
    );
    await page.locator('[data-dropzone]').dispatchEvent('drop', { dataTransfer });
  }

  const statusOf = (id: string) => suite.portal.services.db.prepare('SELECT status FROM documents WHERE id = ?').pluck().get(id) as string;

  it('Persian desktop: a file the portal already has is uploaded with a warning beside it, linking to the other document', async function () {
    const existing = await addDocument(suite, suite.people.owner, { title: 'گزارش پیشین همین پرونده' }, { content: SAMPLE_PDF, name: 'پیشین.pdf' }, 'draft');
    const city = await personAt(VARIANTS[0]!, 'tehran-staff', '/documents/new');
    await city.locator('[data-dropzone] input[type=file]').setInputFiles([{ name: 'دوباره.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF }]);
    await city.getByLabel(fa.documents.upload.summary).fill('همان پرونده، دوباره');
    await city.getByLabel(fa.documents.upload.kind).selectOption('other');
    await city.getByRole('button', { name: fa.documents.upload.submit, exact: true }).click();
    const warning = city.locator('li.upload-item[data-file-name="دوباره.pdf"] .upload-duplicates');
    await warning.waitFor();
    expect(await warning.textContent()).to.include(fa.documents.queue.duplicates);
    expect(await warning.locator(`a[href="/documents/${existing}"]`).textContent()).to.equal('گزارش پیشین همین پرونده');
    await snap(city, this, 'duplicate');
  });

  for (const variant of VARIANTS) {
    const t: Catalogue = variant.locale === 'fa' ? fa : en;
    const tag = variant.name.replace(/\W+/g, '').toLowerCase();

    it(`${variant.name}: three files dropped, three distinct titles typed, submitted together`, async function () {
      const city = await personAt(variant, 'tehran-staff', '/documents/new');
      expect(new URL(city.url()).pathname).to.equal('/documents/new');
      const files = [
        { name: `گزارش_زلزله-۱۴۰۲-${tag}.pdf`, type: 'application/pdf', content: pdf },
        { name: `گزارش_زلزله-۱۴۰۲-${tag}.txt`, type: 'text/plain', content: Buffer.from('گزارش بازدید پس از زلزله؛ متن کامل\n', 'utf8') },
        { name: `earthquake_drill-notes-${tag}.md`, type: 'text/markdown', content: Buffer.from('# Earthquake drill\n\nNotes from the school drill.\n', 'utf8') },
      ];
      const extra = { name: `اشتباهی-${tag}.txt`, type: 'text/plain', content: Buffer.from('این پرونده نباید فرستاده شود\n', 'utf8') };
      await drop(city, [...files, extra]);
      const rows = city.locator('li.upload-item');
      await eventually('four rows are listed', async () => (await rows.count()) === 4, 5_000);

      // Each title is filled in from its file name: extension dropped, `_` and `-` read as spaces, Persian kept.
      const title = (name: string) => city.locator(`li.upload-item[data-file-name="${name}"] input[data-upload-title]`);
      expect(await title(files[0]!.name).inputValue()).to.equal(`گزارش زلزله ۱۴۰۲ ${tag}`);
      expect(await title(files[1]!.name).inputValue()).to.equal(`گزارش زلزله ۱۴۰۲ ${tag}`);
      expect(await title(files[2]!.name).inputValue()).to.equal(`earthquake drill notes ${tag}`);
      expect(await city.locator(`li.upload-item[data-file-name="${files[0]!.name}"] .upload-format`).textContent()).to.match(/^\u2068PDF\u2069 · /);
      expect(await city.locator(`li.upload-item[data-file-name="${files[1]!.name}"] .upload-format`).textContent()).to.include(t.files.type.txt);
      expect(await city.locator('input[name=title]').isVisible(), 'the single title field is for the form without a script').to.equal(false);

      // One file was dropped by mistake: it is taken out of the list before sending.
      await city.getByRole('button', { name: t.documents.queue.removeLabel.replace('{name}', extra.name) }).click();
      expect(await rows.count()).to.equal(3);

      const titles = [`گزارش زلزلهٔ ۱۴۰۲، متن کامل (${tag})`, `گزارش زلزلهٔ ۱۴۰۲، خلاصه (${tag})`, `Earthquake drill notes (${tag})`];
      for (const [index, file] of files.entries()) await title(file.name).fill(titles[index]!);
      await city.getByLabel(t.documents.upload.summary).fill('بازدید میدانی پس از زلزلهٔ ۱۴۰۲');
      await city.getByLabel(t.documents.upload.kind).selectOption('threat-study');
      await city.getByRole('checkbox', { name: t === fa ? 'زلزله' : 'Earthquake', exact: true }).check();
      if (variant.options.isMobile) await noSidewaysScroll(city);
      await snap(city, this, 'chosen');

      await city.getByRole('button', { name: t.documents.upload.submit, exact: true }).click();
      for (const file of files) {
        const state = city.locator(`li.upload-item[data-file-name="${file.name}"] .upload-state`);
        await eventually(`${file.name} is uploaded`, async () => ['uploaded', 'queued', 'running', 'searchable', 'failed'].includes((await state.getAttribute('data-upload-state')) ?? ''), 30_000);
      }
      const made = suite.portal.services.db
        .prepare('SELECT d.id, d.title, d.status, v.filename FROM documents d JOIN document_versions v ON v.document_id = d.id WHERE v.filename IN (?, ?, ?)')
        .all(...files.map((f) => f.name)) as { id: string; title: string; status: string; filename: string }[];
      expect(made.map((m) => [m.filename, m.title, m.status])).to.have.deep.members(files.map((f, i) => [f.name, titles[i], 'draft']));

      const submitAll = city.getByRole('button', { name: t.documents.upload.submitAll });
      await submitAll.waitFor();
      expect(await city.locator('[data-submit-all-text]').textContent()).to.include(t === fa ? '۳' : '3');
      await snap(city, this, 'uploaded');
      await Promise.all([city.waitForURL((url) => url.pathname === '/documents'), submitAll.click()]);
      const results = city.locator('.bulk-results li');
      expect(await results.count()).to.equal(3);
      expect(await city.locator('[data-result="done"]').count(), 'all three sent for review').to.equal(3);
      for (const m of made) expect(statusOf(m.id)).to.equal('submitted');
      if (variant.options.isMobile) await noSidewaysScroll(city);

      // The review desk tells the three apart: distinct titles, each with its file's name and format.
      const desk = await personAt(variant, 'sec', '/review');
      expect(new URL(desk.url()).pathname).to.equal('/review');
      for (const [index, file] of files.entries()) {
        const row = desk.locator('tr').filter({ has: desk.getByRole('link', { name: titles[index]!, exact: true }) });
        expect(await row.count(), titles[index]).to.equal(1);
        expect(await row.locator('.file-name').textContent()).to.equal(file.name);
      }
      if (variant.options.isMobile) await noSidewaysScroll(desk);
    });

    it(`${variant.name}: a returned document corrected from its page, published from the desk in bulk`, async function () {
      const wrongTitle = `گزارش ناقص ${tag}`;
      const rightTitle = `گزارش کامل زلزلهٔ مدارس ${tag}`;
      const id = await addDocument(suite, suite.people.owner, { title: wrongTitle, kind: 'other' }, { content: SAMPLE_PDF, name: `مدارس-${tag}.pdf` }, 'submitted');

      // The secretariat returns it from its page with a note.
      const desk = await personAt(variant, 'sec', `/documents/${id}`);
      await desk.getByLabel(t.documents.page.returnComment).fill('عنوان و نوع سند را اصلاح کنید');
      await Promise.all([desk.waitForURL(`**/documents/${id}`), desk.getByRole('button', { name: t.documents.reviewAction.return }).click()]);
      expect(statusOf(id)).to.equal('returned');

      // The city opens the edit page from the document page and sees the note beside the form.
      const city = await personAt(variant, 'tehran-staff', `/documents/${id}`);
      await Promise.all([city.waitForURL(`**/documents/${id}/edit`), city.getByRole('link', { name: t.documents.edit.button }).first().click()]);
      const note = city.locator('aside.edit-note');
      expect(await note.textContent()).to.include('عنوان و نوع سند را اصلاح کنید');
      const form = city.locator(`form[action="/documents/${id}/edit"]`);
      const [noteBox, formBox] = [await note.boundingBox(), await form.boundingBox()];
      if (variant.options.isMobile) {
        expect(noteBox!.y + noteBox!.height, 'on a phone the note is above the form').to.be.at.most(formBox!.y + 1);
        await noSidewaysScroll(city);
      } else {
        expect(noteBox!.y, 'on a desktop the note is beside the form').to.be.below(formBox!.y + formBox!.height);
        const beside = variant.locale === 'fa' ? noteBox!.x + noteBox!.width <= formBox!.x + 1 : noteBox!.x >= formBox!.x + formBox!.width - 1;
        expect(beside, `note ${JSON.stringify(noteBox)} beside form ${JSON.stringify(formBox)} (${variant.locale})`).to.equal(true);
      }
      await snap(city, this, 'edit-form');
      await city.getByLabel(t.documents.upload.fieldTitle, { exact: true }).fill(rightTitle);
      await city.getByLabel(t.documents.upload.kind).selectOption('training-material');
      await Promise.all([city.waitForURL(`**/documents/${id}`), city.getByRole('button', { name: t.documents.edit.saveAndSubmit }).click()]);
      expect(await city.locator('.flash').textContent()).to.equal(t.documents.edit.flash.savedAndSubmitted);
      expect(await city.getByRole('heading', { level: 1 }).textContent()).to.equal(rightTitle);
      expect(statusOf(id)).to.equal('submitted');

      // The secretariat publishes it from the desk, ticking it among others.
      await desk.goto('/review');
      await desk.getByRole('checkbox', { name: t.review.bulk.selectDocument.replace('{title}', rightTitle) }).check();
      await Promise.all([desk.waitForURL((url) => url.pathname === '/review'), desk.getByRole('button', { name: t.review.bulk.publish }).click()]);
      const line = desk.locator(`.bulk-results li[data-result-id="${id}"]`);
      expect(await line.getAttribute('data-result')).to.equal('done');
      expect(await line.textContent()).to.include(rightTitle);
      expect(statusOf(id)).to.equal('published');
      if (variant.options.isMobile) await noSidewaysScroll(desk);

      // Readers find it under its corrected title, at once.
      const hits = await supertest(suite.portal.app).get('/api/v1/search').query({ q: rightTitle }).set(suite.people.reader.auth).expect(200);
      expect(hits.body.hits.map((h: { id: string; title: string }) => [h.id, h.title])).to.deep.include([id, rightTitle]);
    });
  }
});
