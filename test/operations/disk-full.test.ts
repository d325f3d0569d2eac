import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import type { ObjectInfo, ObjectStore, PutOptions } from '../../storage/object-store';
import { signIn } from '../helpers/sign-in';
import { cast, countRows, DEFAULT_FIELDS, startPortal, storedObjects, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { streamUpload } from '../helpers/commands';

/** The real store, whose every put fails with the error a full disk gives after `afterBytes` bytes of the body. */
function fullDiskAfter(store: ObjectStore, afterBytes: number): ObjectStore {
  return {
    kind: store.kind,
    init: () => store.init(),
    ping: () => store.ping(),
    get: (key, range) => store.get(key, range),
    stat: (key) => store.stat(key),
    delete: (key) => store.delete(key),
    deletePrefix: (prefix) => store.deletePrefix(prefix),
    put(key: string, body: Readable, options?: PutOptions): Promise<ObjectInfo> {
      let seen = 0;
      const filling = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          if (seen > afterBytes) callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 }));
          else callback(null, chunk);
        },
      });
      body.once('error', (error) => filling.destroy(error));
      return store.put(key, body.pipe(filling), options);
    },
  };
}

function tempFiles(portal: TestPortal): string[] {
  const dir = path.join(portal.dataDir, 'files', '.tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

function snapshot(portal: TestPortal) {
  return { documents: countRows(portal, 'documents'), versions: countRows(portal, 'document_versions'), audit: countRows(portal, 'audit_log'), objects: storedObjects(portal).length };
}

describe('a full disk', function () {
  describe('a store that runs out of space in the middle of an upload (injected ENOSPC)', function () {
    let portal: TestPortal;
    let c: Cast;
    let app: ReturnType<typeof createApp>;

    before(async function () {
      portal = await startPortal();
      c = await cast(portal);
      app = createApp({ ...portal.services, store: fullDiskAfter(portal.services.store, 100_000) });
    });
    after(async () => portal?.close());

    const bigFile = () => ({ content: Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(600_000)]), name: 'گزارش بزرگ.pdf' });

    it('answers 507 storage_full in JSON and keeps nothing: no row, no object, no temp file, no audit row', async function () {
      const before = snapshot(portal);
      const res = await uploadRequest({ ...portal, app }, c.owner, DEFAULT_FIELDS, bigFile()).expect(507);
      expect(res.body.error.code).to.equal('storage_full');
      expect(res.body.error.message).to.match(/nothing was kept/);
      expect(snapshot(portal)).to.deep.equal(before);
      expect(tempFiles(portal)).to.deep.equal([]);
    });

    it('shows the upload page a Persian page, and an English one to an English reader, with the status 507', async function () {
      for (const [locale, text] of [
        ['fa', 'فضای ذخیره‌سازی سامانه پر است و پرونده نگه داشته نشد'],
        ['en', 'The portal’s storage is full and the file was not kept'],
      ] as const) {
        const browser = await signIn(app, 'tehran-staff', locale);
        const before = snapshot(portal);
        const req = browser.agent.post(`/documents/new?_csrf=${encodeURIComponent(browser.csrf)}`).set('Accept', 'text/html');
        for (const [name, value] of Object.entries(DEFAULT_FIELDS)) for (const v of [value].flat()) req.field(name, v as string);
        const res = await req.attach('file', bigFile().content, { filename: 'report.pdf', contentType: 'application/pdf' }).expect(507);
        expect(res.text).to.include(text);
        expect(snapshot(portal)).to.deep.equal(before);
      }
      expect(tempFiles(portal)).to.deep.equal([]);
    });

    it('keeps serving afterwards: health, reads, and an upload that fits', async function () {
      await supertest(app).get('/healthz').expect(200);
      await uploadRequest(portal, c.owner).expect(201);
    });
  });

  describe('free space below DISK_FREE_FLOOR_MB', function () {
    let portal: TestPortal;
    let c: Cast;

    before(async function () {
      // A floor far above any real disk: the portal is always below it.
      portal = await startPortal({ DISK_FREE_FLOOR_MB: String(1024 ** 3) });
      c = await cast(portal);
    });
    after(async () => portal?.close());

    it('/healthz says degraded, with the reason, and still answers 200', async function () {
      const res = await supertest(portal.app).get('/healthz').expect(200);
      expect(res.body).to.include({ status: 'degraded', storage: 'fs', search: 'sqlite' });
      expect(res.body.problems.disk).to.match(/MB free in .*, below the floor of \d+ MB \(DISK_FREE_FLOOR_MB\)/);
    });

    it('refuses uploads and new versions with 507 before reading them, for every uploader, changing nothing', async function () {
      const before = snapshot(portal);
      for (const who of [c.owner, c.secretariat]) {
        const res = await uploadRequest(portal, who, { ...DEFAULT_FIELDS, city: 'tehran' }).expect(507);
        expect(res.body.error.code).to.equal('storage_full');
        expect(res.headers.connection).to.equal('close');
      }
      const browser = await signIn(portal.app, 'tehran-staff');
      const page = await browser.agent
        .post(`/documents/new?_csrf=${encodeURIComponent(browser.csrf)}`)
        .set('Accept', 'text/html')
        .field('title', 'x')
        .attach('file', Buffer.from('%PDF-1.4\n'), 'x.pdf')
        .expect(507);
      expect(page.text).to.include('فضای ذخیره‌سازی سامانه پر است');
      expect(snapshot(portal)).to.deep.equal(before);
    });

    it('still serves reads and searches', async function () {
      await supertest(portal.app).get('/api/v1/documents').set(c.reader.auth).expect(200);
      await supertest(portal.app).get('/api/v1/search').query({ q: 'زلزله' }).set(c.reader.auth).expect(200);
    });
  });

  describe('on a real 20 MB file system (tmpfs)', function () {
    let mount: string;
    let portal: TestPortal;
    let c: Cast;
    let server: Server;
    let port: number;

    before(async function () {
      mount = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-tmpfs-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mount], { stdio: 'pipe' });
      } catch (error) {
        fs.rmSync(mount, { recursive: true, force: true });
        const reason = `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); the injected ENOSPC above covers the HTTP answer`;
        if (process.env.CI === 'true') throw new Error(`required in CI (run as root): ${reason}`);
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      portal = await startPortal({ DATA_DIR: mount, DISK_FREE_FLOOR_MB: '2' });
      c = await cast(portal);
      server = await new Promise((resolve) => {
        const listening = portal.app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      port = (server.address() as AddressInfo).port;
    });

    after(async function () {
      if (!portal) return;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await portal.close();
      execFileSync('umount', [mount]);
      fs.rmSync(mount, { recursive: true, force: true });
    });

    function freeMb(): number {
      const { bavail, bsize } = fs.statfsSync(mount);
      return (bavail * bsize) / 1024 ** 2;
    }

    it('answers a streamed upload larger than the disk 507, and leaves the disk as it was', async function () {
      const before = { ...snapshot(portal), free: freeMb() };
      const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(25 * 1024 ** 2)]);
      const fields = Object.fromEntries(Object.entries(DEFAULT_FIELDS).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>;
      const { response } = streamUpload({ port, path: '/api/v1/documents', headers: c.owner.auth, fields, file, filename: 'بزرگ.pdf', chunkBytes: 256 * 1024 });
      const res = await response;
      expect(res.status).to.equal(507);
      expect(JSON.parse(res.body).error.code).to.equal('storage_full');
      expect(snapshot(portal)).to.deep.include({ documents: before.documents, versions: before.versions, audit: before.audit, objects: before.objects });
      expect(tempFiles(portal)).to.deep.equal([]);
      expect(freeMb()).to.be.closeTo(before.free, 1);
      const health = await supertest(portal.app).get('/healthz').expect(200);
      expect(health.body.status).to.equal('ok');
    });

    it('says degraded once free space falls below the floor, refuses uploads early, and recovers when room is made', async function () {
      const filler = path.join(mount, 'filler');
      fs.writeFileSync(filler, Buffer.alloc(Math.floor((freeMb() - 1) * 1024 ** 2)));
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const degraded = await supertest(portal.app).get('/healthz').expect(200);
        expect(degraded.body.status).to.equal('degraded');
        expect(degraded.body.problems.disk).to.include(mount);
        const before = snapshot(portal);
        await uploadRequest(portal, c.owner).expect(507);
        expect(snapshot(portal)).to.deep.equal(before);
      } finally {
        fs.rmSync(filler);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await supertest(portal.app).get('/healthz').expect(200)).body.status).to.equal('ok');
      await uploadRequest(portal, c.owner).expect(201);
    });

    it('refuses before streaming an upload whose declared size does not fit above the floor', async function () {
      const before = snapshot(portal);
      const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(Math.ceil((freeMb() - 1) * 1024 ** 2))]);
      const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: file, name: 'بزرگ.pdf' }).expect(507);
      expect(res.body.error.message).to.match(/does not fit/);
      expect(snapshot(portal)).to.deep.equal(before);
      expect(tempFiles(portal)).to.deep.equal([]);
    });
  });
});
