import { expect } from 'chai';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import { bring, cast, countRows, DEFAULT_FIELDS, startPortal, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, type Browser } from '../helpers/sign-in';

/** Bulk actions from the pages: the review desk (publish / return / withdraw) and "my documents" (submit). */
describe('bulk actions from the pages', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  const browsers = new Map<string, Browser>();

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  async function as(who: Actor, locale: 'fa' | 'en' = 'fa'): Promise<Browser> {
    const key = `${who.user.username}/${locale}`;
    if (!browsers.has(key)) browsers.set(key, await signIn(portal.app, who.user.username, locale));
    return browsers.get(key)!;
  }

  async function documentOf(owner: Actor, status: 'draft' | 'submitted' | 'returned' | 'published', title: string, kind = 'threat-study') {
    const doc = await upload(portal, owner, { ...DEFAULT_FIELDS, title, kind });
    await bring(portal, c, doc.id, status);
    return doc.id;
  }

  const statusOf = (id: string) => portal.services.documents.getVisible(c.secretariat.user, id).status;

  function post(browser: Browser, url: string, fields: [string, string][], csrf: string | null = browser.csrf) {
    return browser.agent
      .post(url)
      .type('form')
      .send(new URLSearchParams([...(csrf ? [['_csrf', csrf] as [string, string]] : []), ...fields]).toString());
  }

  /** The result list's line for one document. */
  const resultLine = (html: string, id: string) => new RegExp(`<li data-result-id="${id}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? '';

  describe('the review desk', () => {
    it('has a checkbox per queued document, labelled with its title, and a select-all that works without a script', async () => {
      const ids = [await documentOf(c.owner, 'submitted', 'صف گروهی یکم'), await documentOf(c.otherCity, 'submitted', 'صف گروهی دوم')];
      const { agent } = await as(c.secretariat);
      const html = (await agent.get('/review').expect(200)).text;
      for (const [index, id] of ids.entries()) {
        expect(html).to.include(`<input type="checkbox" name="ids" value="${id}" aria-label="انتخاب «صف گروهی ${index === 0 ? 'یکم' : 'دوم'}»">`);
      }
      expect(html).to.include('<form method="post" action="/review/bulk"');
      expect(html).to.include(`<button type="submit" name="action" value="publish">${fa.review.bulk.publish}</button>`);
      expect(html).to.include('href="/review?select=all" data-select-all-link');
      expect(html).to.include('<script src="/static/js/select-all.js" defer></script>');
      const all = (await agent.get('/review?select=all').expect(200)).text;
      for (const id of ids) expect(all).to.include(`value="${id}" aria-label="انتخاب «`);
      expect(all.match(/name="ids" value="[^"]+" aria-label="[^"]+" checked>/g)?.length).to.equal(all.match(/name="ids"/g)?.length);
      const filtered = (await agent.get('/review?city=shiraz').expect(200)).text;
      expect(filtered).to.include('<input type="hidden" name="_back" value="/review?city=shiraz">');
      expect(filtered).to.include('href="/review?city=shiraz&amp;select=all"');
    });

    it('publishes the ticked documents and lists each result, a refusal with its reason, once', async () => {
      const first = await documentOf(c.owner, 'submitted', 'انتشار گروهی یکم');
      const second = await documentOf(c.otherCity, 'submitted', 'انتشار گروهی دوم');
      const already = await documentOf(c.owner, 'submitted', 'انتشار گروهی پیشین');
      const untouched = await documentOf(c.owner, 'submitted', 'انتشار گروهی نازده');
      const browser = await as(c.secretariat);
      await browser.agent.get('/review').expect(200);
      // Published by someone else between the page and the click.
      await portal.services.review.apply(c.secretariat.user, already, 'publish');
      const res = await post(browser, '/review/bulk', [['_back', '/review'], ['action', 'publish'], ['comment', ''], ['ids', first], ['ids', second], ['ids', already]]).expect(303);
      expect(res.headers.location).to.equal('/review');
      expect([first, second].map(statusOf)).to.deep.equal(['published', 'published']);
      expect(statusOf(untouched), 'a document not ticked').to.equal('submitted');
      const html = (await browser.agent.get('/review').expect(200)).text;
      expect(html).to.include(fa.review.bulk.resultsHeading.publish);
      expect(html).to.include('۲ از ۳ سند انجام شد.');
      expect(resultLine(html, first)).to.include(fa.review.bulk.done.publish).and.include('انتشار گروهی یکم');
      expect(resultLine(html, second)).to.include(fa.review.bulk.done.publish);
      expect(resultLine(html, already)).to.include(fa.review.bulk.failed).and.include('این سند اکنون «منتشرشده» است');
      expect(resultLine(html, first), 'the file, to tell documents apart').to.include('گزارش زلزله.pdf');
      const again = (await browser.agent.get('/review').expect(200)).text;
      expect(again, 'the results are shown once').to.not.include(fa.review.bulk.resultsHeading.publish);
    });

    it('returns the ticked documents with one note, which each city reads', async () => {
      const ids = [await documentOf(c.owner, 'submitted', 'برگشت گروهی یکم'), await documentOf(c.otherCity, 'submitted', 'برگشت گروهی دوم')];
      const browser = await as(c.secretariat, 'en');
      await post(browser, '/review/bulk', [['action', 'return'], ['comment', 'Add the damage table'], ...ids.map((id): [string, string] => ['ids', id])]).expect(303);
      for (const id of ids) expect(portal.services.documents.getVisible(c.secretariat.user, id)).to.include({ status: 'returned', reviewComment: 'Add the damage table' });
      const html = (await browser.agent.get('/review').expect(200)).text;
      expect(html).to.include(en.review.bulk.resultsHeading.return);
      expect(html).to.include('2 of 2 documents done.');
      const city = (await (await as(c.owner)).agent.get(`/documents/${ids[0]}`).expect(200)).text;
      expect(city).to.include('Add the damage table');
    });

    it('asks for the note to return and the reason to withdraw, keeping the ticks and the text (400, nothing changes)', async () => {
      const ids = [await documentOf(c.owner, 'submitted', 'بی‌یادداشت یکم'), await documentOf(c.owner, 'submitted', 'بی‌یادداشت دوم')];
      for (const locale of ['fa', 'en'] as const) {
        const catalogue = locale === 'fa' ? fa : en;
        const browser = await as(c.secretariat, locale);
        const audit = countRows(portal, 'audit_log');
        for (const [action, message] of [['return', catalogue.review.bulk.commentRequired], ['withdraw', catalogue.review.bulk.reasonRequired]] as const) {
          const res = await post(browser, '/review/bulk', [['_back', '/review?kind=threat-study'], ['action', action], ['comment', '  '], ['ids', ids[0]!]]).expect(400);
          expect(res.text).to.include(`<p class="error-box" role="alert" id="desk-bulk-problem">${message}</p>`);
          expect(res.text, 'the tick kept').to.include(`value="${ids[0]}" aria-label="${catalogue.review.bulk.selectDocument.replace('{title}', 'بی‌یادداشت یکم')}" checked>`);
          expect(res.text, 'the other not ticked').to.not.match(new RegExp(`value="${ids[1]}" aria-label="[^"]+" checked`));
          expect(res.text, 'the filter kept').to.match(/<option value="threat-study" selected>/);
        }
        const none = await post(browser, '/review/bulk', [['action', 'publish'], ['comment', 'یادداشتی که نباید گم شود']]).expect(400);
        expect(none.text).to.include(catalogue.review.bulk.noneSelected);
        expect(none.text, 'the note as typed').to.include('>یادداشتی که نباید گم شود</textarea>');
        const unknown = await post(browser, '/review/bulk', [['action', 'delete'], ['ids', ids[0]!]]).expect(400);
        expect(unknown.text).to.include(catalogue.review.bulk.unknownAction);
        expect(ids.map(statusOf)).to.deep.equal(['submitted', 'submitted']);
        expect(countRows(portal, 'audit_log')).to.equal(audit);
      }
    });

    it('withdraws with the reason recorded in each history', async () => {
      const id = await documentOf(c.owner, 'submitted', 'بایگانی گروهی');
      await post(await as(c.secretariat), '/review/bulk', [['action', 'withdraw'], ['comment', 'تکراری است'], ['ids', id]]).expect(303);
      expect(statusOf(id)).to.equal('withdrawn');
      expect(portal.services.audit.forDocument(id).at(-1)?.details).to.include({ reason: 'تکراری است' });
    });

    it('is the secretariat’s alone, and needs the CSRF token', async () => {
      const id = await documentOf(c.owner, 'submitted', 'میز دیگران');
      const audit = countRows(portal, 'audit_log');
      for (const who of [c.owner, c.otherCity, c.reader]) {
        await post(await as(who), '/review/bulk', [['action', 'publish'], ['ids', id]]).expect(403);
      }
      await post(await as(c.secretariat), '/review/bulk', [['action', 'publish'], ['ids', id]], null).expect(403);
      expect(statusOf(id)).to.equal('submitted');
      expect(countRows(portal, 'audit_log')).to.equal(audit);
    });
  });

  describe('my documents', () => {
    it('ticks only what can be submitted, submits it, and lists each result; another city’s id is not revealed', async () => {
      const draft = await documentOf(c.owner, 'draft', 'فهرست من پیش‌نویس');
      const returned = await documentOf(c.owner, 'returned', 'فهرست من برگشتی');
      const submitted = await documentOf(c.owner, 'submitted', 'فهرست من فرستاده');
      const foreign = await documentOf(c.otherCity, 'draft', 'پیش‌نویس پنهان شیراز');
      const browser = await as(c.owner);
      const list = (await browser.agent.get('/documents').expect(200)).text;
      expect(list).to.include(`name="ids" value="${draft}"`);
      expect(list).to.include(`name="ids" value="${returned}"`);
      expect(list, 'a submitted document has no checkbox').to.not.include(`name="ids" value="${submitted}"`);
      expect(list).to.include(fa.review.bulk.submit);
      const res = await post(browser, '/documents/bulk', [['_back', '/documents'], ['action', 'submit'], ['ids', draft], ['ids', returned], ['ids', submitted], ['ids', foreign]]).expect(303);
      expect(res.headers.location).to.equal('/documents');
      expect([draft, returned, submitted, foreign].map(statusOf)).to.deep.equal(['submitted', 'submitted', 'submitted', 'draft']);
      const html = (await browser.agent.get('/documents').expect(200)).text;
      expect(html).to.include('۲ از ۴ سند انجام شد.');
      expect(resultLine(html, draft)).to.include(fa.review.bulk.done.submit);
      expect(resultLine(html, submitted)).to.include('این سند اکنون «در انتظار بررسی» است');
      expect(resultLine(html, foreign)).to.include(fa.review.bulk.reason.not_found);
      expect(html, 'the hidden draft is not named').to.not.include('پیش‌نویس پنهان شیراز');
    });

    it('says so when nothing is ticked (400), in English too', async () => {
      await documentOf(c.owner, 'draft', 'هیچ تیکی');
      for (const locale of ['fa', 'en'] as const) {
        const browser = await as(c.owner, locale);
        const res = await post(browser, '/documents/bulk', [['_back', '/documents?city=tehran'], ['action', 'submit']]).expect(400);
        expect(res.text).to.include((locale === 'fa' ? fa : en).review.bulk.noneSelected);
        expect(res.text).to.include(`<html lang="${locale}"`);
      }
    });

    it('offers no checkbox to a reader, and refuses a reader’s post per document', async () => {
      const published = await documentOf(c.owner, 'published', 'خوانندهٔ گروهی');
      const browser = await as(c.reader);
      const list = (await browser.agent.get('/documents').expect(200)).text;
      expect(list).to.not.include('name="ids"');
      await post(browser, '/documents/bulk', [['action', 'submit'], ['ids', published]]).expect(303);
      expect(statusOf(published)).to.equal('published');
      const html = (await browser.agent.get('/documents').expect(200)).text;
      expect(resultLine(html, published)).to.include(fa.review.bulk.reason.forbidden);
    });
  });

  describe('after a multi-file upload', () => {
    it('the upload page carries the "submit all for review" form, posting to the bulk route and back to the list', async () => {
      const html = (await (await as(c.owner)).agent.get('/documents/new').expect(200)).text;
      expect(html).to.match(/<form id="submit-all-form" method="post" action="\/documents\/bulk" hidden>\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="action" value="submit">\s*<input type="hidden" name="_back" value="\/documents">/);
      expect(html).to.include(`<button type="submit" form="submit-all-form" class="secondary">${fa.documents.upload.submitAll}</button>`);
    });
  });
});
