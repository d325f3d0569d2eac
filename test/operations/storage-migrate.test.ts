import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'minio';
import { expect } from 'chai';
import supertest from 'supertest';
import { loadConfig } from '../../server/config';
import { StoreMismatchError, wire } from '../../server/wire';
import type { Services } from '../../server/services';
import { binaryBody, bring, cast, DEFAULT_FIELDS, startPortal, storedObjects, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { emptyBucket, minioFromEnv, npmRun, sha256, until } from '../helpers/commands';
import { readZip } from '../helpers/zip-reader';

interface Doc {
  id: string;
  bytes: Buffer;
  word: string;
  key: string;
}

async function objectSha(client: Client, bucket: string, key: string): Promise<string | null> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getObject(bucket, key)) chunks.push(chunk as Buffer);
    return sha256(Buffer.concat(chunks));
  } catch {
    return null;
  }
}

function storesOf(portal: TestPortal): Record<string, number> {
  const rows = portal.services.db.prepare('SELECT store, count(*) AS n FROM document_versions GROUP BY store').all() as { store: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.store, r.n]));
}

async function closeServices(services: Services): Promise<void> {
  services.searchLog.close();
  await services.searchIndex.close();
  services.sessions.close();
  services.db.close();
}

describe('npm run storage:migrate', function () {
  this.timeout(300_000);

  describe('a portal that grows from the local folder to MinIO', function () {
    let client: Client;
    let env: Record<string, string>;
    let portal: TestPortal;
    let c: Cast;
    let packageId: string;
    const docs: Doc[] = [];
    const bucket = `tajrobe-move-${crypto.randomBytes(4).toString('hex')}`;

    before(async function () {
      const minio = minioFromEnv(this, 'storage:migrate');
      client = minio.client;
      env = { MINIO_ENDPOINT: minio.endpoint, MINIO_ACCESS_KEY: minio.accessKey, MINIO_SECRET_KEY: minio.secretKey, MINIO_BUCKET: bucket };
      // STORAGE=fs, with MinIO's settings in the environment as the command wants them.
      portal = await startPortal(env);
      c = await cast(portal);
      for (const word of ['کاروانسرا', 'قنات', 'بادگیر']) {
        const bytes = Buffer.from(`گزارش تجربهٔ شهری دربارهٔ ${word} و مدیریت بحران\n`);
        const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: `تجربهٔ ${word}` }, { content: bytes, name: `${word}.txt` }).expect(201);
        await bring(portal, c, res.body.id, 'published');
        const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(res.body.id) as string;
        docs.push({ id: res.body.id, bytes, word, key });
      }
      await portal.services.worker.drain();
      const pkg = await supertest(portal.app)
        .post('/api/v1/packages')
        .set(c.secretariat.auth)
        .send({ title: 'بستهٔ تجربه‌های کم‌آبی', documents: docs.map((d) => d.id), audience: { all: true } })
        .expect(201);
      packageId = pkg.body.id;
      await supertest(portal.app).post(`/api/v1/packages/${packageId}/publish`).set(c.secretariat.auth).expect(200);
    });

    after(async function () {
      if (!portal) return;
      await emptyBucket(client, bucket);
      await portal.close();
    });

    async function everythingReads(): Promise<void> {
      for (const doc of docs) {
        const res = await supertest(portal.app).get(`/api/v1/documents/${doc.id}/file`).set(c.reader.auth).buffer(true).parse(binaryBody).expect(200);
        expect(sha256(res.body)).to.equal(sha256(doc.bytes));
      }
      const zip = await supertest(portal.app).get(`/api/v1/packages/${packageId}/download`).set(c.reader.auth).buffer(true).parse(binaryBody).expect(200);
      const entries = await readZip(zip.body);
      for (const doc of docs) expect(entries.some((e) => sha256(e.data) === sha256(doc.bytes)), doc.word).to.equal(true);
      // The text is extracted again from the bytes where the version's row says they are.
      await portal.services.searchIndex.clear();
      portal.services.db.transaction(() => {
        for (const doc of docs) portal.services.jobs.enqueue('extract', doc.id);
      })();
      await portal.services.worker.drain();
      for (const doc of docs) {
        expect(portal.services.documents.getVisible(c.owner.user, doc.id).indexing).to.deep.equal({ state: 'done', reason: null });
        const found = await supertest(portal.app).get('/api/v1/search').query({ q: doc.word }).set(c.reader.auth).expect(200);
        expect(found.body.hits.map((h: { id: string }) => h.id)).to.deep.equal([doc.id]);
      }
    }

    it('is refused at start-up before the move: STORAGE=minio with files in the local folder names the command', async function () {
      let failure: unknown;
      await wire(loadConfig({ DATA_DIR: portal.dataDir, STORAGE: 'minio', ...env }), () => undefined).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(StoreMismatchError);
      expect((failure as Error).message).to.include('3 in the fs store').and.include('npm run storage:migrate -- --to minio');
    });

    it('copies every file to MinIO while the portal runs, checks each hash, records the new store, and deletes nothing', async function () {
      const result = await npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/3 stored files to move from fs to minio/);
      expect(result.stderr).to.match(/fs → minio \[#{30}\] 3\/3/);
      expect(result.stderr).to.include('3 versions now read from minio (3 copied').and.include('Nothing was deleted from fs');
      expect(storesOf(portal)).to.deep.equal({ minio: 3 });
      expect(portal.services.db.prepare('SELECT count(*) FROM storage_copies').pluck().get()).to.equal(0);
      const audit = portal.services.db.prepare("SELECT details FROM audit_log WHERE action = 'storage.migrated'").pluck().all() as string[];
      expect(audit.map((d) => JSON.parse(d))).to.deep.equal([{ from: 'fs', to: 'minio', versions: 3 }]);
      for (const doc of docs) expect(await objectSha(client, bucket, doc.key)).to.equal(sha256(doc.bytes));
      expect(storedObjects(portal)).to.have.length(3);
      await everythingReads();
    });

    it('deletes the old copies only when asked, after the move; download, ZIP and search still work from MinIO alone', async function () {
      const result = await npmRun('storage:migrate', ['--to', 'minio', '--delete-source'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.include('3 files deleted from fs');
      expect(storedObjects(portal)).to.deep.equal([]);
      await everythingReads();
    });

    it('then starts on STORAGE=minio, and refuses STORAGE=fs naming the way back', async function () {
      const onMinio = await wire(loadConfig({ DATA_DIR: portal.dataDir, STORAGE: 'minio', ...env }), () => undefined, { owner: false });
      await closeServices(onMinio);
      let failure: unknown;
      await wire(loadConfig({ DATA_DIR: portal.dataDir, ...env }), () => undefined).catch((error: unknown) => (failure = error));
      expect((failure as Error).message).to.include('3 in the minio store').and.include('npm run storage:migrate -- --to fs');
    });

    it('moves everything back with --to fs', async function () {
      const result = await npmRun('storage:migrate', ['--to', 'fs', '--delete-source'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(result.code, result.stderr).to.equal(0);
      expect(storesOf(portal)).to.deep.equal({ fs: 3 });
      for (const doc of docs) expect(await objectSha(client, bucket, doc.key)).to.equal(null);
      await everythingReads();
    });

    it('says how to use it when the arguments are wrong, and needs MinIO settings in either direction', async function () {
      const wrong = await npmRun('storage:migrate', ['--to', 's3'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.include('usage: npm run storage:migrate -- --to minio|fs');
      const noMinio = await npmRun('storage:migrate', ['--to', 'fs'], { DATA_DIR: portal.dataDir }).done;
      expect(noMinio.code).to.equal(2);
      expect(noMinio.stderr).to.include('MINIO_ENDPOINT');
    });
  });

  describe('interrupted half-way', function () {
    let client: Client;
    let env: Record<string, string>;
    let portal: TestPortal;
    let c: Cast;
    const bucket = `tajrobe-resume-${crypto.randomBytes(4).toString('hex')}`;
    const files = new Map<string, string>();

    before(async function () {
      const minio = minioFromEnv(this, 'storage:migrate');
      client = minio.client;
      env = { MINIO_ENDPOINT: minio.endpoint, MINIO_ACCESS_KEY: minio.accessKey, MINIO_SECRET_KEY: minio.secretKey, MINIO_BUCKET: bucket };
      portal = await startPortal(env);
      c = await cast(portal);
      for (let i = 0; i < 24; i += 1) {
        const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(1024 ** 2 + i)]);
        const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: `گزارش ${i}` }, { content: bytes, name: `r${i}.pdf` }).expect(201);
        const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(res.body.id) as string;
        files.set(key, sha256(bytes));
      }
    });

    after(async function () {
      if (!portal) return;
      await emptyBucket(client, bucket);
      await portal.close();
    });

    const journaled = () => portal.services.db.prepare("SELECT count(*) FROM storage_copies WHERE target = 'minio'").pluck().get() as number;

    it('killed with SIGKILL, records nothing; run again, it goes on from its journal and finishes with every hash right', async function () {
      const first = npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env });
      const copiedBeforeKill = await until(() => (journaled() >= 4 ? journaled() : false), 120_000, 'some copies');
      first.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.signal).to.equal('SIGKILL');
      const kept = journaled();
      expect(kept).to.be.within(copiedBeforeKill, 23);
      expect(storesOf(portal)).to.deep.equal({ fs: 24 });

      const second = await npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stderr).to.include(`24 stored files to move from fs to minio (${kept} already copied by an earlier run, checked again)`);
      expect(second.stderr).to.include(`24 versions now read from minio (${24 - kept} copied`).and.include(`${kept} copied by an earlier run`);
      expect(storesOf(portal)).to.deep.equal({ minio: 24 });
      expect(journaled()).to.equal(0);
      for (const [key, hash] of files) expect(await objectSha(client, bucket, key), key).to.equal(hash);
      expect(storedObjects(portal)).to.have.length(24);
    });

    it('picks up files uploaded while it copies; what arrives at the very end is left for the next run (exit 3)', async function () {
      let uploading = true;
      const burst = (async () => {
        for (let i = 0; uploading || i < 3; i += 1) {
          const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(512 * 1024)]);
          const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: `هم‌زمان ${i}` }, { content: bytes, name: `b${i}.pdf` }).expect(201);
          const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(res.body.id) as string;
          files.set(key, sha256(bytes));
        }
      })();
      const first = await npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env }).done;
      uploading = false;
      await burst;
      expect(first.code, first.stderr).to.be.oneOf([0, 3]);
      const again = await npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(again.code, again.stderr).to.equal(0);
      expect(storesOf(portal)).to.deep.equal({ minio: files.size });
      for (const [key, hash] of files) expect(await objectSha(client, bucket, key), key).to.equal(hash);
    });

    it('does not move a file whose bytes no longer match its recorded hash, and says which', async function () {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(4096)]);
      const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: bytes, name: 'damaged.pdf' }).expect(201);
      const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ?').pluck().get(res.body.id) as string;
      const file = path.join(portal.dataDir, 'files', 'objects', key);
      const damaged = fs.readFileSync(file);
      damaged[100] ^= 0xff;
      fs.writeFileSync(file, damaged);
      const result = await npmRun('storage:migrate', ['--to', 'minio'], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`not moved: ${key}: the bytes in fs do not match the version's SHA-256`);
      expect(storesOf(portal)).to.deep.equal({ minio: files.size, fs: 1 });
      expect(await objectSha(client, bucket, key)).to.equal(null);
    });
  });
});
