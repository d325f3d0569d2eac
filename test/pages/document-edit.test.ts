import { expect } from 'chai';
import supertest from 'supertest';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import { bring, cast, countRows, DEFAULT_FIELDS, startPortal, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, type Browser } from '../helpers/sign-in';

/** GET/POST /documents/:id/edit: the upload form's fields, pre-filled, saved through the same service the PATCH API uses. */
describe('editing a document from its page', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  const browsers = new Map<string, Browser>();

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** One signed-in browser per user and language, reused (signing in costs a slow password hash). */
  async function as(who: Actor, locale: 'fa' | 'en' = 'fa'): Promise<Browser> {
    const key = `${who.user.username}/${locale}`;
    if (!browsers.has(key)) browsers.set(key, await signIn(portal.app, who.user.username, locale));
    return browsers.get(key)!;
  }

  async function documentIn(status: 'draft' | 'submitted' | 'returned' | 'published', fields: Record<string, string | string[]> = {}) {
    const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, ...fields });
    await bring(portal, c, doc.id, status);
    return doc.id;
  }

  const asSecretariat = (id: string) => portal.services.documents.getVisible(c.secretariat.user, id);
  const searchIds = async (who: Actor, q: string) =>
    (await supertest(portal.app).get('/api/v1/search').query({ q }).set(who.auth).expect(200)).body.hits.map((h: { id: string }) => h.id) as string[];

  /** The form as a browser posts it: every field, as typed. */
  const FORM = {
    title: 'برنامهٔ آمادگی اصلاح‌شدهٔ گلستانه',
    summary: 'چکیدهٔ اصلاح‌شده',
    kind: 'training-material',
    year: '۱۴۰۱',
    hazards: ['flood'],
    keywords: 'سیل، آمادگی',
    resolutions: ['9/2'],
    access: 'portal',
  };

  function post(browser: Browser, id: string, fields: Record<string, string | string[]>, csrf: string | null = browser.csrf) {
    return browser.agent
      .post(`/documents/${id}/edit`)
      .type('form')
      .send(new URLSearchParams([...(csrf ? [['_csrf', csrf]] : []), ...Object.entries(fields).flatMap(([k, v]) => [v].flat().map((x) => [k, x]))] as [string, string][]).toString());
  }

  describe('the form', () => {
    it('is the upload form pre-filled, in Persian, with Persian digits and no city choice for a city', async () => {
      const id = await documentIn('draft', { keywords: ['زلزله', 'مدارس'], hazards: ['earthquake', 'fire'] });
      const { agent } = await as(c.owner);
      const html = (await agent.get(`/documents/${id}/edit`).expect(200)).text;
      expect(html).to.include('<html lang="fa" dir="rtl">');
      expect(html).to.include(`<h1>${fa.documents.edit.heading}</h1>`);
      expect(html).to.include(`value="${DEFAULT_FIELDS.title}"`);
      expect(html).to.match(/<option value="threat-study" selected>/);
      expect(html).to.match(/value="earthquake" checked/);
      expect(html).to.match(/value="fire" checked/);
      expect(html).to.not.match(/value="flood" checked/);
      expect(html).to.include('value="۱۳۹۱"');
      expect(html).to.include('value="زلزله، مدارس"');
      expect(html).to.match(/value="9\/2" checked/);
      expect(html, 'no owner-city choice for a city user').to.not.include('name="city"');
      expect(html, 'the share list leaves out the owner city').to.not.include('name="sharedWith" value="tehran"');
      expect(html).to.include(`action="/documents/${id}/edit"`);
      expect(html, 'the current file, named').to.include('گزارش زلزله.pdf');
      expect(html).to.include(fa.documents.edit.saveAndSubmit);
      expect(html, 'no upload-only parts').to.not.include('type="file"');
    });

    it('reads in English with Latin digits; the secretariat gets the owner-city choice and a note that its correction is recorded', async () => {
      const id = await documentIn('published');
      const { agent } = await as(c.secretariat, 'en');
      const html = (await agent.get(`/documents/${id}/edit`).expect(200)).text;
      expect(html).to.include('<html lang="en" dir="ltr">');
      expect(html).to.include(`<h1>${en.documents.edit.heading}</h1>`);
      expect(html).to.include('value="1391"');
      expect(html).to.match(/<select name="city" required>[\s\S]*<option value="tehran" selected>Tehran<\/option>/);
      expect(html).to.include(en.documents.edit.secretariatNote.replace('{status}', en.documents.status.published));
      expect(html, 'a published document is not submitted again').to.not.include(en.documents.edit.saveAndSubmit);
      expect(html).to.not.match(/[۰-۹]/);
    });

    it('shows a returned document’s note from the secretariat beside the form, with who returned it', async () => {
      const id = await documentIn('returned');
      for (const locale of ['fa', 'en'] as const) {
        const { agent } = await as(c.owner, locale);
        const html = (await agent.get(`/documents/${id}/edit`).expect(200)).text;
        const catalogue = locale === 'fa' ? fa : en;
        const aside = /<aside class="review-note edit-note"[\s\S]*?<\/aside>/.exec(html)?.[0] ?? '';
        expect(aside, locale).to.include('جدول خسارت‌ها کامل نیست');
        expect(aside).to.include(catalogue.documents.edit.returnedNote);
        expect(aside).to.include(catalogue.documents.edit.returnedBy.split('{')[0]!.trim());
        expect(aside).to.include('sec');
        expect(html.indexOf('<aside'), 'the note comes first (above the form on a phone)').to.be.below(html.indexOf(`action="/documents/${id}/edit"`));
        expect(html).to.include('edit-layout with-note');
      }
    });

    it('answers 404 to those who may not see the document, 403 to those who see it but may not edit it, 409 to the city once submitted', async () => {
      const draft = await documentIn('draft');
      const published = await documentIn('published');
      const submitted = await documentIn('submitted');
      const cases: [Actor, string, number][] = [
        [c.otherCity, draft, 404],
        [c.reader, draft, 404],
        [c.otherCity, published, 403],
        [c.reader, published, 403],
        [c.owner, submitted, 409],
        [c.owner, published, 409],
        [c.owner, 'no-such-document', 404],
      ];
      for (const [who, id, status] of cases) {
        const res = await (await as(who)).agent.get(`/documents/${id}/edit`);
        expect(res.status, `${who.user.username} GET ${id}`).to.equal(status);
        if (status === 404) expect(res.text).to.not.include(DEFAULT_FIELDS.title);
      }
    });
  });

  describe('saving', () => {
    it('saves every field through the service: audited, searchable at once, back on the document page with a flash', async () => {
      const id = await documentIn('draft');
      const browser = await as(c.owner);
      const res = await post(browser, id, FORM).expect(303);
      expect(res.headers.location).to.equal(`/documents/${id}`);
      const doc = asSecretariat(id);
      expect(doc).to.include({ title: FORM.title, summary: FORM.summary, kind: 'training-material', year: 1401, status: 'draft' });
      expect(doc.hazards).to.deep.equal(['flood']);
      expect(doc.keywords).to.deep.equal(['سیل', 'آمادگی']);
      const row = portal.services.audit.forDocument(id).find((e) => e.action === 'document.updated');
      expect(row?.details.fields).to.deep.equal(['title', 'summary', 'kind', 'hazards', 'year', 'keywords']);
      expect(await searchIds(c.owner, 'گلستانه')).to.include(id);
      const page = (await browser.agent.get(`/documents/${id}`).expect(200)).text;
      expect(page).to.include(fa.documents.edit.flash.saved);
      expect(page, 'the history says what changed, in Persian').to.include('تغییر: عنوان، چکیده، نوع، مخاطره‌ها، سال تهیه، کلیدواژه‌ها');
      expect(page).to.include(`عنوان پیشین: «\u2068${DEFAULT_FIELDS.title}\u2069»`);
      const english = (await (await as(c.owner, 'en')).agent.get(`/documents/${id}`).expect(200)).text;
      expect(english).to.include('Changed: title, summary, kind, hazards, year written, keywords');
    });

    it('says so when nothing changed, and writes nothing', async () => {
      const id = await documentIn('draft');
      const browser = await as(c.owner);
      const form = (await browser.agent.get(`/documents/${id}/edit`).expect(200)).text;
      const audit = countRows(portal, 'audit_log');
      const same = { ...DEFAULT_FIELDS, keywords: 'زلزله، شریان حیاتی', year: '۱۳۹۱' } as Record<string, string | string[]>;
      expect(form).to.include('value="زلزله، شریان حیاتی"');
      await post(browser, id, same).expect(303);
      expect(countRows(portal, 'audit_log')).to.equal(audit);
      expect((await browser.agent.get(`/documents/${id}`)).text).to.include(fa.documents.edit.flash.unchanged);
    });

    it('"save and submit" corrects a returned document and sends it for review', async () => {
      const id = await documentIn('returned');
      const browser = await as(c.owner);
      await post(browser, id, { ...FORM, title: 'عنوان پاسخ به برگشت', then: 'submit' }).expect(303);
      const doc = asSecretariat(id);
      expect(doc).to.include({ status: 'submitted', title: 'عنوان پاسخ به برگشت' });
      expect(portal.services.audit.forDocument(id).slice(-2).map((e) => e.action)).to.deep.equal(['document.updated', 'document.submitted']);
      expect((await browser.agent.get(`/documents/${id}`)).text).to.include(fa.documents.edit.flash.savedAndSubmitted);
    });

    it('keeps what was typed after a refusal and names each refused field next to it, in the reader’s language', async () => {
      const id = await documentIn('draft');
      for (const locale of ['fa', 'en'] as const) {
        const catalogue = locale === 'fa' ? fa : en;
        const browser = await as(c.owner, locale);
        const [before, audit] = [asSecretariat(id), countRows(portal, 'audit_log')];
        const res = await post(browser, id, { ...FORM, title: '   ', year: 'پارسال', summary: 'چکیده‌ای که نباید گم شود' }).expect(400);
        expect(res.text).to.include(catalogue.documents.edit.refused);
        expect(res.text).to.match(/<input name="title" value="   " required maxlength="300" dir="auto" aria-invalid="true" aria-describedby="title-error">/);
        expect(res.text).to.include(`<p class="field-error" id="title-error">${catalogue.documents.fieldErrors.title}</p>`);
        expect(res.text).to.include(`<p class="field-error" id="year-error">${catalogue.documents.fieldErrors.year}</p>`);
        expect(res.text, 'the summary as typed').to.include('چکیده‌ای که نباید گم شود</textarea>');
        expect(res.text).to.match(/value="flood" checked/);
        expect(res.text, 'no message for a good field').to.not.include('id="kind-error"');
        expect(asSecretariat(id)).to.deep.equal(before);
        expect(countRows(portal, 'audit_log')).to.equal(audit);
      }
      // A kind the vocabulary does not know is refused by the service, and named the same way.
      const res = await post(await as(c.owner), id, { ...FORM, kind: 'nonsense' }).expect(400);
      expect(res.text).to.include(`<p class="field-error" id="kind-error">${fa.documents.fieldErrors.kind}</p>`);
    });

    it('gives the form back with what was typed when the document was submitted in the meantime (409)', async () => {
      const id = await documentIn('draft');
      const browser = await as(c.owner);
      await browser.agent.get(`/documents/${id}/edit`).expect(200);
      await bring(portal, c, id, 'submitted');
      const [before, audit] = [asSecretariat(id), countRows(portal, 'audit_log')];
      const res = await post(browser, id, FORM).expect(409);
      expect(res.text).to.include(fa.documents.edit.notEditable.replace('{status}', fa.documents.status.submitted));
      expect(res.text).to.include(`value="${FORM.title}"`);
      expect(asSecretariat(id)).to.deep.equal(before);
      expect(countRows(portal, 'audit_log')).to.equal(audit);
    });

    it('refuses others as the API does, and a post without the CSRF token, changing nothing', async () => {
      const draft = await documentIn('draft');
      const published = await documentIn('published');
      const cases: [Actor, string, number, string | null][] = [
        [c.otherCity, draft, 404, 'x'],
        [c.reader, draft, 404, 'x'],
        [c.otherCity, published, 403, 'x'],
        [c.reader, published, 403, 'x'],
        [c.owner, draft, 403, null],
      ];
      for (const [who, id, status, csrf] of cases) {
        const browser = await as(who);
        const [before, audit] = [asSecretariat(id), countRows(portal, 'audit_log')];
        const res = await post(browser, id, { ...FORM, title: 'عنوان ربوده‌شدهٔ پرچین' }, csrf === null ? null : browser.csrf);
        expect(res.status, `${who.user.username} POST ${id}`).to.equal(status);
        expect(asSecretariat(id)).to.deep.equal(before);
        expect(countRows(portal, 'audit_log')).to.equal(audit);
        expect(await searchIds(c.secretariat, 'پرچین')).to.deep.equal([]);
      }
    });

    it('lets the secretariat correct a published document and move it to another city from the form', async () => {
      const id = await documentIn('published', { title: 'سند شهر اشتباه' });
      const browser = await as(c.secretariat);
      await post(browser, id, { ...FORM, title: 'سند شهر درست لاله‌زار', city: 'shiraz' }).expect(303);
      expect(asSecretariat(id)).to.include({ city: 'shiraz', status: 'published', title: 'سند شهر درست لاله‌زار' });
      expect(await searchIds(c.reader, 'لاله‌زار')).to.include(id);
    });
  });

  describe('the document page', () => {
    it('offers "edit details" to whoever may edit now, and to no one else', async () => {
      const draft = await documentIn('draft');
      const submitted = await documentIn('submitted');
      const published = await documentIn('published');
      const link = (id: string) => `href="/documents/${id}/edit"`;
      const page = async (who: Actor, id: string) => (await (await as(who)).agent.get(`/documents/${id}`).expect(200)).text;
      expect(await page(c.owner, draft)).to.include(link(draft));
      expect(await page(c.owner, submitted)).to.not.include(link(submitted));
      expect(await page(c.owner, published)).to.not.include(link(published));
      expect(await page(c.secretariat, published)).to.include(link(published));
      expect(await page(c.secretariat, submitted)).to.include(link(submitted));
      expect(await page(c.otherCity, published)).to.not.include(link(published));
      expect(await page(c.reader, published)).to.not.include(link(published));
    });
  });
});
