import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import supertest from 'supertest';
import { loadConfig } from '../../server/config';
import { createApp } from '../../server/app';
import { StoreMismatchError, wire } from '../../server/wire';
import { queueRebuildIfEmpty } from '../../server/search/rebuild';
import type { Services } from '../../server/services';
import { cast, startPortal, upload, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';

async function closeServices(services: Services): Promise<void> {
  await services.worker.stop();
  services.searchLog.close();
  await services.searchIndex.close();
  services.sessions.close();
  services.db.close();
}

describe('start-up hygiene', function () {
  describe('temporary folders', function () {
    let dataDir: string;

    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-start-'));
    });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    function leaveCrashLeftovers(): { extraction: string; upload: string } {
      const extraction = path.join(dataDir, 'tmp', 'extraction', 'extract-abc123', 'input');
      fs.mkdirSync(path.dirname(extraction), { recursive: true });
      fs.writeFileSync(extraction, 'half an extraction');
      const upload = path.join(dataDir, 'files', '.tmp', 'abandoned.part');
      fs.mkdirSync(path.dirname(upload), { recursive: true });
      fs.writeFileSync(upload, 'half an upload');
      return { extraction, upload };
    }

    it('empties the extraction and upload temp folders a crash left in DATA_DIR when the portal starts', async function () {
      const leftovers = leaveCrashLeftovers();
      const services = await wire(loadConfig({ DATA_DIR: dataDir }), () => undefined);
      try {
        expect(fs.existsSync(leftovers.extraction)).to.equal(false);
        expect(fs.existsSync(leftovers.upload)).to.equal(false);
        expect(fs.readdirSync(path.join(dataDir, 'tmp'))).to.deep.equal([]);
      } finally {
        await closeServices(services);
      }
    });

    it('leaves them alone for a command run beside a running portal (its uploads and extractions are in flight there)', async function () {
      const leftovers = leaveCrashLeftovers();
      const services = await wire(loadConfig({ DATA_DIR: dataDir }), () => undefined, { owner: false });
      try {
        expect(fs.existsSync(leftovers.extraction)).to.equal(true);
        expect(fs.existsSync(leftovers.upload)).to.equal(true);
      } finally {
        await closeServices(services);
      }
    });
  });

  it('extracts in a folder under DATA_DIR/tmp, never in the OS temp folder, and removes it afterwards', async function () {
    const portal = await startPortal();
    try {
      const c = await cast(portal);
      const seen: string[] = [];
      const indexer = portal.services.indexer as unknown as { extract: (input: { path: string }, options: { tempRoot: string }) => Promise<unknown> };
      const extract = indexer.extract;
      indexer.extract = async (input, options) => {
        seen.push(input.path, options.tempRoot);
        return extract(input, options);
      };
      await upload(portal, c.owner);
      await portal.services.worker.drain();
      const inside = path.join(portal.dataDir, 'tmp', 'extraction') + path.sep;
      expect(seen).to.have.length(2);
      for (const folder of seen) expect(folder.startsWith(inside), folder).to.equal(true);
      expect(fs.readdirSync(path.join(portal.dataDir, 'tmp', 'extraction'))).to.deep.equal([]);
    } finally {
      await portal.close();
    }
  });

  describe('a damaged or outdated search index', function () {
    let portal: TestPortal;
    let c: Cast;
    let dataDir: string;
    const title = 'مطالعهٔ خطر سیلاب رودخانهٔ کشف‌رود';

    beforeEach(async function () {
      portal = await startPortal();
      c = await cast(portal);
      await upload(portal, c.owner, { ...DEFAULT_FIELDS, title });
      await portal.services.worker.drain();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-index-'));
    });

    afterEach(async function () {
      await portal.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** A copy of the portal's data as it would be found after the portal stopped, with the index file replaced by `damage`. */
    async function stoppedCopyWith(damage: (indexFile: string) => void): Promise<string> {
      portal.services.db.pragma('wal_checkpoint(TRUNCATE)');
      await portal.services.searchIndex.close();
      fs.cpSync(portal.dataDir, dataDir, { recursive: true });
      await portal.services.searchIndex.init();
      const indexFile = path.join(dataDir, 'search.sqlite');
      for (const suffix of ['-wal', '-shm']) fs.rmSync(indexFile + suffix, { force: true });
      damage(indexFile);
      return dataDir;
    }

    async function startAndSearch(dir: string): Promise<{ log: string[]; total: number; aside: string[] }> {
      const log: string[] = [];
      const services = await wire(loadConfig({ DATA_DIR: dir }), (line) => log.push(line));
      try {
        const queued = await queueRebuildIfEmpty(services, (line) => log.push(line));
        expect(queued).to.equal(1);
        await services.worker.drain();
        const app = createApp(services);
        const { token } = services.tokens.issue(services.users.findActive(c.secretariat.user.id)!);
        const res = await supertest(app).get('/api/v1/search').query({ q: 'کشف‌رود' }).set('Authorization', `Bearer ${token}`).expect(200);
        return { log, total: res.body.total, aside: fs.readdirSync(dir).filter((name) => name.startsWith('search.sqlite.damaged-')) };
      } finally {
        await closeServices(services);
      }
    }

    it('moves a file that is not a database aside, says so, and rebuilds the index from the database', async function () {
      const dir = await stoppedCopyWith((file) => fs.writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a)));
      const { log, total, aside } = await startAndSearch(dir);
      expect(aside).to.have.length(1);
      expect(log.join('\n')).to.match(/search index .*search\.sqlite could not be read .* moved to .*damaged-.* rebuilt from the database/);
      expect(log.join('\n')).to.match(/search index is empty: 1 documents and 0 lessons are queued/);
      expect(total).to.equal(1);
    });

    it('does the same for an index file cut short (its pages damaged)', async function () {
      const dir = await stoppedCopyWith((file) => {
        const bytes = fs.readFileSync(file);
        const damaged = Buffer.from(bytes);
        // Keep the header, scribble over every page after the first two.
        damaged.fill(0xa5, 8192);
        fs.writeFileSync(file, damaged.subarray(0, Math.max(16384, Math.floor(bytes.length / 2))));
      });
      const { log, total, aside } = await startAndSearch(dir);
      expect(aside).to.have.length(1);
      expect(log.join('\n')).to.match(/could not be read/);
      expect(total).to.equal(1);
    });

    it('empties an index of an older layout and rebuilds it, with a log line saying why', async function () {
      const dir = await stoppedCopyWith((file) => {
        const db = new Database(file);
        db.pragma('user_version = 1');
        db.close();
      });
      const { log, total, aside } = await startAndSearch(dir);
      expect(aside).to.deep.equal([]);
      expect(log.join('\n')).to.match(/had layout 1, this portal uses \d+: it starts empty/);
      expect(total).to.equal(1);
    });
  });

  it('refuses to start when stored versions are in another store than STORAGE, naming the command that moves them', async function () {
    const portal = await startPortal();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-switch-'));
    try {
      const c = await cast(portal);
      await upload(portal, c.owner);
      await upload(portal, c.owner);
      portal.services.db.pragma('wal_checkpoint(TRUNCATE)');
      fs.cpSync(portal.dataDir, dataDir, { recursive: true });
      let failure: unknown;
      // Nothing listens on port 1: the refusal comes before any engine is asked.
      await wire(loadConfig({ DATA_DIR: dataDir, STORAGE: 'minio', MINIO_ENDPOINT: 'http://127.0.0.1:1', MINIO_ACCESS_KEY: 'key', MINIO_SECRET_KEY: 'secret-key' }), () => undefined).catch(
        (error: unknown) => (failure = error),
      );
      expect(failure).to.be.instanceOf(StoreMismatchError);
      expect(String((failure as Error).message)).to.include('2 in the fs store').and.include('npm run storage:migrate -- --to minio');
    } finally {
      await portal.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
