import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, DEFAULT_FIELDS, startPortal, storedObjects, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';

/**
 * PATCH /api/v1/documents/:id (API.md, second round): the owner city corrects a draft or a returned document,
 * the secretariat any document in any state (audited, re-indexed before the answer) and may move it to another
 * city. Every refusal is shown to change nothing: the document, the audit log, the stored files, the search.
 */
describe('documents API: correcting a document (PATCH)', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  const patch = (who: Actor | null, id: string, body: object) => {
    const req = supertest(portal.app).patch(`/api/v1/documents/${id}`).send(body);
    return who ? req.set(who.auth) : req;
  };
  /** The documents that have every word of `q` (a relaxed answer, of documents with only some of them, counts as none). */
  const searchIds = async (who: Actor, q: string) => {
    const { body } = await supertest(portal.app).get('/api/v1/search').query({ q }).set(who.auth).expect(200);
    return body.relaxed ? [] : (body.hits.map((h: { id: string }) => h.id) as string[]);
  };
  const asSecretariat = (id: string) => portal.services.documents.getVisible(c.secretariat.user, id);
  const updates = (id: string) => portal.services.audit.forDocument(id).filter((e) => e.action === 'document.updated');

  async function documentIn(status: 'draft' | 'submitted' | 'returned' | 'published' | 'withdrawn', fields: Record<string, string | string[]> = {}) {
    const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, ...fields });
    await bring(portal, c, doc.id, status);
    return doc.id;
  }

  /** Sends a PATCH that must be refused with `status`, and proves it changed nothing anywhere. */
  async function refused(who: Actor | null, id: string, body: { title: string } & Record<string, unknown>, status: number, code: string) {
    const before = asSecretariat(id);
    const [audit, objects] = [countRows(portal, 'audit_log'), storedObjects(portal).length];
    const res = await patch(who, id, body).expect(status);
    expect(res.body.error.code, JSON.stringify(res.body)).to.equal(code);
    expect(asSecretariat(id), 'the document is as it was').to.deep.equal(before);
    expect(countRows(portal, 'audit_log'), 'no audit row').to.equal(audit);
    expect(storedObjects(portal).length, 'no stored object').to.equal(objects);
    expect(await searchIds(c.secretariat, body.title), 'the index does not know the refused title').to.not.include(id);
    if (status === 404) expect(JSON.stringify(res.body)).to.not.contain(before.title);
  }

  describe('the owner city', () => {
    it('corrects a draft and a returned document: only what changed is written, audited with old → new', async () => {
      for (const status of ['draft', 'returned'] as const) {
        const id = await documentIn(status);
        const res = await patch(c.owner, id, { title: 'عنوان اصلاح‌شدهٔ کاریزنامه', kind: 'training-material', hazards: ['earthquake', 'fire'], year: 1399 }).expect(200);
        expect(res.body).to.include({ id, title: 'عنوان اصلاح‌شدهٔ کاریزنامه', kind: 'training-material', year: 1399, status, city: 'tehran' });
        expect(res.body.hazards, 'a list sent unchanged is not a change').to.deep.equal(['earthquake', 'fire']);
        expect(res.body.summary, 'a field not sent keeps its value').to.equal(DEFAULT_FIELDS.summary);
        const [row, ...more] = updates(id);
        expect(more).to.have.length(0);
        expect(row!.username).to.equal(c.owner.user.username);
        expect(row!.details).to.deep.equal({
          fields: ['title', 'kind', 'year'],
          changes: {
            title: { from: DEFAULT_FIELDS.title, to: 'عنوان اصلاح‌شدهٔ کاریزنامه' },
            kind: { from: 'threat-study', to: 'training-material' },
            year: { from: 1391, to: 1399 },
          },
          status,
        });
      }
    });

    it('keeps a restricted document restricted when only the title is sent (no default fills a field left out)', async () => {
      const id = await documentIn('draft', { access: 'restricted', sharedWith: ['isfahan'] });
      const res = await patch(c.owner, id, { title: 'فقط عنوان تازه' }).expect(200);
      expect(res.body.access).to.equal('restricted');
      expect(res.body.sharedWith).to.deep.equal(['isfahan']);
      expect(updates(id)[0]!.details.fields).to.deep.equal(['title']);
    });

    it('writes nothing for a correction that changes nothing: no audit row, the same last change', async () => {
      const id = await documentIn('draft');
      const before = asSecretariat(id);
      const audit = countRows(portal, 'audit_log');
      const res = await patch(c.owner, id, { title: DEFAULT_FIELDS.title, hazards: ['fire', 'earthquake'], city: 'tehran' }).expect(200);
      expect(res.body.updatedAt).to.equal(before.updatedAt);
      expect(countRows(portal, 'audit_log')).to.equal(audit);
    });

    it('may not correct what it has submitted, nor a published or withdrawn document (409, nothing changes)', async () => {
      for (const status of ['submitted', 'published', 'withdrawn'] as const) {
        await refused(c.owner, await documentIn(status), { title: `دیرهنگام ${status} ژالهسار` }, 409, 'invalid_transition');
      }
    });

    it('may not move its document to another city (403), nor name an unknown kind (400)', async () => {
      const id = await documentIn('draft');
      await refused(c.owner, id, { title: 'جابه‌جایی ممنوع سنگلاخ', city: 'shiraz' }, 403, 'forbidden');
      await refused(c.owner, id, { title: 'نوع ناشناخته سنگلاخ', kind: 'nonsense' }, 400, 'validation_failed');
      await refused(c.owner, id, { title: 'فیلد ناشناخته سنگلاخ', colour: 'red' }, 400, 'validation_failed');
      await refused(c.owner, id, { title: 'سال نادرست سنگلاخ', year: 'پارسال' }, 400, 'validation_failed');
    });
  });

  describe('others', () => {
    it('another city: 404 for a draft it cannot see, 403 for a published one it can; a reader likewise; anonymous 401', async () => {
      const draft = await documentIn('draft');
      const published = await documentIn('published');
      await refused(c.otherCity, draft, { title: 'دستبرد شیراز به پیش‌نویس' }, 404, 'not_found');
      await refused(c.otherCity, published, { title: 'دستبرد شیراز به منتشرشده' }, 403, 'forbidden');
      await refused(c.reader, draft, { title: 'دستبرد خواننده به پیش‌نویس' }, 404, 'not_found');
      await refused(c.reader, published, { title: 'دستبرد خواننده به منتشرشده' }, 403, 'forbidden');
      await refused(null, published, { title: 'دستبرد ناشناس' }, 401, 'unauthenticated');
      const audit = countRows(portal, 'audit_log');
      const missing = await patch(c.owner, 'no-such-document', { title: 'ناموجود' }).expect(404);
      expect(missing.body.error.code).to.equal('not_found');
      expect(countRows(portal, 'audit_log')).to.equal(audit);
    });
  });

  describe('the secretariat', () => {
    it('corrects a published document: audited, and search finds the new title and no longer the old one at once', async () => {
      const id = await documentIn('published', { title: 'گزارش آبرفتستان قدیمی' });
      expect(await searchIds(c.otherCity, 'آبرفتستان')).to.include(id);
      const res = await patch(c.secretariat, id, { title: 'گزارش کویرنشین تازه', kind: 'public-education' }).expect(200);
      expect(res.body).to.include({ status: 'published', title: 'گزارش کویرنشین تازه', kind: 'public-education' });
      // No worker runs in these tests: what search answers now was written before the PATCH answered.
      for (const who of [c.secretariat, c.otherCity, c.reader]) {
        expect(await searchIds(who, 'کویرنشین'), 'the new title').to.include(id);
        expect(await searchIds(who, 'آبرفتستان'), 'the old title').to.not.include(id);
      }
      const [row] = updates(id);
      expect(row!.username).to.equal('sec');
      expect(row!.details.changes).to.deep.equal({
        title: { from: 'گزارش آبرفتستان قدیمی', to: 'گزارش کویرنشین تازه' },
        kind: { from: 'threat-study', to: 'public-education' },
      });
      expect(row!.details.status).to.equal('published');
    });

    it('narrows a published document to restricted: other cities and readers lose it from search at once, a shared city keeps it', async () => {
      const id = await documentIn('published', { title: 'نقشهٔ پالایشگاه دریاکنار' });
      for (const who of [c.otherCity, c.sharedCity, c.reader]) expect(await searchIds(who, 'دریاکنار')).to.include(id);
      const res = await patch(c.secretariat, id, { access: 'restricted', sharedWith: ['isfahan'] }).expect(200);
      expect(res.body).to.include({ access: 'restricted' });
      expect(await searchIds(c.otherCity, 'دریاکنار'), 'another city').to.not.include(id);
      expect(await searchIds(c.reader, 'دریاکنار'), 'a reader').to.not.include(id);
      expect(await searchIds(c.sharedCity, 'دریاکنار'), 'the city it is shared with').to.include(id);
      expect(await searchIds(c.owner, 'دریاکنار'), 'its own city').to.include(id);
      await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.otherCity.auth).expect(404);
      await supertest(portal.app).get(`/api/v1/documents/${id}/file`).set(c.reader.auth).expect(404);
      expect(updates(id)[0]!.details.changes).to.deep.equal({ access: { from: 'portal', to: 'restricted' }, sharedWith: { from: [], to: ['isfahan'] } });
    });

    it('corrects a submitted and a withdrawn document too', async () => {
      for (const status of ['submitted', 'withdrawn'] as const) {
        const id = await documentIn(status);
        const res = await patch(c.secretariat, id, { summary: `چکیدهٔ اصلاح‌شده (${status})` }).expect(200);
        expect(res.body).to.include({ status, summary: `چکیدهٔ اصلاح‌شده (${status})` });
        expect(updates(id)[0]!.details, 'a long text is named, not copied').to.deep.equal({ fields: ['summary'], changes: {}, status });
      }
    });

    it('moves a draft to another city: visibility and search follow the new city, a share with it is dropped', async () => {
      const id = await documentIn('draft', { title: 'پیش‌نویس شهر اشتباه نمکزار', access: 'restricted', sharedWith: ['shiraz', 'isfahan'] });
      expect(await searchIds(c.owner, 'نمکزار')).to.include(id);
      const res = await patch(c.secretariat, id, { city: 'shiraz' }).expect(200);
      expect(res.body).to.include({ city: 'shiraz' });
      expect(res.body.sharedWith, 'the new owner is not a share of its own document').to.deep.equal(['isfahan']);
      await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.owner.auth).expect(404);
      await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.otherCity.auth).expect(200);
      expect(await searchIds(c.owner, 'نمکزار'), 'Tehran no longer finds it').to.not.include(id);
      expect(await searchIds(c.otherCity, 'نمکزار'), 'Shiraz finds its draft').to.include(id);
      expect(updates(id)[0]!.details.changes).to.deep.include({ city: { from: 'tehran', to: 'shiraz' } });
      // Now Tehran cannot see it, so to Tehran it does not exist.
      await refused(c.owner, id, { title: 'تهران دیگر نمی‌بیند' }, 404, 'not_found');
    });

    it('refuses an unknown city (400) and changes nothing', async () => {
      const id = await documentIn('draft');
      await refused(c.secretariat, id, { title: 'شهر ناشناخته کوهستان', city: 'atlantis' }, 400, 'validation_failed');
    });
  });
});
