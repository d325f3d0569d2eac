import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from 'minio';
import { expect } from 'chai';
import supertest from 'supertest';
import { COUNTED_TABLES } from '../../server/operations/backup-manifest';
import { binaryBody, bring, cast, DEFAULT_FIELDS, PASSWORD, startPortal, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { childEnv, collect, emptyBucket, freePort, minioFromEnv, npmRun, ROOT, sha256, until } from '../helpers/commands';
import { spawn } from 'node:child_process';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function rowsIn(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(COUNTED_TABLES.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

function versionsIn(file: string): { document_id: string; number: number; sha256: string; store: string; object_key: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT document_id, number, sha256, store, object_key FROM document_versions ORDER BY document_id, number').all() as never;
  } finally {
    db.close();
  }
}

/** A live portal with a bit of everything a restore must bring back: users, documents, versions, a package, a resolution follow-up. */
async function livePortal(env: Record<string, string> = {}): Promise<{ portal: TestPortal; c: Cast }> {
  const portal = await startPortal(env);
  const c = await cast(portal);
  const first = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: 'پشتیبان‌گیری از تجربهٔ زلزله' }, { content: Buffer.from('درس‌های زلزلهٔ بم برای شهرسازی تهران\n'), name: 'bam.txt' }).expect(201);
  await bring(portal, c, first.body.id, 'published');
  await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: Buffer.from('نسخهٔ دوم پیش‌نویس\n'), name: 'draft.txt' }).expect(201);
  const pkg = await supertest(portal.app)
    .post('/api/v1/packages')
    .set(c.secretariat.auth)
    .send({ title: 'بستهٔ زلزله', documents: [first.body.id], audience: { all: true } })
    .expect(201);
  await supertest(portal.app).post(`/api/v1/packages/${pkg.body.id}/publish`).set(c.secretariat.auth).expect(200);
  await portal.services.worker.drain();
  return { portal, c };
}

describe('npm run backup and npm run restore', function () {
  this.timeout(300_000);

  describe('on the local folder', function () {
    let portal: TestPortal;
    let c: Cast;
    const cleanup: string[] = [];

    before(async function () {
      ({ portal, c } = await livePortal());
    });

    after(async function () {
      await portal?.close();
      for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('backs up a live portal during a burst of uploads and restores it: every row and every hash, and the search index rebuilt by itself', async function () {
      const backup = path.join(tempDir('tajrobe-backup-'), 'backup');
      const restored = tempDir('tajrobe-restored-');
      cleanup.push(path.dirname(backup), restored);

      let uploading = true;
      const uploaded: string[] = [];
      const burst = (async () => {
        for (let i = 0; uploading || i < 3; i += 1) {
          const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(256 * 1024)]);
          const res = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: `بارگذاری هم‌زمان ${i}` }, { content: bytes, name: `burst-${i}.pdf` }).expect(201);
          uploaded.push(res.body.id);
        }
      })();
      const result = await npmRun('backup', [backup], { DATA_DIR: portal.dataDir }).done;
      uploading = false;
      await burst;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/backup of .* in .*: \d+ users, \d+ documents/);
      expect(uploaded.length).to.be.above(3);

      const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8'));
      const snapshotVersions = versionsIn(path.join(backup, 'tajrobe.sqlite'));
      // Consistent: every version the snapshot names has its file in the backup, hashed right; the burst is partly in, partly not.
      expect(manifest.objects).to.have.length(snapshotVersions.length);
      for (const version of snapshotVersions) {
        const bytes = fs.readFileSync(path.join(backup, 'files', 'objects', version.object_key));
        expect(sha256(bytes)).to.equal(version.sha256);
      }
      const live = new Map(versionsIn(path.join(portal.dataDir, 'tajrobe.sqlite')).map((v) => [v.object_key, v.sha256]));
      for (const version of snapshotVersions) expect(live.get(version.object_key)).to.equal(version.sha256);
      expect(manifest.rows).to.deep.equal(rowsIn(path.join(backup, 'tajrobe.sqlite')));

      const restore = await npmRun('restore', [backup], { DATA_DIR: restored }).done;
      expect(restore.code, restore.stderr).to.equal(0);
      expect(restore.stderr).to.include('rebuilds its search index');
      const after = rowsIn(path.join(restored, 'tajrobe.sqlite'));
      expect(after).to.deep.equal({ ...manifest.rows, audit_log: manifest.rows.audit_log + 1 });

      // The restored portal, started as an operator starts it: it answers, serves every file with its hash, and finds the text again.
      const port = await freePort();
      const child = spawn('npm', ['start'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv({ DATA_DIR: restored, PORT: String(port) }) });
      const exited = collect(child);
      try {
        const base = `http://127.0.0.1:${port}`;
        await until(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok, 60_000, 'the restored portal');
        const token = ((await (await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'sec', password: PASSWORD }) })).json()) as { token: string }).token;
        const auth = { Authorization: `Bearer ${token}` };
        for (const version of snapshotVersions) {
          const res = await fetch(`${base}/api/v1/documents/${version.document_id}/file?version=${version.number}`, { headers: auth });
          expect(res.status).to.equal(200);
          expect(sha256(Buffer.from(await res.arrayBuffer()))).to.equal(version.sha256);
        }
        const hits = await until(
          async () => {
            const res = (await (await fetch(`${base}/api/v1/search?q=${encodeURIComponent('شهرسازی')}`, { headers: auth })).json()) as { total: number };
            return res.total === 1 ? res : false;
          },
          60_000,
          'the rebuilt index to find the text',
        );
        expect(hits.total).to.equal(1);
        process.kill(-child.pid!, 'SIGTERM');
        const stopped = await exited;
        expect(stopped.stdout).to.match(/search index is empty: \d+ documents and \d+ lessons are queued to be indexed again/);
        expect(stopped.code).to.equal(0);
      } finally {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // stopped already
        }
      }
    });

    it('refuses a backup folder that is not empty or lies inside DATA_DIR, writing nothing', async function () {
      const busy = tempDir('tajrobe-backup-busy-');
      cleanup.push(busy);
      fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
      const notEmpty = await npmRun('backup', [busy], { DATA_DIR: portal.dataDir }).done;
      expect(notEmpty.code).to.equal(1);
      expect(notEmpty.stderr).to.include('is not empty');
      expect(fs.readdirSync(busy)).to.deep.equal(['keep.txt']);
      const inside = await npmRun('backup', [path.join(portal.dataDir, 'backup')], { DATA_DIR: portal.dataDir }).done;
      expect(inside.code).to.equal(1);
      expect(inside.stderr).to.include('is inside DATA_DIR');
      expect(fs.existsSync(path.join(portal.dataDir, 'backup'))).to.equal(false);
    });

    it('restores only into an empty DATA_DIR, and refuses a damaged backup leaving DATA_DIR empty', async function () {
      const backup = path.join(tempDir('tajrobe-backup-'), 'b');
      cleanup.push(path.dirname(backup));
      expect((await npmRun('backup', [backup], { DATA_DIR: portal.dataDir }).done).code).to.equal(0);

      const occupied = tempDir('tajrobe-occupied-');
      cleanup.push(occupied);
      fs.writeFileSync(path.join(occupied, 'tajrobe.sqlite'), 'someone else’s data');
      const refused = await npmRun('restore', [backup], { DATA_DIR: occupied }).done;
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('is not empty');
      expect(fs.readFileSync(path.join(occupied, 'tajrobe.sqlite'), 'utf8')).to.equal('someone else’s data');

      const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8'));
      const victim = path.join(backup, 'files', 'objects', manifest.objects[0].key);
      const bytes = fs.readFileSync(victim);
      bytes[0] ^= 0xff;
      fs.writeFileSync(victim, bytes);
      const empty = tempDir('tajrobe-empty-');
      cleanup.push(empty);
      const damaged = await npmRun('restore', [backup], { DATA_DIR: empty }).done;
      expect(damaged.code).to.equal(1);
      expect(damaged.stderr).to.include(`the file ${manifest.objects[0].key} in the backup does not match its SHA-256`);
      expect(fs.readdirSync(empty)).to.deep.equal([]);

      fs.rmSync(path.join(backup, 'manifest.json'));
      const unfinished = await npmRun('restore', [backup], { DATA_DIR: empty }).done;
      expect(unfinished.code).to.equal(1);
      expect(unfinished.stderr).to.include('its backup did not finish');
    });
  });

  describe('on MinIO', function () {
    let client: Client;
    let env: Record<string, string>;
    let portal: TestPortal;
    const cleanup: string[] = [];
    const bucket = `tajrobe-backup-${crypto.randomBytes(4).toString('hex')}`;

    before(async function () {
      const minio = minioFromEnv(this, 'the MinIO backup');
      client = minio.client;
      env = { STORAGE: 'minio', MINIO_ENDPOINT: minio.endpoint, MINIO_ACCESS_KEY: minio.accessKey, MINIO_SECRET_KEY: minio.secretKey, MINIO_BUCKET: bucket };
      ({ portal } = await livePortal(env));
    });

    after(async function () {
      if (!portal) return;
      await emptyBucket(client, bucket);
      await portal.close();
      for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('copies the database, lists every file with its hash after reading it back, and restores against the bucket', async function () {
      const backup = path.join(tempDir('tajrobe-backup-'), 'b');
      const restored = tempDir('tajrobe-restored-');
      cleanup.push(path.dirname(backup), restored);
      const result = await npmRun('backup', [backup], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/verifying 2 files in MinIO/).and.match(/2 files in MinIO verified and listed/);
      const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8'));
      const versions = versionsIn(path.join(backup, 'tajrobe.sqlite'));
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
      expect(manifest.objects.map(({ key, store, sha256 }: { key: string; store: string; sha256: string }) => ({ key, store, sha256 })).sort(byKey)).to.deep.equal(
        versions.map((v) => ({ key: v.object_key, store: 'minio', sha256: v.sha256 })).sort(byKey),
      );
      expect(fs.existsSync(path.join(backup, 'files', 'objects'))).to.equal(false);

      const restore = await npmRun('restore', [backup], { DATA_DIR: restored, ...env }).done;
      expect(restore.code, restore.stderr).to.equal(0);
      expect(restore.stderr).to.include('2 files found in MinIO');
      const { startPortal: start } = await import('../helpers/portal');
      const again = await start({ DATA_DIR: restored, ...env });
      try {
        const secretariat = again.services.db.prepare("SELECT id FROM users WHERE username = 'sec'").pluck().get() as number;
        const token = again.services.tokens.issue(again.services.users.findActive(secretariat)!).token;
        for (const version of versions) {
          const res = await supertest(again.app).get(`/api/v1/documents/${version.document_id}/file`).set('Authorization', `Bearer ${token}`).buffer(true).parse(binaryBody).expect(200);
          expect(sha256(res.body)).to.equal(version.sha256);
        }
      } finally {
        await again.close();
      }

      await client.removeObject(bucket, manifest.objects[0].key);
      const missing = tempDir('tajrobe-missing-');
      cleanup.push(missing);
      const refused = await npmRun('restore', [backup], { DATA_DIR: missing, ...env }).done;
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('1 files the backup names are missing in MinIO');
      expect(fs.readdirSync(missing)).to.deep.equal([]);
      const second = await npmRun('backup', [path.join(path.dirname(backup), 'again')], { DATA_DIR: portal.dataDir, ...env }).done;
      expect(second.code).to.equal(1);
      expect(second.stderr).to.include(`${manifest.objects[0].key}: missing`);
    });
  });
});
