import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { storedObjects } from '../helpers/portal';
import { eventually, printPdf, signIn, useBrowser } from './browser';

const PDF_NAME = 'گزارش کوهپایه.pdf';
const TEXT_NAME = 'یادداشت سیلابدشت.txt';
const FINAL_STATES = ['searchable', 'failed', 'refused'];
/** The way forward a file's row may go (`waiting`: its turn has not come yet); it never goes back. */
const STEPS = ['waiting', 'uploading', 'uploaded', 'queued', 'running', 'searchable'];

/** Records in `window.__uploadStates[file name]` every state a row shows, however briefly. */
async function recordStates(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.__uploadStates = {});
    const note = (element) => {
      const row = element.closest('li.upload-item');
      const state = element.getAttribute('data-upload-state');
      if (!row || state === null) return;
      const list = (seen[row.getAttribute('data-file-name')] ||= []);
      if (list[list.length - 1] !== state) list.push(state);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const nodes = record.type === 'attributes' ? [record.target] : [...record.addedNodes];
        for (const node of nodes) {
          if (!(node instanceof Element)) continue;
          if (node.hasAttribute('data-upload-state')) note(node);
          node.querySelectorAll('[data-upload-state]').forEach(note);
        }
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-upload-state'] });
  })()`);
}

describe('browser: uploading several files with progress', function () {
  this.timeout(120_000);
  const suite = useBrowser();

  /** The row of one file in the upload list. */
  const row = (page: Page, name: string) => page.locator(`li.upload-item[data-file-name="${name}"]`);

  /** The state a row shows, whether the row itself or an element inside it carries `data-upload-state`. */
  const stateOf = (item: Locator) =>
    item.evaluate((el) => (el.matches('[data-upload-state]') ? el : el.querySelector('[data-upload-state]'))?.getAttribute('data-upload-state') ?? null);

  async function openUploadForm(page: Page): Promise<void> {
    await page.goto('/documents/new');
    if (new URL(page.url()).pathname === '/login') await signIn(page, 'tehran-staff');
    expect(new URL(page.url()).pathname).to.equal('/documents/new');
    // Each file gets its own title, filled in from its name; the single title field is the form's without the script.
    expect(await page.locator('input[name=title]').isVisible()).to.equal(false);
    await page.getByLabel('چکیده').fill('بازدید میدانی پس از بارش‌های بهاری');
    await page.getByLabel('نوع سند').selectOption('threat-study');
  }

  /** Chooses files through the drop zone's file input (the list shows them, each with its title), then sends the form. */
  async function choose(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    await page.locator('[data-dropzone] input[type=file]').setInputFiles(files);
    await eventually('the upload list shows the chosen files', () => page.locator('li.upload-item').count().then((n) => n === files.length), 5_000);
    await page.getByRole('button', { name: 'بارگذاری', exact: true }).click();
  }

  async function finalState(item: Locator): Promise<string | null> {
    let state: string | null = null;
    await eventually('the upload reaches a final state', async () => FINAL_STATES.includes((state = await stateOf(item)) ?? ''), 60_000);
    return state;
  }

  it('uploads a PDF and a text file at once, shows each one reach "searchable", and the search page finds them', async function () {
    const { page } = suite;
    const pdf = await printPdf(suite.browser, ['گزارش بازدید از روستاهای کوهپایه پس از زلزله']);
    await openUploadForm(page);
    await recordStates(page);
    await choose(page, [
      { name: PDF_NAME, mimeType: 'application/pdf', buffer: pdf },
      { name: TEXT_NAME, mimeType: 'text/plain', buffer: Buffer.from('پهنه‌بندی خطر سیل در سیلابدشت رودخانهٔ شهر\n', 'utf8') },
    ]);

    for (const name of [PDF_NAME, TEXT_NAME]) {
      const item = row(page, name);
      await item.waitFor();
      const state = await finalState(item);
      if (state !== 'searchable') throw new Error(`${name} ended as ${state}: ${await item.textContent()}`);
      const states = ((await page.evaluate('window.__uploadStates')) as Record<string, string[]>)[name] ?? [];
      const ranks = states.map((s) => STEPS.indexOf(s));
      expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank > ranks[i - 1]!)), `${name} went ${states.join(' → ')}`).to.equal(true);
      expect(states, `${name} went ${states.join(' → ')}`).to.include.members(['uploading', 'uploaded', 'searchable']);
      const progress = item.locator('progress');
      const [value, max] = await progress.evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max]);
      expect(value, `${name}: the progress bar is full`).to.equal(max);
      expect(max).to.be.above(0);
    }

    // Both files are documents of Tehran now, each with its file, and the search page finds their text.
    const { db } = suite.portal.services;
    const stored = db
      .prepare('SELECT d.id, d.city_id AS city, v.filename FROM documents d JOIN document_versions v ON v.document_id = d.id WHERE v.filename IN (?, ?)')
      .all(PDF_NAME, TEXT_NAME) as { id: string; city: string; filename: string }[];
    expect(stored.map((s) => s.filename)).to.have.members([PDF_NAME, TEXT_NAME]);
    expect(stored.every((s) => s.city === 'tehran')).to.equal(true);

    for (const [word, filename] of [['کوهپایه', PDF_NAME], ['سیلابدشت', TEXT_NAME]] as const) {
      const id = stored.find((s) => s.filename === filename)!.id;
      await page.goto(`/search?q=${encodeURIComponent(word)}`);
      const hit = page.locator('#search-results article.hit').filter({ has: page.locator(`a[href^="/documents/${id}"]`) });
      await hit.first().waitFor();
    }
  });

  it('refuses a program, by its name or disguised as a PDF, with a Persian message, in the "refused" state, and stores nothing', async function () {
    const { page } = suite;
    await openUploadForm(page);
    const [documents, objects] = [countDocuments(), storedObjects(suite.portal).length];
    const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2048, 0)]);
    // The first is refused by its name (before sending, or by the server); the second only by its content.
    const names = ['راه‌انداز.exe', 'گزارش جعلی.pdf'];
    await choose(page, [
      { name: names[0]!, mimeType: 'application/octet-stream', buffer: program },
      { name: names[1]!, mimeType: 'application/pdf', buffer: program },
    ]);
    for (const name of names) {
      const item = row(page, name);
      await item.waitFor();
      expect(await finalState(item), name).to.equal('refused');
      expect(await item.textContent(), `${name}: a Persian explanation in the row`).to.match(/[\u0600-\u06FF]{3,}/);
    }
    expect(countDocuments(), 'no document row').to.equal(documents);
    expect(storedObjects(suite.portal).length, 'no stored object').to.equal(objects);
  });

  function countDocuments(): number {
    return suite.portal.services.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  }
});
