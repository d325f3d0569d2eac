import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, DEFAULT_FIELDS, SAMPLE_PDF, startPortal, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, type Browser } from '../helpers/sign-in';

/**
 * Documents with the same title are told apart by their file: every list of documents names the current
 * version's file and its format in words and size, in the reader's language.
 */
describe('file names and formats wherever documents are listed', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  const TITLE = 'گزارش سه‌قلوی زمین‌لرزه';
  const FILES = [
    { name: 'گزارش_زلزله-۱۴۰۲.pdf', content: SAMPLE_PDF, fa: '\u2068PDF\u2069 · ۷۷ بایت', en: '\u2068PDF\u2069 · 77 B' },
    { name: 'گزارش_زلزله-۱۴۰۲.txt', content: Buffer.from('متن کامل گزارش زلزله\n', 'utf8'), fa: '\u2068متن ساده\u2069 · ', en: '\u2068Plain text\u2069 · ' },
    { name: 'damage-table.csv', content: Buffer.from('district,damage\n1,2\n', 'utf8'), fa: '\u2068جدول CSV\u2069 · ۲۰ بایت', en: '\u2068CSV table\u2069 · 20 B' },
  ];
  const ids: string[] = [];
  let fa: Browser;
  let en: Browser;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    for (const file of FILES) {
      const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: TITLE }, { content: file.content, name: file.name }).expect(201);
      ids.push(res.body.id);
    }
    fa = await signIn(portal.app, 'sec', 'fa');
    en = await signIn(portal.app, 'sec', 'en');
  });
  after(() => portal.close());

  /** The HTML of the element (a table row, a hit) that links to the document. */
  function around(html: string, id: string, element: 'tr' | 'article' | 'li'): string {
    const at = html.indexOf(`href="/documents/${id}`);
    expect(at, `a link to ${id}`).to.be.greaterThan(-1);
    const start = html.lastIndexOf(`<${element}`, at);
    return html.slice(start, html.indexOf(`</${element}>`, at));
  }

  function expectFiles(html: string, element: 'tr' | 'article', locale: 'fa' | 'en', where: string) {
    FILES.forEach((file, index) => {
      const part = around(html, ids[index]!, element);
      expect(part, `${where}: ${file.name}`).to.include(`<bdi class="file-name">${file.name}</bdi>`);
      expect(part, `${where}: ${file.name} format`).to.include(file[locale]);
    });
  }

  it('the documents list, in Persian and in English', async () => {
    expectFiles((await fa.agent.get('/documents').expect(200)).text, 'tr', 'fa', 'list (fa)');
    expectFiles((await en.agent.get('/documents').expect(200)).text, 'tr', 'en', 'list (en)');
  });

  it('the review desk', async () => {
    for (const id of ids) await bring(portal, c, id, 'submitted');
    expectFiles((await fa.agent.get('/review').expect(200)).text, 'tr', 'fa', 'desk (fa)');
    expectFiles((await en.agent.get('/review').expect(200)).text, 'tr', 'en', 'desk (en)');
  });

  it('search hits (the page and its live fragment), with the file-format facet in words', async () => {
    for (const id of ids) await portal.services.review.apply(c.secretariat.user, id, 'publish');
    const url = `/search?q=${encodeURIComponent('سه‌قلوی')}`;
    const page = (await fa.agent.get(url).expect(200)).text;
    expectFiles(page, 'article', 'fa', 'search (fa)');
    expect(page).to.match(/data-facet-value="csv">جدول CSV<\/a>/);
    const fragment = (await en.agent.get(url).set('X-Partial', 'results').expect(200)).text;
    expectFiles(fragment, 'article', 'en', 'search fragment (en)');
    expect(fragment).to.match(/data-facet-value="pdf">PDF<\/a>/);
    // A file type named in the address that the allowlist does not know is shown as it is, not a broken page.
    expect((await fa.agent.get(`${url}&fileType=xyz`).expect(200)).text).to.include('قالب پرونده: xyz');
  });

  it('names the current version: a new file for a draft replaces the name in the list', async () => {
    const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: 'پیش‌نویس دو نسخه‌ای' }, { content: SAMPLE_PDF, name: 'نسخهٔ-اول.pdf' }).expect(201);
    await supertest(portal.app).post(`/api/v1/documents/${res.body.id}/versions`).set(c.owner.auth).attach('file', Buffer.from('نسخهٔ دوم\n'), 'نسخهٔ-دوم.txt').expect(201);
    const row = around((await fa.agent.get('/documents').expect(200)).text, res.body.id, 'tr');
    expect(row).to.include('<bdi class="file-name">نسخهٔ-دوم.txt</bdi>');
    expect(row).to.not.include('نسخهٔ-اول.pdf');
  });

  it('the package page and the package form’s candidates', async () => {
    const pkg = await supertest(portal.app)
      .post('/api/v1/packages')
      .set(c.secretariat.auth)
      .send({ title: 'بستهٔ سه‌قلو', documents: ids, audience: { all: true } })
      .expect(201);
    expectFiles((await fa.agent.get(`/packages/${pkg.body.id}`).expect(200)).text, 'tr', 'fa', 'package (fa)');
    expectFiles((await en.agent.get(`/packages/${pkg.body.id}`).expect(200)).text, 'tr', 'en', 'package (en)');
    expectFiles((await fa.agent.get('/packages/new').expect(200)).text, 'tr', 'fa', 'package form (fa)');
    expectFiles((await en.agent.get(`/packages/${pkg.body.id}/edit`).expect(200)).text, 'tr', 'en', 'package edit form (en)');
  });
});
