import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import supertest from 'supertest';
import { cast, startPortal, type TestPortal } from '../helpers/portal';
import { loadConfig } from '../../server/config';
import { wire } from '../../server/wire';
import { queueRebuildIfEmpty } from '../../server/search/rebuild';

const run = promisify(execFile);

describe('npm run reindex', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Awaited<ReturnType<typeof cast>>;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  it('rebuilds a lost index from the database and the stored page texts, showing progress', async () => {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(c.owner.auth)
      .field('title', 'بازسازی نمایه')
      .field('summary', 'آزمون')
      .field('kind', 'other')
      .field('year', '1391')
      .attach('file', Buffer.from('پناهگاه‌های اضطراری محله‌ها\fصفحهٔ دوم دربارهٔ آبرسانی سیار', 'utf8'), { filename: 'پناهگاه.txt' });
    expect(res.status).to.equal(201);
    await portal.services.worker.drain();
    await portal.services.searchIndex.clear();
    const find = async (services: TestPortal['services']) =>
      (await services.search.search(c.owner.user, { q: 'آبرسانی', city: [], kind: [], hazard: [], year: [], resolution: [], fileType: [], type: [], page: 1, perPage: 20 })).hits;
    expect(await find(portal.services)).to.deep.equal([]);

    const { stderr } = await run(process.execPath, ['--import', 'tsx', path.resolve('server/search/reindex.ts')], {
      env: { ...process.env, DATA_DIR: portal.dataDir, STORAGE: 'fs', SEARCH: 'sqlite' },
    });
    expect(stderr).to.match(/rebuilding the sqlite index from \d+ documents/);
    expect(stderr).to.match(/\[#+\] (\d+)\/\1/);

    const reopened = await wire(loadConfig({ DATA_DIR: portal.dataDir }), () => undefined);
    try {
      const hits = await find(reopened);
      expect(hits.map((h) => h.id)).to.deep.equal([res.body.id]);
      expect(hits[0]!.page).to.equal(2);
    } finally {
      await reopened.searchIndex.close();
      reopened.sessions.close();
      reopened.db.close();
    }
    expect(fs.existsSync(path.join(portal.dataDir, 'search.sqlite'))).to.equal(true);
  });

  it('queues every document to be indexed again when the portal finds its index empty, and nothing when it is not', async () => {
    await portal.services.worker.drain();
    const documents = portal.services.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    expect(documents).to.be.greaterThan(0);
    const find = async () =>
      (await portal.services.search.search(c.secretariat.user, { q: '', city: [], kind: [], hazard: [], year: [], resolution: [], fileType: [], type: [], page: 1, perPage: 100 })).total;
    const logged: string[] = [];

    expect(await queueRebuildIfEmpty(portal.services, (line) => logged.push(line))).to.equal(0);
    expect(portal.services.jobs.pending('index')).to.equal(0);

    await portal.services.searchIndex.clear();
    expect(await find()).to.equal(0);
    expect(await queueRebuildIfEmpty(portal.services, (line) => logged.push(line))).to.equal(documents);
    expect(portal.services.jobs.pending('index')).to.equal(documents);
    expect(logged.join('\n')).to.match(new RegExp(`${documents} documents and 0 lessons are queued`));
    await portal.services.worker.drain();
    expect(await find()).to.equal(documents - (portal.services.db.prepare(`SELECT count(*) FROM documents WHERE status = 'withdrawn'`).pluck().get() as number));
  });

  it('runs a rebuild\'s index jobs together, so an engine that batches writes gets them at once, and records each one', async () => {
    await portal.services.worker.drain();
    for (let i = 0; i < 3; i++) {
      await supertest(portal.app)
        .post('/api/v1/documents')
        .set(c.owner.auth)
        .field('title', `سند هم‌زمان ${i}`)
        .field('summary', 'آزمون')
        .field('kind', 'other')
        .field('year', '1391')
        .attach('file', Buffer.from(`متن سند ${i}`, 'utf8'), { filename: `سند-${i}.txt` })
        .expect(201);
    }
    await portal.services.worker.drain();
    const documents = portal.services.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    const index = portal.services.searchIndex;
    const upsert = index.upsert.bind(index);
    let inFlight = 0;
    let most = 0;
    index.upsert = async (doc) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await upsert(doc);
      } finally {
        inFlight -= 1;
      }
    };
    try {
      await index.clear();
      expect(await queueRebuildIfEmpty(portal.services, () => undefined)).to.equal(documents);
      await portal.services.worker.drain();
    } finally {
      index.upsert = upsert;
    }
    expect(most).to.equal(Math.min(documents, 64));
    expect(portal.services.jobs.pending('index')).to.equal(0);
    expect(portal.services.db.prepare(`SELECT count(*) FROM jobs WHERE kind = 'index' AND state <> 'done'`).pluck().get()).to.equal(0);
  });
});
