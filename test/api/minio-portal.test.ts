import crypto from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import type { Client } from 'minio';
import { emptyBucket, minioFromEnv } from '../helpers/commands';
import { binaryBody, cast, countRows, DEFAULT_FIELDS, SAMPLE_PDF, startPortal, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';

/** The whole portal on STORAGE=minio: what the API promises must hold on the scale adapter too. */
describe('portal on MinIO storage', function () {
  let portal: TestPortal;
  let c: Cast;
  let client: Client;
  const bucket = `tajrobe-portal-${crypto.randomBytes(4).toString('hex')}`;

  before(async function () {
    const minio = minioFromEnv(this, 'the portal on STORAGE=minio');
    client = minio.client;
    portal = await startPortal({ STORAGE: 'minio', MINIO_ENDPOINT: minio.endpoint, MINIO_ACCESS_KEY: minio.accessKey, MINIO_SECRET_KEY: minio.secretKey, MINIO_BUCKET: bucket });
    c = await cast(portal);
  });

  after(async () => {
    if (!portal) return;
    await emptyBucket(client, bucket);
    await portal.close();
  });

  async function objectNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const item of client.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
    return names;
  }

  it('reports minio in /healthz', async () => {
    const res = await supertest(portal.app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', storage: 'minio', search: 'sqlite' });
  });

  it('stores an upload under an opaque ASCII key, records the store, and streams it back with ranges', async () => {
    const doc = await upload(portal, c.owner);
    const row = portal.services.db.prepare('SELECT store, object_key FROM document_versions WHERE document_id = ?').get(doc.id) as { store: string; object_key: string };
    expect(row.store).to.equal('minio');
    expect(row.object_key).to.match(/^versions\/[0-9a-f-]{36}$/);
    expect(await objectNames()).to.include(row.object_key);
    const whole = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.owner.auth).buffer(true).parse(binaryBody).expect(200);
    expect(Buffer.compare(whole.body, SAMPLE_PDF)).to.equal(0);
    expect(whole.headers.etag).to.equal(`"${crypto.createHash('sha256').update(SAMPLE_PDF).digest('hex')}"`);
    const part = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.owner.auth).set('Range', 'bytes=5-7').buffer(true).parse(binaryBody).expect(206);
    expect(part.body.toString()).to.equal('1.4');
  });

  it('leaves no object behind when the metadata is refused or the type is not allowed', async () => {
    const before = { objects: (await objectNames()).length, documents: countRows(portal, 'documents') };
    await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, kind: 'poem' }).expect(400);
    await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: Buffer.from('MZ\x90\x00rest', 'latin1'), name: 'x.pdf' }).expect(415);
    expect((await objectNames()).length).to.equal(before.objects);
    expect(countRows(portal, 'documents')).to.equal(before.documents);
  });

  it('takes every version of a deleted document, its pending revision included, out of the bucket', async () => {
    const doc = await upload(portal, c.owner);
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/versions`).set(c.owner.auth).attach('file', Buffer.from('نسخهٔ دوم\n'), 'دوم.txt').expect(201);
    for (const action of ['submit', 'publish']) await supertest(portal.app).post(`/api/v1/documents/${doc.id}/${action}`).set(c.secretariat.auth).expect(200);
    await supertest(portal.app).post(`/api/v1/documents/${doc.id}/versions`).set(c.owner.auth).attach('file', Buffer.from('ویرایش\n'), 'ویرایش.txt').expect(201);
    const keys = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().all(doc.id) as string[];
    expect(keys).to.have.length(3);
    expect(await objectNames()).to.include.members(keys);
    await supertest(portal.app).delete(`/api/v1/documents/${doc.id}`).set(c.secretariat.auth).send({ reason: 'آزمون' }).expect(204);
    const left = await objectNames();
    for (const key of keys) expect(left).to.not.include(key);
  });
});
