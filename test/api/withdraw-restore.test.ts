import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, startPortal, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';

/** Withdrawing with a reason (recorded in the history) and the secretariat's restore to the status the document had. */
describe('withdrawing with a reason, and restoring', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  async function documentIn(status: 'draft' | 'submitted' | 'returned' | 'published') {
    const doc = await upload(portal, c.owner);
    await bring(portal, c, doc.id, status);
    return doc.id;
  }
  const post = (id: string, action: string, who: Actor, body?: object) => {
    const req = api().post(`/api/v1/documents/${id}/${action}`).set(who.auth);
    return body ? req.send(body) : req;
  };
  const unchanged = (id: string) => {
    const before = { doc: portal.services.documents.getVisible(c.secretariat.user, id), audit: countRows(portal, 'audit_log') };
    return () => {
      expect(portal.services.documents.getVisible(c.secretariat.user, id)).to.deep.equal(before.doc);
      expect(countRows(portal, 'audit_log')).to.equal(before.audit);
    };
  };

  it('records the reason in the audit details and tells the city when the secretariat withdraws', async () => {
    const id = await documentIn('published');
    const res = await post(id, 'withdraw', c.secretariat, { reason: 'آمار خسارت‌ها با گزارش رسمی نمی‌خواند' }).expect(200);
    expect(res.body.status).to.equal('withdrawn');
    const entry = portal.services.audit.forDocument(id).at(-1)!;
    expect(entry).to.include({ action: 'document.withdrawn', username: 'sec' });
    expect(entry.details).to.deep.equal({ from: 'published', to: 'withdrawn', reason: 'آمار خسارت‌ها با گزارش رسمی نمی‌خواند' });
    const notice = portal.services.notifications.list(c.owner.user.id).notifications[0]!;
    expect(notice.kind).to.equal('document.withdrawn');
    expect(notice.title).to.contain('آمار خسارت‌ها');
  });

  it('still withdraws without a body, or with a blank reason, recording none', async () => {
    for (const body of [undefined, {}, { reason: '  ' }]) {
      const id = await documentIn('draft');
      await post(id, 'withdraw', c.owner, body).expect(200);
      expect(portal.services.audit.forDocument(id).at(-1)!.details).to.deep.equal({ from: 'draft', to: 'withdrawn' });
    }
  });

  it('refuses a bad reason with 400 and changes nothing; who may not withdraw is refused before the body is read', async () => {
    const id = await documentIn('published');
    const check = unchanged(id);
    for (const body of [{ reason: 'x'.repeat(2001) }, { reason: 5 }, { why: 'x' }]) {
      const res = await post(id, 'withdraw', c.owner, body).expect(400);
      expect(res.body.error.code).to.equal('validation_failed');
    }
    await post(id, 'withdraw', c.reader, { reason: 5 }).expect(403);
    await post(id, 'withdraw', c.otherCity, { reason: 'x'.repeat(2001) }).expect(403);
    check();
    const draft = await documentIn('draft');
    await post(draft, 'withdraw', c.otherCity, { reason: 5 }).expect(404);
  });

  it('restores a withdrawn document to the status it had: published, draft, submitted or returned', async () => {
    for (const status of ['published', 'draft', 'submitted', 'returned'] as const) {
      const id = await documentIn(status);
      await post(id, 'withdraw', c.owner, { reason: 'اشتباه' }).expect(200);
      const restored = await post(id, 'restore', c.secretariat).expect(200);
      expect(restored.body.status, `a ${status} document comes back ${status}`).to.equal(status);
      const entry = portal.services.audit.forDocument(id).at(-1)!;
      expect(entry).to.include({ action: 'document.restored', username: 'sec' });
      expect(entry.details).to.deep.equal({ from: 'withdrawn', to: status });
      expect(portal.services.notifications.list(c.owner.user.id).notifications[0]).to.include({ kind: 'document.restored', link: `/documents/${id}` });
    }
    const published = await documentIn('published');
    await post(published, 'withdraw', c.owner).expect(200);
    await api().get(`/api/v1/documents/${published}`).set(c.reader.auth).expect(404);
    await post(published, 'restore', c.secretariat).expect(200);
    await api().get(`/api/v1/documents/${published}`).set(c.reader.auth).expect(200);
  });

  it('lets only the secretariat restore (403 for the owner, 404 for those who cannot see it), and only a withdrawn document (409)', async () => {
    const id = await documentIn('published');
    await post(id, 'withdraw', c.owner).expect(200);
    const check = unchanged(id);
    await post(id, 'restore', c.owner).expect(403);
    for (const who of [c.reader, c.otherCity, c.sharedCity]) await post(id, 'restore', who).expect(404);
    await api().post(`/api/v1/documents/${id}/restore`).expect(401);
    check();
    const live = await documentIn('published');
    const liveCheck = unchanged(live);
    const conflict = await post(live, 'restore', c.secretariat).expect(409);
    expect(conflict.body.error.code).to.equal('invalid_transition');
    await post(live, 'restore', c.reader).expect(403);
    liveCheck();
  });

  it('keeps publishing a withdrawn document directly, which forgets the status before withdrawal', async () => {
    const id = await documentIn('draft');
    await post(id, 'withdraw', c.owner).expect(200);
    expect(portal.services.documents.getVisible(c.secretariat.user, id).statusBeforeWithdrawal).to.equal('draft');
    await post(id, 'publish', c.secretariat).expect(200);
    const doc = portal.services.documents.getVisible(c.secretariat.user, id);
    expect(doc).to.include({ status: 'published', statusBeforeWithdrawal: null });
    expect(doc.firstPublishedAt).to.be.a('string');
  });
});
