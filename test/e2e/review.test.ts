import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { SAMPLE_PDF } from '../helpers/portal';
import { addDocument, signIn, useBrowser } from './browser';

describe('browser: review and notifications', function () {
  this.timeout(90_000);
  const suite = useBrowser();
  const TITLE = 'تجربهٔ مانور زلزلهٔ مدارس تهران';
  let id: string;

  before(async function () {
    id = await addDocument(suite, suite.people.owner, { title: TITLE }, { content: SAMPLE_PDF, name: 'مانور.pdf' }, 'draft');
  });

  const bell = (page: Page) => page.getByRole('link', { name: /^اعلان‌ها/ });
  const statusOf = () => suite.portal.services.db.prepare('SELECT status FROM documents WHERE id = ?').pluck().get(id);

  it('a city submits a document, the secretariat publishes it from /review, and the city sees the bell count', async function () {
    const city = suite.page;
    await city.goto(`/documents/${id}`);
    await signIn(city, 'tehran-staff');
    await city.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await Promise.all([city.waitForURL(`**/documents/${id}`), city.getByRole('button', { name: 'فرستادن برای بررسی' }).click()]);
    await city.getByRole('button', { name: 'فرستادن برای بررسی' }).waitFor({ state: 'detached' });
    expect(statusOf()).to.equal('submitted');
    expect(await bell(city).locator('[data-unread]').count(), 'no unread notification yet').to.equal(0);

    const secretariat = await (await suite.newContext()).newPage();
    await secretariat.goto('/login');
    await signIn(secretariat, 'sec');
    expect(new URL(secretariat.url()).pathname, 'the secretariat starts at the review queue').to.equal('/review');
    const queued = secretariat.getByRole('link', { name: TITLE, exact: true });
    await Promise.all([secretariat.waitForURL(`**/documents/${id}`), queued.click()]);
    await Promise.all([secretariat.waitForURL(`**/documents/${id}`), secretariat.getByRole('button', { name: 'انتشار', exact: true }).click()]);
    await secretariat.getByRole('button', { name: 'انتشار', exact: true }).waitFor({ state: 'detached' });
    expect(statusOf()).to.equal('published');
    await secretariat.goto('/review');
    expect(await secretariat.getByRole('link', { name: TITLE, exact: true }).count(), 'gone from the queue').to.equal(0);

    await city.reload();
    const count = bell(city).locator('[data-unread]');
    expect(await count.getAttribute('data-unread')).to.equal('1');
    expect(await count.textContent()).to.include('۱');
    await Promise.all([city.waitForURL('**/notifications'), bell(city).click()]);
    expect(await city.locator('#content').textContent()).to.include(TITLE);
  });

  it('does not let a city open the review queue', async function () {
    const { page } = suite;
    await page.goto('/review');
    await signIn(page, 'tehran-staff');
    expect(new URL(page.url()).pathname).to.equal('/review');
    expect(await page.getByRole('heading', { level: 1, name: 'صف بررسی' }).count()).to.equal(0);
    const response = await page.request.get('/review');
    expect(response.status()).to.equal(403);
  });
});
