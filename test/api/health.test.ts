import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { loadConfig } from '../../server/config';
import { wire } from '../../server/wire';
import { startPortal } from '../helpers/portal';
import { MIGRATIONS } from '../../server/db/migrations';

describe('start-up and /healthz', () => {
  it('answers 503 naming the engine while the object store is unusable, and 200 again once it is back', async () => {
    const portal = await startPortal();
    try {
      const files = path.join(portal.dataDir, 'files');
      fs.renameSync(files, `${files}.away`);
      const down = await supertest(portal.app).get('/healthz').expect(503);
      expect(down.body).to.include({ status: 'unavailable', storage: 'fs', search: 'sqlite' });
      expect(down.body.problems).to.have.property('storage');
      fs.renameSync(`${files}.away`, files);
      await supertest(portal.app).get('/healthz').expect(200);
    } finally {
      await portal.close();
    }
  });

  it('refuses to start on an unreachable MinIO instead of falling back to the local folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-boot-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, STORAGE: 'minio', MINIO_ENDPOINT: 'http://127.0.0.1:1', MINIO_ACCESS_KEY: 'key', MINIO_SECRET_KEY: 'secret-key' });
      let failure: unknown;
      await wire(config).catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/object store "minio" is not usable/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on an unreachable Meilisearch', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-boot-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, SEARCH: 'meilisearch', MEILI_URL: 'http://127.0.0.1:1' });
      let failure: unknown;
      await wire(config).catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/search engine "meilisearch" is not reachable/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('seeds once: a second start on the same data keeps users and reference data without duplicates', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-boot-'));
    try {
      const first = await wire(loadConfig({ DATA_DIR: dataDir }));
      await first.users.create({ username: 'keeper', password: 'long-enough-pw', role: 'reader' }, null);
      first.sessions.close();
      await first.searchIndex.close();
      first.db.close();
      const second = await wire(loadConfig({ DATA_DIR: dataDir }));
      expect(second.users.count()).to.equal(1);
      expect(second.reference.cities()).to.have.length(16);
      expect(second.db.prepare('SELECT count(*) FROM resolutions').pluck().get()).to.equal(9);
      expect(second.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).to.equal(MIGRATIONS.length);
      expect(second.db.pragma('journal_mode', { simple: true })).to.equal('wal');
      second.sessions.close();
      await second.searchIndex.close();
      second.db.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
