import crypto from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import type { Client } from 'minio';
import { emptyBucket, minioFromEnv } from '../helpers/commands';
import { binaryBody, bring, cast, DEFAULT_FIELDS, startPortal, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { numberedPages, pdfBytes } from '../helpers/pdf-fixture';
import { requireTools } from '../extraction/extraction-helpers';

/** Previews on STORAGE=minio: kept in the bucket beside the file, served from it, and gone with the document. */
describe('previews on MinIO storage', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  let client: Client;
  const bucket = `tajrobe-previews-${crypto.randomBytes(4).toString('hex')}`;

  before(async function () {
    const minio = minioFromEnv(this, 'previews on STORAGE=minio');
    requireTools(this, 'pdftoppm', 'pdfinfo', 'pdftotext');
    client = minio.client;
    portal = await startPortal({ STORAGE: 'minio', MINIO_ENDPOINT: minio.endpoint, MINIO_ACCESS_KEY: minio.accessKey, MINIO_SECRET_KEY: minio.secretKey, MINIO_BUCKET: bucket });
    c = await cast(portal);
  });

  after(async () => {
    if (!portal) return;
    await emptyBucket(client, bucket);
    await portal.close();
  });

  async function objectNames(prefix = ''): Promise<string[]> {
    const names: string[] = [];
    for await (const item of client.listObjectsV2(bucket, prefix, true)) if (item.name) names.push(item.name);
    return names.sort();
  }

  it('keeps the thumbnail and the pages asked for in the bucket, serves them, and deletes them with the document', async () => {
    const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: pdfBytes(numberedPages(12, (n) => [`drill ${n}`])), name: 'مانور.pdf' });
    expect(res.status).to.equal(201);
    const id = res.body.id as string;
    await bring(portal, c, id, 'published');
    await portal.services.worker.drain();
    const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(id) as string;
    const prefix = `previews/${key}/`;
    expect(await objectNames(prefix)).to.deep.equal([`${prefix}info`, `${prefix}thumbnail`]);

    const summary = (await supertest(portal.app).get(`/api/v1/documents/${id}/preview`).set(c.reader.auth).expect(200)).body;
    expect(summary).to.include({ state: 'ready', pages: 12 });
    const page = await supertest(portal.app).get(summary.pageImage.replace('{page}', '9')).set(c.reader.auth).buffer(true).parse(binaryBody).expect(200);
    expect(page.headers['content-type']).to.equal('image/png');
    expect((page.body as Buffer).subarray(1, 4).toString('latin1')).to.equal('PNG');
    const words = (await supertest(portal.app).get(`/api/v1/documents/${id}/preview/pages/9?q=drill`).set(c.reader.auth).expect(200)).body;
    expect(words.marks).to.have.length(1);
    expect(await objectNames(prefix)).to.deep.equal([`${prefix}info`, `${prefix}layout-9`, `${prefix}page-9`, `${prefix}thumbnail`]);

    await supertest(portal.app).delete(`/api/v1/documents/${id}`).set(c.secretariat.auth).send({ reason: 'آزمون' }).expect(204);
    expect(await objectNames(prefix)).to.deep.equal([]);
    expect(await objectNames()).to.not.include(key);
  });
});
