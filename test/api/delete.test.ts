import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, SAMPLE_PDF, storedObjects, startPortal, uploadRequest, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

/**
 * DELETE /api/v1/documents/:id: the owner city deletes what was never published, the secretariat anything with a
 * reason; every stored file, the index entry and package items go, the audit rows stay, and the id is 404 everywhere.
 */
describe('deleting a document', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  let word = 0;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** A text document with a word of its own, extracted and indexed, brought to `status`. */
  async function documentIn(status: 'draft' | 'submitted' | 'returned' | 'published' | 'withdrawn', fields: Record<string, string | string[]> = {}) {
    word += 1;
    const unique = `واژه${'ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی'[word % 32]}یکتا${word}`;
    const res = await uploadRequest(portal, c.owner, { title: `سند ${unique}`, summary: 'خلاصه', kind: 'other', year: '1400', ...fields }, { content: Buffer.from(`متن ${unique}\n`), name: 'متن.txt' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await bring(portal, c, res.body.id, status);
    await portal.services.worker.drain();
    return { id: res.body.id as string, word: unique };
  }

  const remove = (id: string, who: Actor | null, body?: object) => {
    const req = api().delete(`/api/v1/documents/${id}`);
    if (who) req.set(who.auth);
    return body ? req.send(body) : req;
  };
  const found = async (who: Actor, word: string) => (await api().get(`/api/v1/search?q=${encodeURIComponent(word)}`).set(who.auth).expect(200)).body.hits.map((h: { id: string }) => h.id) as string[];

  /** Everything a refused deletion must leave as it was. */
  async function snapshot(id: string, word: string) {
    return {
      doc: portal.services.documents.getVisible(c.secretariat.user, id),
      audit: countRows(portal, 'audit_log'),
      documents: countRows(portal, 'documents'),
      objects: storedObjects(portal).sort(),
      hits: await found(c.secretariat, word),
    };
  }

  it('lets the owner city delete a draft with every version, its index entry and stored files; the audit rows stay and say who', async () => {
    const { id, word: unique } = await documentIn('draft');
    await api().post(`/api/v1/documents/${id}/versions`).set(c.owner.auth).attach('file', SAMPLE_PDF, 'نسخهٔ دوم.pdf').expect(201);
    const keys = portal.services.documents.getVisible(c.owner.user, id).versions.map((v) => v.objectKey);
    const objects = storedObjects(portal).length;
    const audits = portal.services.audit.forDocument(id).length;
    const documents = countRows(portal, 'documents');
    expect(await found(c.owner, unique)).to.include(id);

    await remove(id, c.owner).expect(204);

    expect(countRows(portal, 'documents')).to.equal(documents - 1);
    expect(portal.services.db.prepare('SELECT count(*) FROM documents WHERE id = ?').pluck().get(id)).to.equal(0);
    expect(portal.services.db.prepare('SELECT count(*) FROM document_versions WHERE document_id = ?').pluck().get(id)).to.equal(0);
    expect(storedObjects(portal), 'both versions left the store').to.have.length(objects - 2);
    for (const key of keys) expect(await portal.services.store.stat(key)).to.equal(null);
    expect(await found(c.owner, unique)).to.not.include(id);
    expect(await found(c.secretariat, unique)).to.not.include(id);
    const history = portal.services.audit.forDocument(id);
    expect(history, 'the document\'s audit rows outlive it').to.have.length(audits + 1);
    const last = history.at(-1)!;
    expect(last).to.include({ action: 'document.deleted', username: 'tehran-staff', documentId: id });
    expect(last.details).to.include({ city: 'tehran', status: 'draft', versions: 2 });
    expect(last.details.title).to.contain(unique);
    expect(last.details).to.not.have.property('reason');
  });

  it('lets the owner delete a submitted or returned document that was never published, with an optional reason', async () => {
    for (const status of ['submitted', 'returned'] as const) {
      const { id } = await documentIn(status);
      await remove(id, c.owner, { reason: 'بارگذاری اشتباه' }).expect(204);
      expect(portal.services.audit.forDocument(id).at(-1)!.details).to.include({ reason: 'بارگذاری اشتباه', status });
    }
  });

  it('refuses the owner a document that was once published (403), even withdrawn, changing nothing', async () => {
    for (const status of ['published', 'withdrawn'] as const) {
      const { id, word: unique } = await documentIn(status);
      const before = await snapshot(id, unique);
      const res = await remove(id, c.owner, { reason: 'دیگر لازم نیست' }).expect(403);
      expect(res.body.error.code).to.equal('forbidden');
      expect(await snapshot(id, unique)).to.deep.equal(before);
    }
  });

  it('refuses everyone else as visibility says (404 when they cannot see it, 403 when they can), changing nothing', async () => {
    const draft = await documentIn('draft');
    const published = await documentIn('published');
    const restricted = await documentIn('published', { access: 'restricted', sharedWith: ['isfahan'] });
    const cases: [Actor | null, { id: string; word: string }, number][] = [
      [c.reader, draft, 404],
      [c.otherCity, draft, 404],
      [c.sharedCity, draft, 404],
      [c.reader, published, 403],
      [c.otherCity, published, 403],
      [c.sharedCity, restricted, 403],
      [c.otherCity, restricted, 404],
      [c.reader, restricted, 404],
      [null, draft, 401],
    ];
    for (const [who, target, status] of cases) {
      const before = await snapshot(target.id, target.word);
      const res = await remove(target.id, who, { reason: 'حذف' });
      expect(res.status, `${who?.user.username ?? 'anonymous'} on ${target.word}`).to.equal(status);
      expect(res.body.error.code).to.be.a('string');
      if (status === 404) expect(JSON.stringify(res.body)).to.not.contain(target.word);
      expect(await snapshot(target.id, target.word)).to.deep.equal(before);
    }
  });

  it('asks the secretariat for a reason (400, nothing changes), then deletes a published document out of its packages', async () => {
    const { id, word: unique } = await documentIn('published');
    const other = await documentIn('published');
    const pkg = (await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بسته', note: '', documents: [id, other.id], audience: { all: true } }).expect(201)).body;
    await api().post(`/api/v1/packages/${pkg.id}/publish`).set(c.secretariat.auth).expect(200);
    const before = await snapshot(id, unique);
    expect(before.hits, 'indexed before').to.include(id);
    for (const body of [undefined, {}, { reason: '   ' }]) {
      const res = await remove(id, c.secretariat, body).expect(400);
      expect(res.body.error.code).to.equal('validation_failed');
      expect(res.body.error.details.fields).to.deep.equal([{ field: 'reason' }]);
    }
    await remove(id, c.secretariat, { reason: 'x'.repeat(2001) }).expect(400);
    await remove(id, c.secretariat, { reason: 'تکراری', extra: 1 }).expect(400);
    expect(await snapshot(id, unique)).to.deep.equal(before);

    await remove(id, c.secretariat, { reason: 'سند تکراری است؛ نسخهٔ درست جداگانه منتشر شده' }).expect(204);
    expect(await found(c.secretariat, unique), 'search no longer finds it, even for the secretariat').to.deep.equal([]);
    const answer = (await api().get(`/api/v1/packages/${pkg.id}`).set(c.secretariat.auth).expect(200)).body;
    expect(answer.items.map((i: { document: string }) => i.document)).to.deep.equal([other.id]);
    await api().get(`/api/v1/packages/${pkg.id}/download`).set(c.reader.auth).expect(200).expect('Content-Type', 'application/zip');
    const deleted = portal.services.audit.forDocument(id).at(-1)!;
    expect(deleted).to.include({ action: 'document.deleted', username: 'sec' });
    expect(deleted.details).to.include({ reason: 'سند تکراری است؛ نسخهٔ درست جداگانه منتشر شده', status: 'published', versions: 1 });
    expect(deleted.details.packages).to.deep.equal([pkg.id]);
    const notice = portal.services.notifications.list(c.owner.user.id).notifications[0]!;
    expect(notice.kind).to.equal('document.deleted');
    expect(notice.title).to.contain('سند تکراری است');
  });

  it('deletes the pending revision\'s file too', async () => {
    const { id } = await documentIn('published');
    await api().post(`/api/v1/documents/${id}/versions`).set(c.owner.auth).attach('file', Buffer.from('ویرایش تازه\n'), 'ویرایش.txt').expect(201);
    const keys = portal.services.documents.getVisible(c.owner.user, id).versions.map((v) => v.objectKey);
    expect(keys).to.have.length(2);
    await remove(id, c.secretariat, { reason: 'نادرست' }).expect(204);
    for (const key of keys) expect(await portal.services.store.stat(key)).to.equal(null);
  });

  it('answers 404 for a deleted document on every route, API and pages alike', async () => {
    const { id } = await documentIn('published');
    await remove(id, c.secretariat, { reason: 'آزمون' }).expect(204);
    const calls: [string, supertest.Test][] = [
      ['GET /documents/:id', api().get(`/api/v1/documents/${id}`)],
      ['GET /documents/:id/file', api().get(`/api/v1/documents/${id}/file`)],
      ['GET /documents/:id/file?version=1', api().get(`/api/v1/documents/${id}/file?version=1`)],
      ['PATCH /documents/:id', api().patch(`/api/v1/documents/${id}`).send({ title: 'تازه' })],
      ['POST /documents/:id/versions', api().post(`/api/v1/documents/${id}/versions`).attach('file', SAMPLE_PDF, 'x.pdf')],
      ['POST /documents/:id/shares', api().post(`/api/v1/documents/${id}/shares`).send({ cities: [] })],
      ['POST /documents/:id/submit', api().post(`/api/v1/documents/${id}/submit`)],
      ['POST /documents/:id/publish', api().post(`/api/v1/documents/${id}/publish`)],
      ['POST /documents/:id/return', api().post(`/api/v1/documents/${id}/return`).send({ comment: 'x' })],
      ['POST /documents/:id/withdraw', api().post(`/api/v1/documents/${id}/withdraw`)],
      ['POST /documents/:id/restore', api().post(`/api/v1/documents/${id}/restore`)],
      ['DELETE /documents/:id', api().delete(`/api/v1/documents/${id}`).send({ reason: 'دوباره' })],
    ];
    for (const [name, call] of calls) {
      const res = await call.set(c.secretariat.auth);
      expect(res.status, name).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
    const { agent, csrf } = await signIn(portal.app, 'sec');
    for (const path of ['', '/file', '/view', '/status', '/withdraw', '/delete']) {
      expect((await agent.get(`/documents/${id}${path}`)).status, `GET /documents/:id${path}`).to.equal(404);
    }
    for (const path of ['/submit', '/publish', '/restore', '/withdraw', '/delete']) {
      expect((await agent.post(`/documents/${id}${path}`).type('form').send({ _csrf: csrf, reason: 'x' })).status, `POST /documents/:id${path}`).to.equal(404);
    }
  });

  it('still answers 204 when a stored file cannot be removed, and keeps the row deleted', async () => {
    const { id } = await documentIn('draft');
    const store = portal.services.store;
    const original = store.delete.bind(store);
    store.delete = async () => {
      throw new Error('disk unavailable');
    };
    try {
      await remove(id, c.owner).expect(204);
    } finally {
      store.delete = original;
    }
    await api().get(`/api/v1/documents/${id}`).set(c.owner.auth).expect(404);
  });
});
