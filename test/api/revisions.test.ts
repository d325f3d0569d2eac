import crypto from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import yauzl from 'yauzl';
import { binaryBody, bring, cast, countRows, storedObjects, startPortal, uploadRequest, type Actor, type Cast, type TestPortal } from '../helpers/portal';

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const text = (words: string) => Buffer.from(`${words}\n`, 'utf8');

/** The files of a ZIP (name → bytes), read through its central directory. */
function zipFiles(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * A new version of a published document is a revision: readers keep the published version (answer, download,
 * search, packages) until the secretariat publishes it; a return sends only the revision back.
 */
describe('revising a published document', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  const OLD = text('گزارش میدانی زاگرسپیما دربارهٔ زلزلهٔ شهر');
  const NEW = text('گزارش بازنگری‌شدهٔ البرزنوردی دربارهٔ زلزلهٔ شهر');

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  async function publishedDocument(fields: Record<string, string | string[]> = {}, content = OLD): Promise<string> {
    const res = await uploadRequest(portal, c.owner, { title: 'مطالعهٔ خطر زلزله', summary: 'خلاصه', kind: 'threat-study', year: '1400', ...fields }, { content, name: 'گزارش.txt' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await bring(portal, c, res.body.id, 'published');
    await portal.services.worker.drain();
    return res.body.id as string;
  }

  const revise = (id: string, who: Actor = c.owner, content = NEW, name = 'گزارش بازنگری‌شده.txt') =>
    api().post(`/api/v1/documents/${id}/versions`).set(who.auth).attach('file', content, { filename: name });
  const download = (id: string, who: Actor, query = '') => api().get(`/api/v1/documents/${id}/file${query}`).set(who.auth).buffer(true).parse(binaryBody);
  const hitIds = async (who: Actor, word: string) =>
    (await api().get(`/api/v1/search?q=${encodeURIComponent(word)}`).set(who.auth).expect(200)).body.hits.map((h: { id: string }) => h.id) as string[];

  it('accepts a new version of a published document as a pending revision that only the owner city and the secretariat see', async () => {
    const id = await publishedDocument();
    const before = (await api().get(`/api/v1/documents/${id}`).set(c.reader.auth).expect(200)).body;
    const res = await revise(id).expect(201);
    expect(res.body).to.include({ status: 'published', pendingVersion: 2 });
    expect(res.body.versions.map((v: { number: number; pending?: boolean }) => [v.number, v.pending ?? false])).to.deep.equal([[1, false], [2, true]]);
    expect(res.body.versions[1]).to.include({ filename: 'گزارش بازنگری‌شده.txt', sha256: sha256(NEW) });

    const bySecretariat = (await api().get(`/api/v1/documents/${id}`).set(c.secretariat.auth).expect(200)).body;
    expect(bySecretariat.pendingVersion).to.equal(2);
    expect(bySecretariat.versions[1].pending).to.equal(true);

    for (const who of [c.reader, c.otherCity, c.sharedCity]) {
      const seen = (await api().get(`/api/v1/documents/${id}`).set(who.auth).expect(200)).body;
      expect(seen, 'readers get the document exactly as before').to.deep.equal(before);
      expect(seen).to.not.have.property('pendingVersion');
      const json = JSON.stringify(seen);
      expect(seen.versions, 'no trace of version 2').to.have.length(1);
      for (const secret of [sha256(NEW), 'بازنگری‌شده', '"pending"']) expect(json).to.not.contain(secret);
      const listed = (await api().get('/api/v1/documents?perPage=100').set(who.auth).expect(200)).body.documents.find((d: { id: string }) => d.id === id);
      expect(listed).to.deep.equal(before);
    }
  });

  it('keeps serving the published bytes, text and package to readers until the revision is published, then the new ones everywhere', async () => {
    const id = await publishedDocument();
    const pkg = (await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بستهٔ زلزله', note: '', documents: [id], audience: { all: true } }).expect(201)).body;
    await api().post(`/api/v1/packages/${pkg.id}/publish`).set(c.secretariat.auth).expect(200);
    const packageFile = async (who: Actor) => {
      const zip = await api().get(`/api/v1/packages/${pkg.id}/download`).set(who.auth).buffer(true).parse(binaryBody).expect(200);
      const files = await zipFiles(zip.body);
      const manifest = JSON.parse([...files].find(([name]) => name.endsWith('manifest.json'))![1].toString('utf8'));
      const entry = [...files].find(([name]) => name.includes('گزارش'))!;
      return { bytes: entry[1], manifest };
    };

    await revise(id).expect(201);
    expect(portal.services.jobs.pending('extract'), 'the revision is not extracted while it waits').to.equal(0);
    await portal.services.worker.drain();

    for (const who of [c.reader, c.otherCity]) {
      const file = await download(id, who).expect(200);
      expect(Buffer.compare(file.body, OLD), 'a plain download is the published version').to.equal(0);
      expect(file.headers.etag).to.equal(`"${sha256(OLD)}"`);
      await download(id, who, '?version=2').expect(404);
      await api().get(`/api/v1/documents/${id}/file?version=2`).set(who.auth).expect(404);
      expect(await hitIds(who, 'زاگرسپیما'), 'search still finds the published text').to.include(id);
      expect(await hitIds(who, 'البرزنوردی'), 'nor does it find the revision\'s').to.not.include(id);
      const { bytes, manifest } = await packageFile(who);
      expect(Buffer.compare(bytes, OLD), 'the package ZIP holds the published version').to.equal(0);
      expect(manifest.items[0]).to.include({ version: 1, sha256: sha256(OLD) });
    }
    const snippet = (await api().get(`/api/v1/search?q=${encodeURIComponent('زاگرسپیما')}`).set(c.reader.auth).expect(200)).body.hits[0].snippet as string;
    expect(snippet).to.contain('زاگرسپیما').and.not.contain('البرزنوردی');
    for (const who of [c.owner, c.secretariat]) {
      expect(Buffer.compare((await download(id, who, '?version=2').expect(200)).body, NEW), 'the managers download the revision').to.equal(0);
      expect(Buffer.compare((await download(id, who).expect(200)).body, OLD), 'their plain download is the published version too').to.equal(0);
    }

    const published = await api().post(`/api/v1/documents/${id}/publish`).set(c.secretariat.auth).expect(200);
    expect(published.body.status).to.equal('published');
    expect(published.body).to.not.have.property('pendingVersion');
    expect(published.body.versions.map((v: { number: number; pending?: boolean }) => [v.number, v.pending ?? false])).to.deep.equal([[1, false], [2, false]]);
    await portal.services.worker.drain();

    for (const who of [c.reader, c.otherCity]) {
      const file = await download(id, who).expect(200);
      expect(Buffer.compare(file.body, NEW), 'readers now get the revision').to.equal(0);
      expect(file.headers.etag).to.equal(`"${sha256(NEW)}"`);
      expect((await api().get(`/api/v1/documents/${id}`).set(who.auth).expect(200)).body.versions).to.have.length(2);
      expect(await hitIds(who, 'البرزنوردی')).to.include(id);
      expect(await hitIds(who, 'زاگرسپیما')).to.not.include(id);
      const { bytes, manifest } = await packageFile(who);
      expect(Buffer.compare(bytes, NEW)).to.equal(0);
      expect(manifest.items[0]).to.include({ version: 2, sha256: sha256(NEW) });
    }
    expect(portal.services.audit.forDocument(id).map((a) => a.action).slice(-2)).to.deep.equal(['document.revision_added', 'document.revision_published']);
    const notified = portal.services.notifications.list(c.owner.user.id).notifications[0]!;
    expect(notified).to.include({ kind: 'document.revision_published', link: `/documents/${id}` });
  });

  it('returns only the revision, with a comment the owner sees; readers are unaffected and the owner may send another', async () => {
    const id = await publishedDocument();
    await revise(id).expect(201);
    const readerView = (await api().get(`/api/v1/documents/${id}`).set(c.reader.auth).expect(200)).body;
    const audits = countRows(portal, 'audit_log');
    const noComment = await api().post(`/api/v1/documents/${id}/return`).set(c.secretariat.auth).send({}).expect(400);
    expect(noComment.body.error.code).to.equal('validation_failed');
    expect(countRows(portal, 'audit_log')).to.equal(audits);

    const returned = await api().post(`/api/v1/documents/${id}/return`).set(c.secretariat.auth).send({ comment: 'جدول خسارت‌ها هنوز ناقص است' }).expect(200);
    expect(returned.body.status, 'the document stays published').to.equal('published');
    expect(returned.body).to.not.have.property('pendingVersion');
    expect(returned.body.versions[1]).to.include({ number: 2, returned: true, reviewComment: 'جدول خسارت‌ها هنوز ناقص است' });
    const ownerView = (await api().get(`/api/v1/documents/${id}`).set(c.owner.auth).expect(200)).body;
    expect(ownerView.versions[1]).to.include({ returned: true, reviewComment: 'جدول خسارت‌ها هنوز ناقص است' });
    expect((await api().get(`/api/v1/documents/${id}`).set(c.reader.auth).expect(200)).body).to.deep.equal(readerView);
    expect(Buffer.compare((await download(id, c.reader).expect(200)).body, OLD)).to.equal(0);
    await download(id, c.reader, '?version=2').expect(404);
    expect(Buffer.compare((await download(id, c.owner, '?version=2').expect(200)).body, NEW)).to.equal(0);
    const notice = portal.services.notifications.list(c.owner.user.id).notifications[0]!;
    expect(notice.kind).to.equal('document.revision_returned');
    expect(notice.title).to.contain('جدول خسارت‌ها');

    const third = text('گزارش بازنگری سوم');
    const again = await revise(id, c.owner, third, 'بازنگری سوم.txt').expect(201);
    expect(again.body.pendingVersion).to.equal(3);
    expect(again.body.versions.map((v: { number: number; pending?: boolean; returned?: boolean }) => [v.number, v.pending ?? false, v.returned ?? false])).to.deep.equal([
      [1, false, false],
      [2, false, true],
      [3, true, false],
    ]);
    await api().post(`/api/v1/documents/${id}/publish`).set(c.secretariat.auth).expect(200);
    const after = (await api().get(`/api/v1/documents/${id}`).set(c.reader.auth).expect(200)).body;
    expect(after.versions.map((v: { number: number }) => v.number), 'the returned revision never reaches readers').to.deep.equal([1, 3]);
    expect(Buffer.compare((await download(id, c.reader).expect(200)).body, third)).to.equal(0);
    await download(id, c.reader, '?version=2').expect(404);
    expect(portal.services.audit.forDocument(id).map((a) => a.action).slice(-4)).to.deep.equal([
      'document.revision_added',
      'document.revision_returned',
      'document.revision_added',
      'document.revision_published',
    ]);
  });

  it('takes one revision at a time: a second one while the first waits is 409 and stores nothing', async () => {
    const id = await publishedDocument();
    await revise(id).expect(201);
    const before = {
      doc: portal.services.documents.getVisible(c.secretariat.user, id),
      audit: countRows(portal, 'audit_log'),
      versions: countRows(portal, 'document_versions'),
      objects: storedObjects(portal).length,
    };
    for (const who of [c.owner, c.secretariat]) {
      const res = await revise(id, who, text('ویرایش دیگر')).expect(409);
      expect(res.body.error.code).to.equal('invalid_transition');
    }
    expect(portal.services.documents.getVisible(c.secretariat.user, id)).to.deep.equal(before.doc);
    expect(countRows(portal, 'audit_log')).to.equal(before.audit);
    expect(countRows(portal, 'document_versions')).to.equal(before.versions);
    expect(storedObjects(portal)).to.have.length(before.objects);
  });

  it('refuses a revision and its decision to everyone else, changing nothing', async () => {
    const id = await publishedDocument({ access: 'restricted', sharedWith: ['isfahan'] });
    const objects = storedObjects(portal).length;
    await revise(id, c.reader).expect(404);
    await revise(id, c.sharedCity).expect(403);
    await revise(id, c.otherCity).expect(404);
    expect(storedObjects(portal)).to.have.length(objects);
    await revise(id).expect(201);
    const before = { doc: portal.services.documents.getVisible(c.secretariat.user, id), audit: countRows(portal, 'audit_log') };
    for (const [who, status] of [[c.owner, 403], [c.sharedCity, 403], [c.reader, 404], [c.otherCity, 404]] as const) {
      expect((await api().post(`/api/v1/documents/${id}/publish`).set(who.auth).expect(status)).body.error).to.be.an('object');
      await api().post(`/api/v1/documents/${id}/return`).set(who.auth).send({ comment: 'نه' }).expect(status);
    }
    await download(id, c.sharedCity, '?version=2').expect(404);
    expect(portal.services.documents.getVisible(c.secretariat.user, id)).to.deep.equal(before.doc);
    expect(countRows(portal, 'audit_log')).to.equal(before.audit);
  });

  it('tells the secretariat a revision waits, and lists it on the review desk', async () => {
    const id = await publishedDocument({ title: 'برنامهٔ آمادگی بیمارستان‌ها' });
    await revise(id).expect(201);
    const notices = portal.services.notifications.list(c.secretariat.user.id).notifications;
    expect(notices[0]).to.include({ kind: 'document.revision_submitted', link: `/documents/${id}` });
    expect(portal.services.review.revisionQueue(c.secretariat.user).map((d) => d.id)).to.include(id);
    expect(() => portal.services.review.revisionQueue(c.owner.user)).to.throw(/secretariat/);
    await api().post(`/api/v1/documents/${id}/publish`).set(c.secretariat.auth).expect(200);
    expect(portal.services.review.revisionQueue(c.secretariat.user).map((d) => d.id)).to.not.include(id);
  });

  it('keeps a revision pending through a withdrawal and a restore, and still takes none on a withdrawn document', async () => {
    const id = await publishedDocument();
    await revise(id).expect(201);
    await api().post(`/api/v1/documents/${id}/withdraw`).set(c.owner.auth).send({ reason: 'بازبینی' }).expect(200);
    expect(portal.services.review.revisionQueue(c.secretariat.user).map((d) => d.id)).to.not.include(id);
    await revise(id, c.owner, text('باز هم')).expect(409);
    const restored = await api().post(`/api/v1/documents/${id}/restore`).set(c.secretariat.auth).expect(200);
    expect(restored.body).to.include({ status: 'published', pendingVersion: 2 });
    expect(Buffer.compare((await download(id, c.reader).expect(200)).body, OLD)).to.equal(0);
  });
});
