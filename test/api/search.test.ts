import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, DEFAULT_FIELDS, startPortal, type Actor, type Cast, type TestPortal, type UploadFields } from '../helpers/portal';
import { loadConfig } from '../../server/config';
import { wire } from '../../server/wire';

/** GET /api/v1/search through the real app: extraction jobs, visibility in every count, and index updates at once. */
describe('search API', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  const search = (who: Actor, query: string) => supertest(portal.app).get(`/api/v1/search?${query}`).set(who.auth);

  async function uploadText(who: Actor, text: string, fields: UploadFields = {}): Promise<string> {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(who.auth)
      .field('title', fields.title as string ?? 'گزارش')
      .field('summary', fields.summary as string ?? 'خلاصه')
      .field('kind', fields.kind as string ?? 'public-education')
      .field('year', fields.year as string ?? '1392')
      .field('access', fields.access as string ?? 'portal')
      .attach('file', Buffer.from(text, 'utf8'), { filename: 'متن.txt' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }

  it('extracts an uploaded text through the durable job and finds it, with the document\'s indexing state done', async () => {
    const id = await uploadText(c.owner, 'آموزش همگانی شهروندان برای زلزله در کلان‌شهرها');
    expect((await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.owner.auth)).body.indexing.state).to.equal('queued');
    await portal.services.worker.drain();
    expect((await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.owner.auth)).body.indexing).to.deep.equal({ state: 'done' });
    const res = await search(c.owner, `q=${encodeURIComponent('کلانشهرها')}`).expect(200);
    expect(res.body.hits.map((h: { id: string }) => h.id)).to.include(id);
    const hit = res.body.hits.find((h: { id: string }) => h.id === id);
    expect(hit).to.include({ city: 'tehran', kind: 'public-education', year: 1392, page: 1 });
    expect(hit.snippet).to.contain('<mark>');
  });

  it('shows a draft only to its city and the secretariat, and a published document to all, at once after publishing', async () => {
    const id = await uploadText(c.owner, 'واژهٔ یگانهٔ آزمون‌پذیری سیلاب‌خیز');
    await portal.services.worker.drain();
    const q = `q=${encodeURIComponent('سیلابخیز')}`;
    const ids = async (who: Actor) => (await search(who, q).expect(200)).body.hits.map((h: { id: string }) => h.id) as string[];
    expect(await ids(c.owner)).to.include(id);
    expect(await ids(c.secretariat)).to.include(id);
    for (const who of [c.otherCity, c.sharedCity, c.reader]) {
      const res = await search(who, q).expect(200);
      expect(res.body.total).to.equal(0);
      expect(JSON.stringify(res.body)).to.not.contain(id);
      expect(Object.values(res.body.facets.city as Record<string, number>).reduce((a, b) => a + b, 0)).to.equal(0);
    }
    await bring(portal, c, id, 'published');
    for (const who of [c.otherCity, c.sharedCity, c.reader]) expect(await ids(who)).to.include(id);
    await supertest(portal.app).post(`/api/v1/documents/${id}/withdraw`).set(c.owner.auth).expect(200);
    for (const who of [c.owner, c.secretariat, c.otherCity, c.reader]) expect(await ids(who)).to.not.include(id);
  });

  it('keeps a restricted document out of the hits, snippets, facets and totals of cities it is not shared with', async () => {
    const id = await uploadText(c.owner, 'تأسیسات حیاتی پالایشگاه محرمانه‌ترین', { access: 'restricted', kind: 'threat-study', title: 'پالایشگاه' });
    await supertest(portal.app).post(`/api/v1/documents/${id}/shares`).set(c.owner.auth).send({ cities: ['isfahan'] }).expect(200);
    await bring(portal, c, id, 'published');
    await portal.services.worker.drain();
    const q = `q=${encodeURIComponent('پالایشگاه')}`;
    const shared = await search(c.sharedCity, q).expect(200);
    expect(shared.body.total).to.equal(1);
    expect(shared.body.facets.kind).to.deep.equal({ 'threat-study': 1 });
    for (const who of [c.otherCity, c.reader]) {
      const res = await search(who, q).expect(200);
      expect(res.body.total).to.equal(0);
      expect(res.body.hits).to.deep.equal([]);
      expect(res.body.facets.kind['threat-study'] ?? 0).to.equal(0);
    }
  });

  it('filters by repeatable facets and validates the query string', async () => {
    const res = await search(c.secretariat, 'city=tehran&city=shiraz&kind=public-education').expect(200);
    for (const hit of res.body.hits) expect(hit.kind).to.equal('public-education');
    await search(c.secretariat, 'year=nineteen').expect(400);
    await search(c.secretariat, 'perPage=1000').expect(400);
    await search(c.secretariat, 'sort=random').expect(400);
    await search(c.secretariat, 'unknown=1').expect(400);
    await supertest(portal.app).get('/api/v1/search?q=x').expect(401);
  });

  it('logs searches that found nothing, for the secretariat\'s list of what cities look for', async () => {
    await search(c.reader, `q=${encodeURIComponent('سونامی')}`).expect(200);
    portal.services.searchLog.flush();
    const row = portal.services.db.prepare('SELECT query, total FROM search_log ORDER BY id DESC LIMIT 1').get();
    expect(row).to.deep.equal({ query: 'سونامی', total: 0 });
  });

  it('resumes an extraction job that a stopped process left running', async () => {
    const id = await uploadText(c.owner, 'ازسرگیری کار نیمه‌تمام');
    const job = portal.services.jobs.claim(['extract'], id);
    expect(job).to.not.equal(null);
    const restarted = await wire(loadConfig({ DATA_DIR: portal.dataDir }));
    try {
      restarted.worker.start();
      await restarted.worker.stop();
      await restarted.worker.drain();
      const state = restarted.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(job!.id);
      expect(state).to.equal('done');
      expect(restarted.documents.getVisible(c.owner.user, id).indexing.state).to.equal('done');
    } finally {
      restarted.sessions.close();
      await restarted.searchIndex.close();
      restarted.db.close();
    }
  });

  it('records a failed extraction with its reason after the retries', async () => {
    const id = await uploadText(c.owner, 'پروندهٔ گم‌شده');
    const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(id) as string;
    await portal.services.store.delete(key);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      portal.services.db.prepare(`UPDATE jobs SET run_after = '2000-01-01T00:00:00.000Z' WHERE document_id = ? AND state = 'queued'`).run(id);
      await portal.services.worker.drain();
    }
    const doc = (await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.owner.auth).expect(200)).body;
    expect(doc.indexing.state).to.equal('failed');
    expect(doc.indexing.reason).to.be.a('string').and.not.be.empty;
  });

  it('gives up at once on a file that cannot be parsed, without retrying', async () => {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(c.owner.auth)
      .field('title', 'پی‌دی‌اف خراب')
      .field('summary', 'x')
      .field('kind', 'other')
      .field('year', '1391')
      .attach('file', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x41)]), { filename: 'خراب.pdf' })
      .expect(201);
    await portal.services.worker.drain();
    const job = portal.services.db.prepare(`SELECT state, attempts FROM jobs WHERE document_id = ? AND kind = 'extract'`).get(res.body.id);
    expect(job).to.deep.equal({ state: 'failed', attempts: 1 });
    const doc = (await supertest(portal.app).get(`/api/v1/documents/${res.body.id}`).set(c.owner.auth)).body;
    expect(doc.indexing.state).to.equal('failed');
    const found = await search(c.owner, `q=${encodeURIComponent('پیدیاف خراب')}`).expect(200);
    expect(found.body.hits.map((h: { id: string }) => h.id)).to.include(res.body.id);
  });

  it('uses the upload fields as metadata in the index (title above body)', async () => {
    const body = await uploadText(c.owner, 'زمین‌لغزش در متن آمده است', { title: 'عنوان دیگر' });
    const title = await uploadText(c.owner, 'متن بی‌ربط', { title: 'زمین‌لغزش دامنه‌ها' });
    await portal.services.worker.drain();
    const res = await search(c.owner, `q=${encodeURIComponent('زمینلغزش')}`).expect(200);
    const order = res.body.hits.map((h: { id: string }) => h.id);
    expect(order.indexOf(title)).to.be.lessThan(order.indexOf(body));
    expect(DEFAULT_FIELDS.title).to.be.a('string');
  });
});
