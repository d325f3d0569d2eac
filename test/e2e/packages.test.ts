import { expect } from 'chai';
import { readZip } from '../helpers/zip-reader';
import { addDocument, signIn, useBrowser } from './browser';

const PDF = (marker: string) => Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

describe('browser: packages', function () {
  this.timeout(90_000);
  const suite = useBrowser();
  const titles = { first: 'درس‌های زلزلهٔ بم برای مدارس', second: 'راهنمای تخلیهٔ اضطراری مترو', left: 'گزارش سیلاب شیراز' };
  const ids: Record<keyof typeof titles, string> = { first: '', second: '', left: '' };

  before(async function () {
    const { owner, otherCity } = suite.people;
    ids.first = await addDocument(suite, owner, { title: titles.first }, { content: PDF('first'), name: 'درس‌های بم.pdf' });
    ids.second = await addDocument(suite, owner, { title: titles.second, kind: 'training-material' }, { content: PDF('second'), name: 'راهنمای مترو.pdf' });
    ids.left = await addDocument(suite, otherCity, { title: titles.left }, { content: PDF('left'), name: 'سیلاب.pdf' });
  });

  it('lets the secretariat compile a package through the form, publish it and download it as a ZIP of its documents', async function () {
    const { page } = suite;
    await page.goto('/packages/new');
    await signIn(page, 'sec');
    expect(new URL(page.url()).pathname).to.equal('/packages/new');

    await page.getByLabel('عنوان بسته').fill('بستهٔ آموزشی زلزله');
    await page.getByLabel('یادداشت همراه').fill('برای همهٔ کلان‌شهرها');
    for (const [key, order] of [['second', '1'], ['first', '2']] as const) {
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: titles[key], exact: true }) });
      await row.getByRole('checkbox').check();
      await row.getByRole('spinbutton').fill(order);
    }
    await Promise.all([page.waitForURL(/\/packages\/[^/]+$/), page.getByRole('button', { name: 'ساختن پیش‌نویس بسته' }).click()]);
    const packageId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: 'بستهٔ آموزشی زلزله' }).waitFor();
    expect(suite.portal.services.db.prepare('SELECT status FROM packages WHERE id = ?').pluck().get(packageId)).to.equal('draft');

    await Promise.all([page.waitForURL(`**/packages/${packageId}`), page.getByRole('button', { name: 'انتشار و خبر دادن به مخاطبان' }).click()]);
    await page.getByRole('button', { name: 'انتشار و خبر دادن به مخاطبان' }).waitFor({ state: 'detached' });
    expect(suite.portal.services.db.prepare('SELECT status FROM packages WHERE id = ?').pluck().get(packageId)).to.equal('published');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /ZIP/ }).click()]);
    expect(download.suggestedFilename()).to.match(/\.zip$/);
    const entries = await readZip(await download.createReadStream().then(collect));
    const names = entries.map((e) => e.name);
    const files = names.filter((n) => !/\/(index\.html|manifest\.json)$/.test(n));
    expect(files, 'the documents, in the order chosen').to.have.length(2);
    expect(files[0]).to.match(/راهنمای مترو\.pdf$/);
    expect(files[1]).to.match(/درس‌های بم\.pdf$/);
    expect(names.some((n) => n.endsWith('/index.html'))).to.equal(true);
    expect(names.some((n) => n.includes('سیلاب')), 'a document not chosen is not in the ZIP').to.equal(false);

    const manifest = JSON.parse(entries.find((e) => e.name.endsWith('/manifest.json'))!.data.toString('utf8')) as { items: { document: string }[] };
    expect(manifest.items.map((i) => i.document)).to.deep.equal([ids.second, ids.first]);
    expect(entries.find((e) => /راهنمای مترو\.pdf$/.test(e.name))!.data.toString('latin1')).to.include('% second');
  });

  it('refuses a package without documents with a Persian message and creates nothing', async function () {
    const { page } = suite;
    await page.goto('/packages/new');
    await signIn(page, 'sec');
    const before = suite.portal.services.db.prepare('SELECT count(*) FROM packages').pluck().get();
    await page.getByLabel('عنوان بسته').fill('بستهٔ خالی');
    await page.getByRole('button', { name: 'ساختن پیش‌نویس بسته' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.include('دست‌کم یک سند منتشرشده را برای بسته برگزینید');
    expect(suite.portal.services.db.prepare('SELECT count(*) FROM packages').pluck().get()).to.equal(before);
  });
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

