import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import supertest from 'supertest';
import { actor, cast, countRows, DEFAULT_FIELDS, SAMPLE_PDF, startPortal, storedObjects, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';

/** Each bad request gets a clear JSON error, and leaves no document row, no version row and no stored object behind. */
describe('bad input to the documents API', () => {
  let portal: TestPortal;
  let c: Cast;
  let before_: { documents: number; versions: number; objects: number };

  before(async () => {
    portal = await startPortal({ MAX_UPLOAD_BYTES: String(64 * 1024) });
    c = await cast(portal);
  });
  after(() => portal.close());

  beforeEach(() => {
    before_ = { documents: countRows(portal, 'documents'), versions: countRows(portal, 'document_versions'), objects: storedObjects(portal).length };
  });

  function expectNothingStored() {
    expect(countRows(portal, 'documents'), 'document rows').to.equal(before_.documents);
    expect(countRows(portal, 'document_versions'), 'version rows').to.equal(before_.versions);
    expect(storedObjects(portal), 'stored objects').to.have.length(before_.objects);
  }

  function expectError(res: supertest.Response, status: number, code: string) {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a('string').and.not.be.empty;
  }

  it('names every missing required field', async () => {
    const res = await uploadRequest(portal, c.owner, { kind: 'threat-study' });
    expectError(res, 400, 'validation_failed');
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).to.include.members(['title', 'summary', 'year']);
    expectNothingStored();
  });

  it('refuses unknown fields', async () => {
    const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, owner: 'someone' });
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.message).to.contain('owner');
    expectNothingStored();
  });

  it('refuses values outside the vocabulary: kind, hazard, resolution, city, access, year', async () => {
    for (const bad of [
      { kind: 'poem' },
      { hazards: ['earthquake', 'meteor'] },
      { resolutions: ['9/99'] },
      { resolutions: ['nine'] },
      { access: 'public' },
      { year: '2012' },
      { year: 'هزار' },
      { sharedWith: ['atlantis'] },
    ]) {
      const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, ...bad });
      expectError(res, 400, 'validation_failed');
    }
    expectNothingStored();
  });

  it('refuses an upload without a file', async () => {
    expectError(await uploadRequest(portal, c.owner, DEFAULT_FIELDS, null), 400, 'missing_file');
    expectError(await supertest(portal.app).post('/api/v1/documents').set(c.owner.auth).send({ title: 'json' }), 400, 'missing_file');
    expectNothingStored();
  });

  it('refuses a disguised executable with 415', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 0)]);
    expectError(await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: exe, name: 'گزارش.pdf' }), 415, 'unsupported_type');
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(256, 1)]);
    expectError(await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: elf, name: 'data.txt' }), 415, 'unsupported_type');
    expectError(await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'notes.txt' }), 415, 'unsupported_type');
    expectError(await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: SAMPLE_PDF, name: 'report.docx' }), 415, 'unsupported_type');
    expectNothingStored();
  });

  it('refuses an oversized file with 413 and keeps no part of it', async () => {
    const big = Buffer.concat([SAMPLE_PDF, Buffer.alloc(200 * 1024, 0x20)]);
    const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: big, name: 'بزرگ.pdf' });
    expectError(res, 413, 'too_large');
    expectNothingStored();
    expect(portal.services.db.prepare('SELECT count(*) FROM jobs').pluck().get()).to.equal(before_.documents);
  });

  it('refuses a second file part and a file under another field name', async () => {
    const two = supertest(portal.app).post('/api/v1/documents').set(c.owner.auth);
    for (const [k, v] of Object.entries(DEFAULT_FIELDS)) for (const x of [v].flat()) two.field(k, x as string);
    expectError(await two.attach('file', SAMPLE_PDF, 'a.pdf').attach('file', SAMPLE_PDF, 'b.pdf'), 400, 'bad_request');
    expectError(await supertest(portal.app).post('/api/v1/documents').set(c.owner.auth).attach('attachment', SAMPLE_PDF, 'a.pdf'), 400, 'bad_request');
    expectNothingStored();
  });

  it('keeps only the base name of a path-traversal filename; it never reaches a storage path', async () => {
    const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: SAMPLE_PDF, name: '../../../../etc/passwd.pdf' }).expect(201);
    expect(res.body.versions[0].filename).to.equal('passwd.pdf');
    const objects = storedObjects(portal);
    expect(objects).to.have.length(before_.objects + 1);
    for (const object of objects) expect(object.startsWith(portal.dataDir)).to.equal(true);
    expect(objects.some((o) => o.includes('passwd'))).to.equal(false);
  });

  it('answers a truncated multipart body with a JSON 400 and stores nothing', async () => {
    const server = http.createServer(portal.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const boundary = 'tajrobe-boundary';
      const head = [
        ...Object.entries({ title: 'ناتمام', summary: 'x', kind: 'other', year: '1391' }).map(
          ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        ),
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="نیمه.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ].join('');
      const body = Buffer.concat([Buffer.from(head), SAMPLE_PDF, Buffer.alloc(4096, 0x20)]);
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: (server.address() as AddressInfo).port,
            method: 'POST',
            path: '/api/v1/documents',
            headers: { ...c.owner.auth, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) },
          },
          (res) => {
            let data = '';
            res.on('data', (d) => (data += d));
            res.on('end', () => resolve({ status: res.statusCode!, text: data }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(status).to.equal(400);
      expect(JSON.parse(text).error.code).to.equal('upload_interrupted');
    } finally {
      server.close();
    }
    expectNothingStored();
  });

  it('answers an unknown or malformed id with 404, the same as an invisible one', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'nope', '..%2F..%2Fetc']) {
      expectError(await supertest(portal.app).get(`/api/v1/documents/${id}`).set(c.owner.auth), 404, 'not_found');
      expectError(await supertest(portal.app).get(`/api/v1/documents/${id}/file`).set(c.owner.auth), 404, 'not_found');
      expectError(await supertest(portal.app).post(`/api/v1/documents/${id}/submit`).set(c.owner.auth), 404, 'not_found');
      expectError(await uploadRequest(portal, c.owner, {}, undefined, `/api/v1/documents/${id}/versions`), 404, 'not_found');
    }
    expectNothingStored();
  });

  it('answers malformed JSON, an unknown route and a bad query string with JSON errors', async () => {
    const doc = await upload(portal, c.owner);
    expectError(await supertest(portal.app).post(`/api/v1/documents/${doc.id}/shares`).set(c.owner.auth).set('Content-Type', 'application/json').send('{"cities": ['), 400, 'bad_request');
    expectError(await supertest(portal.app).get('/api/v1/nothing-here').set(c.owner.auth), 404, 'not_found');
    expectError(await supertest(portal.app).get('/api/v1/documents?perPage=100000').set(c.owner.auth), 400, 'validation_failed');
    expectError(await supertest(portal.app).get('/api/v1/documents?status=lost').set(c.owner.auth), 400, 'validation_failed');
  });

  it('refuses a new user with a bad role, a missing city, a short password or a taken name', async () => {
    const post = (body: object) => supertest(portal.app).post('/api/v1/users').set(c.secretariat.auth).send(body);
    expectError(await post({ username: 'x1', password: 'long-enough-pw', role: 'admin' }), 400, 'validation_failed');
    expectError(await post({ username: 'city-without', password: 'long-enough-pw', role: 'city' }), 400, 'validation_failed');
    expectError(await post({ username: 'secretariat-with', password: 'long-enough-pw', role: 'secretariat', city: 'tehran' }), 400, 'validation_failed');
    expectError(await post({ username: 'reader-atlantis', password: 'long-enough-pw', role: 'reader', city: 'atlantis' }), 400, 'validation_failed');
    expectError(await post({ username: 'atlantis-staff', password: 'long-enough-pw', role: 'city', city: 'atlantis' }), 400, 'validation_failed');
    expectError(await post({ username: 'short-pw', password: 'short', role: 'reader' }), 400, 'validation_failed');
    expectError(await post({ username: 'reader', password: 'long-enough-pw', role: 'reader' }), 409, 'username_taken');
    await actor(portal, 'yazd-staff', 'city', 'yazd');
  });
});
