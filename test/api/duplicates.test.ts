import { expect } from 'chai';
import supertest from 'supertest';
import { en } from '../../server/i18n/en/index';
import { fa } from '../../server/i18n/fa/index';
import { bring, cast, startPortal, uploadRequest, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

/**
 * An upload whose bytes equal a file the uploader can already see is accepted with `duplicates` (API) or a
 * warning linking to it (page); a document the uploader may not see is never named, nor hinted at.
 */
describe('duplicate uploads', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  let serial = 0;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** Bytes no other test uses. */
  const fresh = () => Buffer.from(`گزارش یکتای شمارهٔ ${(serial += 1)} ${Math.random()}\n`, 'utf8');

  async function uploadAs(who: Actor, content: Buffer, fields: Record<string, string | string[]> = {}) {
    const res = await uploadRequest(portal, who, { title: `سند ${serial}`, summary: 'خلاصه', kind: 'other', year: '1400', ...(who === c.secretariat ? { city: 'tehran' } : {}), ...fields }, { content, name: 'گزارش.txt' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; title: string; duplicates: { id: string; title: string }[] };
  }
  const addVersion = (who: Actor, id: string, content: Buffer) =>
    api().post(`/api/v1/documents/${id}/versions`).set(who.auth).attach('file', content, { filename: 'نسخه.txt' });

  it('answers an upload with no duplicates as an empty list, and a second upload of the same bytes with the first document', async () => {
    const bytes = fresh();
    const first = await uploadAs(c.owner, bytes, { title: 'مطالعهٔ نخست' });
    expect(first.duplicates).to.deep.equal([]);
    const second = await uploadAs(c.owner, bytes, { title: 'همان پرونده، دوباره' });
    expect(second.duplicates).to.deep.equal([{ id: first.id, title: 'مطالعهٔ نخست' }]);
    const third = await uploadAs(c.secretariat, bytes, { title: 'بار سوم' });
    expect(third.duplicates).to.deep.equal([
      { id: first.id, title: 'مطالعهٔ نخست' },
      { id: second.id, title: 'همان پرونده، دوباره' },
    ]);
  });

  it('names a published document of another city, and older versions too', async () => {
    const bytes = fresh();
    const theirs = await uploadAs(c.owner, bytes, { title: 'نسخهٔ کهنهٔ تهران' });
    await addVersion(c.owner, theirs.id, fresh()).expect(201);
    await bring(portal, c, theirs.id, 'published');
    const mine = await uploadAs(c.otherCity, bytes, { title: 'بارگذاری شیراز' });
    expect(mine.duplicates).to.deep.equal([{ id: theirs.id, title: 'نسخهٔ کهنهٔ تهران' }]);
  });

  it('never reveals a draft or a restricted document of another city the uploader may not see', async () => {
    const draftBytes = fresh();
    const draft = await uploadAs(c.owner, draftBytes, { title: 'پیش‌نویس محرمانهٔ تهران' });
    const restrictedBytes = fresh();
    const restricted = await uploadAs(c.owner, restrictedBytes, { title: 'مطالعهٔ زیرساخت حساس تهران', access: 'restricted', sharedWith: ['isfahan'] });
    await bring(portal, c, restricted.id, 'published');

    for (const [bytes, hidden] of [[draftBytes, draft], [restrictedBytes, restricted]] as const) {
      const res = await uploadRequest(portal, c.otherCity, { title: 'بارگذاری شیراز', summary: 'خلاصه', kind: 'other', year: '1400' }, { content: bytes, name: 'x.txt' }).expect(201);
      expect(res.body.duplicates).to.deep.equal([]);
      const json = JSON.stringify(res.body);
      expect(json).to.not.contain(hidden.id);
      expect(json).to.not.contain(hidden.title);
      const version = await addVersion(c.otherCity, res.body.id, bytes).expect(201);
      expect(version.body.duplicates).to.deep.equal([]);
    }
    const shared = await uploadAs(c.sharedCity, restrictedBytes);
    expect(shared.duplicates, 'the city it is shared with may see it').to.deep.equal([{ id: restricted.id, title: 'مطالعهٔ زیرساخت حساس تهران' }]);
  });

  it('answers a new version with the other documents holding its bytes, never the document itself', async () => {
    const bytes = fresh();
    const doc = await uploadAs(c.owner, bytes, { title: 'سند با نسخه‌ها' });
    const same = await addVersion(c.owner, doc.id, bytes).expect(201);
    expect(same.body.duplicates).to.deep.equal([]);
    const elsewhere = await uploadAs(c.owner, fresh(), { title: 'سند دیگر' });
    const copied = await addVersion(c.owner, elsewhere.id, bytes).expect(201);
    expect(copied.body.duplicates).to.deep.equal([{ id: doc.id, title: 'سند با نسخه‌ها' }]);
  });

  it('does not reveal a revision under review to other cities, until it is published', async () => {
    const published = await uploadAs(c.owner, fresh(), { title: 'سند منتشرشده با ویرایش' });
    await bring(portal, c, published.id, 'published');
    const revision = fresh();
    await addVersion(c.owner, published.id, revision).expect(201);
    const before = await uploadAs(c.otherCity, revision);
    expect(before.duplicates).to.deep.equal([]);
    expect(JSON.stringify(before)).to.not.contain(published.id);
    const ownCity = await uploadAs(c.owner, revision);
    expect(ownCity.duplicates.map((d) => d.id), 'the owner city sees its own revision').to.include(published.id);
    await api().post(`/api/v1/documents/${published.id}/publish`).set(c.secretariat.auth).expect(200);
    const after = await uploadAs(c.otherCity, revision);
    expect(after.duplicates.map((d) => d.id)).to.include(published.id);
  });

  describe('on the pages', function () {
    function formUpload(agent: ReturnType<typeof supertest.agent>, csrf: string, content: Buffer, json = false) {
      const req = agent.post(`/documents/new?_csrf=${encodeURIComponent(csrf)}`);
      if (json) req.set('Accept', 'application/json');
      for (const [k, v] of Object.entries({ title: 'گزارش تکراری', summary: 'خلاصه', kind: 'other', year: '۱۴۰۰' })) req.field(k, v);
      return req.attach('file', content, { filename: 'گزارش.txt' });
    }

    for (const locale of ['fa', 'en'] as const) {
      it(`warns after a form upload with a link to the document that holds the same file, once (${locale})`, async () => {
        const bytes = fresh();
        const first = await uploadAs(c.owner, bytes, { title: 'نخستین بارگذاری این پرونده' });
        const { agent, csrf } = await signIn(portal.app, c.owner.user.username, locale);
        const res = await formUpload(agent, csrf, bytes).expect(303);
        const page = await agent.get(res.headers.location!).expect(200);
        const catalogue = locale === 'fa' ? fa : en;
        expect(page.text).to.contain(catalogue.documents.duplicates.heading);
        expect(page.text).to.contain(`<a href="/documents/${first.id}" dir="auto">نخستین بارگذاری این پرونده</a>`);
        const again = await agent.get(res.headers.location!).expect(200);
        expect(again.text, 'the warning is shown once').to.not.contain(catalogue.documents.duplicates.heading);
      });
    }

    it('gives the upload script the duplicates with their links, and nothing of what the uploader may not see', async () => {
      const visible = fresh();
      const first = await uploadAs(c.owner, visible, { title: 'سند دیدنی' });
      const { agent, csrf } = await signIn(portal.app, c.owner.user.username);
      const res = await formUpload(agent, csrf, visible, true).expect(201);
      expect(res.body.duplicates).to.deep.equal([{ id: first.id, title: 'سند دیدنی', url: `/documents/${first.id}` }]);

      const hiddenBytes = fresh();
      const hidden = await uploadAs(c.owner, hiddenBytes, { title: 'پیش‌نویس پنهان' });
      const other = await signIn(portal.app, c.otherCity.user.username);
      const refused = await formUpload(other.agent, other.csrf, hiddenBytes, true).expect(201);
      expect(refused.body.duplicates).to.deep.equal([]);
      const otherHiddenBytes = fresh();
      const otherHidden = await uploadAs(c.owner, otherHiddenBytes, { title: 'پیش‌نویس پنهان دیگر' });
      const page = await formUpload(other.agent, other.csrf, otherHiddenBytes).expect(303);
      const html = (await other.agent.get(page.headers.location!).expect(200)).text;
      expect(html).to.not.contain(fa.documents.duplicates.heading);
      for (const secret of [hidden.id, otherHidden.id, 'پیش‌نویس پنهان']) expect(html).to.not.contain(secret);
    });

    it('warns after a new version from the page form too', async () => {
      const bytes = fresh();
      const first = await uploadAs(c.owner, bytes, { title: 'سند اصلی' });
      const target = await uploadAs(c.owner, fresh(), { title: 'سند دوم' });
      const { agent, csrf } = await signIn(portal.app, c.owner.user.username);
      const res = await agent.post(`/documents/${target.id}/versions?_csrf=${encodeURIComponent(csrf)}`).attach('file', bytes, { filename: 'نسخه.txt' }).expect(303);
      const html = (await agent.get(res.headers.location!).expect(200)).text;
      expect(html).to.contain(fa.documents.duplicates.heading);
      expect(html).to.contain(`<a href="/documents/${first.id}" dir="auto">سند اصلی</a>`);
    });
  });
});
