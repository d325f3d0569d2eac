import crypto from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import { binaryBody, bring, cast, countRows, SAMPLE_PDF, startPortal, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';

const sha256 = (buffer: Buffer) => crypto.createHash('sha256').update(buffer).digest('hex');


describe('documents API: upload, versions, workflow, download', () => {
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  it('creates a draft with the metadata, a first version hashed with SHA-256, the Persian filename and a queued indexing job', async () => {
    const res = await uploadRequest(portal, c.owner).expect(201);
    expect(res.headers.location).to.equal(`/api/v1/documents/${res.body.id}`);
    expect(res.body).to.include({ city: 'tehran', kind: 'threat-study', year: 1391, access: 'portal', status: 'draft' });
    expect(res.body.title).to.equal('مطالعهٔ خطر زلزلهٔ کلان‌شهر تهران');
    expect(res.body.hazards).to.deep.equal(['earthquake', 'fire']);
    expect(res.body.keywords).to.deep.equal(['زلزله', 'شریان حیاتی']);
    expect(res.body.resolutions).to.deep.equal(['9/2']);
    expect(res.body.indexing).to.deep.equal({ state: 'queued' });
    expect(res.body.versions).to.have.length(1);
    expect(res.body.versions[0]).to.include({ number: 1, filename: 'گزارش زلزله.pdf', size: SAMPLE_PDF.length, sha256: sha256(SAMPLE_PDF), contentType: 'application/pdf' });
    expect(res.body.versions[0]).to.not.have.property('objectKey');
    const audit = portal.services.audit.forDocument(res.body.id);
    expect(audit.map((a) => a.action)).to.deep.equal(['document.created']);
    const jobs = portal.services.db.prepare('SELECT kind, state FROM jobs WHERE document_id = ? ORDER BY id').all(res.body.id);
    expect(jobs, 'metadata indexed before the response; extraction queued').to.deep.equal([
      { kind: 'index', state: 'done' },
      { kind: 'extract', state: 'queued' },
    ]);
  });

  it('accepts `hazards[]`-style repeated fields and a single value alike', async () => {
    const res = await uploadRequest(portal, c.owner, { title: 'آموزش', summary: 'خلاصه', kind: 'training-material', year: '1392', 'hazards[]': ['flood', 'fire'], keywords: ['تنها'] }).expect(201);
    expect(res.body.hazards).to.deep.equal(['fire', 'flood']);
    expect(res.body.keywords).to.deep.equal(['تنها']);
  });

  it('lets the secretariat upload for a named city, and refuses without one', async () => {
    const made = await uploadRequest(portal, c.secretariat, { title: 'صورت‌جلسه', summary: 'نهمین نشست', kind: 'meeting-minutes', year: '1391', city: 'hamadan' }).expect(201);
    expect(made.body.city).to.equal('hamadan');
    const refused = await uploadRequest(portal, c.secretariat, { title: 'بی‌شهر', summary: 'x', kind: 'other', year: '1391' }).expect(400);
    expect(refused.body.error.code).to.equal('validation_failed');
  });

  it('keeps old versions downloadable, each with its own hash, and serves the newest by default', async () => {
    const doc = await upload(portal, c.owner);
    const second = Buffer.from('متن نسخهٔ دوم گزارش\n', 'utf8');
    const res = await supertest(portal.app)
      .post(`/api/v1/documents/${doc.id}/versions`)
      .set(c.owner.auth)
      .attach('file', second, { filename: 'نسخه ۲.txt' })
      .expect(201);
    expect(res.body.versions.map((v: { number: number }) => v.number)).to.deep.equal([1, 2]);
    expect(res.body.versions[1]).to.include({ filename: 'نسخه ۲.txt', sha256: sha256(second), contentType: 'text/plain; charset=utf-8' });

    const newest = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.owner.auth).buffer(true).parse(binaryBody).expect(200);
    expect(Buffer.compare(newest.body, second)).to.equal(0);
    const first = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file?version=1`).set(c.owner.auth).buffer(true).parse(binaryBody).expect(200);
    expect(Buffer.compare(first.body, SAMPLE_PDF)).to.equal(0);
    expect(first.headers.etag).to.equal(`"${sha256(SAMPLE_PDF)}"`);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file?version=3`).set(c.owner.auth).expect(404);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file?version=zero`).set(c.owner.auth).expect(400);
    expect(portal.services.audit.forDocument(doc.id).map((a) => a.action)).to.deep.equal(['document.created', 'document.version_added']);
  });

  it('downloads with the Persian name in an RFC 5987 filename*, an ASCII fallback, and no sniffing', async () => {
    const doc = await upload(portal, c.owner);
    const res = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.owner.auth).expect(200);
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).to.match(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)![1]!;
    expect(decodeURIComponent(encoded)).to.equal('گزارش زلزله.pdf');
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-length']).to.equal(String(SAMPLE_PDF.length));
  });

  it('honours Range with 206 and Content-Range, 416 past the end, and If-None-Match with 304', async () => {
    const doc = await upload(portal, c.owner);
    const url = `/api/v1/documents/${doc.id}/file`;
    const part = await supertest(portal.app).get(url).set(c.owner.auth).set('Range', 'bytes=0-7').buffer(true).parse(binaryBody).expect(206);
    expect(part.body.toString()).to.equal('%PDF-1.4');
    expect(part.headers['content-range']).to.equal(`bytes 0-7/${SAMPLE_PDF.length}`);
    const tail = await supertest(portal.app).get(url).set(c.owner.auth).set('Range', 'bytes=-6').buffer(true).parse(binaryBody).expect(206);
    expect(Buffer.compare(tail.body, SAMPLE_PDF.subarray(-6))).to.equal(0);
    const open = await supertest(portal.app).get(url).set(c.owner.auth).set('Range', 'bytes=9-').buffer(true).parse(binaryBody).expect(206);
    expect(Buffer.compare(open.body, SAMPLE_PDF.subarray(9))).to.equal(0);
    const beyond = await supertest(portal.app).get(url).set(c.owner.auth).set('Range', `bytes=${SAMPLE_PDF.length}-`).expect(416);
    expect(beyond.headers['content-range']).to.equal(`bytes */${SAMPLE_PDF.length}`);
    await supertest(portal.app).get(url).set(c.owner.auth).set('If-None-Match', `"${sha256(SAMPLE_PDF)}"`).expect(304);
    const stale = await supertest(portal.app).get(url).set(c.owner.auth).set('Range', 'bytes=0-3').set('If-Range', '"other"').expect(200);
    expect(stale.headers['content-length']).to.equal(String(SAMPLE_PDF.length));
  });

  it('runs draft → submitted → returned (with comment) → new version → submitted → published, logging each step', async () => {
    const doc = await upload(portal, c.owner);
    const post = (who: typeof c.owner, action: string, body: object = {}) => supertest(portal.app).post(`/api/v1/documents/${doc.id}/${action}`).set(who.auth).send(body);
    expect((await post(c.owner, 'submit').expect(200)).body.status).to.equal('submitted');
    await post(c.owner, 'submit').expect(409);
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/versions`).set(c.owner.auth).attach('file', SAMPLE_PDF, 'x.pdf').expect(409);
    await post(c.secretariat, 'return', {}).expect(400);
    const returned = await post(c.secretariat, 'return', { comment: 'نقشهٔ پهنه‌بندی را بیفزایید' }).expect(200);
    expect(returned.body).to.include({ status: 'returned' });
    const seenByOwner = await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.owner.auth).expect(200);
    expect(seenByOwner.body.reviewComment).to.equal('نقشهٔ پهنه‌بندی را بیفزایید');
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/versions`).set(c.owner.auth).attach('file', SAMPLE_PDF, 'نسخهٔ اصلاح‌شده.pdf').expect(201);
    await post(c.owner, 'submit').expect(200);
    const published = await post(c.secretariat, 'publish').expect(200);
    expect(published.body.status).to.equal('published');
    expect(published.body.versions).to.have.length(2);
    const seenByOther = await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.otherCity.auth).expect(200);
    expect(seenByOther.body).to.not.have.property('reviewComment');
    expect(seenByOther.body).to.not.have.property('sharedWith');
    expect(portal.services.audit.forDocument(doc.id).map((a) => a.action)).to.deep.equal([
      'document.created',
      'document.submitted',
      'document.returned',
      'document.version_added',
      'document.submitted',
      'document.published',
    ]);
  });

  it('withdraws a published document out of everyone else\'s sight, keeping its history', async () => {
    const doc = await upload(portal, c.owner);
    await bring(portal, c, doc.id, 'published');
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.reader.auth).expect(200);
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/withdraw`).set(c.owner.auth).expect(200);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.reader.auth).expect(404);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.otherCity.auth).expect(404);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.owner.auth).expect(200);
    expect(portal.services.audit.forDocument(doc.id).at(-1)?.action).to.equal('document.withdrawn');
  });

  it('shows a restricted document only to the owner, the secretariat and the cities it is shared with', async () => {
    const doc = await upload(portal, { ...c.owner }, { title: 'تأسیسات حیاتی', summary: 'حساس', kind: 'threat-study', year: '1391', access: 'restricted', sharedWith: ['isfahan'] });
    await bring(portal, c, doc.id, 'published');
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.sharedCity.auth).expect(200);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.otherCity.auth).expect(404);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.reader.auth).expect(404);
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/shares`).set(c.owner.auth).send({ cities: ['shiraz'] }).expect(200);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.otherCity.auth).expect(200);
    await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.sharedCity.auth).expect(404);
  });

  it('lists only what the caller may see', async () => {
    const mine = await upload(portal, c.owner, { title: 'فهرست', summary: 'x', kind: 'other', year: '1391' });
    const listed = (who: typeof c.owner) =>
      supertest(portal.app).get('/api/v1/documents?perPage=100').set(who.auth).expect(200).then((r) => r.body.documents.map((d: { id: string }) => d.id) as string[]);
    expect(await listed(c.owner)).to.include(mine.id);
    expect(await listed(c.secretariat)).to.include(mine.id);
    expect(await listed(c.otherCity)).to.not.include(mine.id);
    expect(await listed(c.reader)).to.not.include(mine.id);
    const total = (await supertest(portal.app).get('/api/v1/documents').set(c.reader.auth).expect(200)).body.total as number;
    const publishedPortal = portal.services.db.prepare(`SELECT count(*) FROM documents WHERE status = 'published' AND access = 'portal'`).pluck().get();
    expect(total).to.equal(publishedPortal);
  });

  it('edits metadata of a draft and refuses it once submitted', async () => {
    const doc = await upload(portal, c.owner);
    const edited = await supertest(portal.app).patch(`/api/v1/documents/${doc.id}`).set(c.owner.auth).send({ title: 'عنوان تازه', hazards: ['flood'] }).expect(200);
    expect(edited.body).to.include({ title: 'عنوان تازه' });
    expect(edited.body.hazards).to.deep.equal(['flood']);
    await supertest(portal.app).patch(`/api/v1/documents/${doc.id}`).set(c.owner.auth).send({ kind: 'nonsense' }).expect(400);
    await bring(portal, c, doc.id, 'submitted');
    await supertest(portal.app).patch(`/api/v1/documents/${doc.id}`).set(c.owner.auth).send({ title: 'دیر' }).expect(409);
    expect(countRows(portal, 'documents')).to.be.greaterThan(0);
  });
});
