import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { FtsSearchIndex } from '../../search/fts-search-index';
import { SEARCH_WORKER_NICENESS } from '../../search/fts/reader-pool';
import type { SearchQuery, Viewer } from '../../search/search-index';
import { loadConfig } from '../../server/config';
import { buildDocument } from './search-index.contract';

const SECRETARIAT: Viewer = { role: 'secretariat', city: null };
const READER: Viewer = { role: 'reader', city: null };
const query = (q: string, overrides: Partial<SearchQuery> = {}): SearchQuery => ({ q, filters: {}, sort: 'relevance', page: 1, perPage: 20, ...overrides });
const WORDS = ['زلزله', 'سیلاب', 'آتش‌سوزی', 'پناهگاه', 'مانور', 'آموزش', 'شهروندان', 'امداد', 'گسل', 'پهنه‌بندی', 'ایمنی', 'خطر'];

/** A few hundred documents of a few pages each, every page a mix of the words above. */
async function fill(index: FtsSearchIndex, documents: number): Promise<void> {
  for (let d = 0; d < documents; d++) {
    const pages = Array.from({ length: 4 }, (_, p) => Array.from({ length: 120 }, (_, w) => WORDS[(d * 7 + p * 5 + w * 3) % WORDS.length]).join(' '));
    await index.upsert(buildDocument(`doc-${d}`, pages, { city: d % 2 === 0 ? 'tehran' : 'shiraz' }));
  }
}

describe('FTS5 searches in worker threads (search/fts/reader-pool.ts)', function () {
  this.timeout(120_000);
  let dir: string;
  const opened: FtsSearchIndex[] = [];

  async function open(searchWorkers: number): Promise<FtsSearchIndex> {
    const index = new FtsSearchIndex(path.join(dir, `search-${opened.length}.sqlite`), { searchWorkers });
    opened.push(index);
    await index.init();
    return index;
  }

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tajrobe-pool-'));
  });

  afterEach(async function () {
    for (const index of opened.splice(0)) await index.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hides a withdrawn document from the very next search, while other searches are still being answered', async function () {
    const index = await open(2);
    await fill(index, 40);
    await index.upsert(buildDocument('watched', ['گزارش ویژهٔ تخلیهٔ اضطراری بیمارستان'], { status: 'published' }));
    for (let round = 0; round < 10; round++) {
      const busy = Array.from({ length: 6 }, (_, i) => index.search(READER, query(WORDS[(round + i) % WORDS.length]!)));
      await index.updateAccess('watched', { status: 'withdrawn', access: 'portal', city: 'tehran', sharedWith: [] });
      const afterWithdrawal = await index.search(READER, query('تخلیهٔ بیمارستان'));
      expect(afterWithdrawal.total, `round ${round}: withdrawn`).to.equal(0);
      expect(afterWithdrawal.facets.city, `round ${round}: no facet count either`).to.deep.equal({});
      await index.updateAccess('watched', { status: 'published', access: 'portal', city: 'tehran', sharedWith: [] });
      const afterRestore = await index.search(READER, query('تخلیهٔ بیمارستان'));
      expect(afterRestore.hits.map((hit) => hit.id), `round ${round}: published again`).to.deep.equal(['watched']);
      await Promise.all(busy);
    }
    expect(index.searchWorkersRunning).to.equal(2);
  });

  it('sees a new document, a changed one and a removed one at the next search, and the same answers as the portal thread', async function () {
    const pooled = await open(2);
    const inThread = await open(0);
    for (const index of [pooled, inThread]) await fill(index, 30);
    const compare = async (q: string, viewer: Viewer = SECRETARIAT) => {
      const [a, b] = await Promise.all([pooled.search(viewer, query(q)), inThread.search(viewer, query(q))]);
      expect(a, q).to.deep.equal(b);
      return a;
    };
    for (const q of ['زلزله', 'سیلاب پناهگاه', '"مانور آموزش"', 'گسل -خطر', 'زلزلع', 'پناه']) await compare(q);
    for (const index of [pooled, inThread]) await index.upsert(buildDocument('fresh', ['واژهٔ تازه‌ای به نام کاریز'], { status: 'published' }));
    expect((await compare('کاریز', READER)).total).to.equal(1);
    for (const index of [pooled, inThread]) await index.upsert(buildDocument('fresh', ['اکنون درباره قنات است'], { status: 'published' }));
    expect((await compare('کاریز', READER)).total).to.equal(0);
    expect((await compare('قنات', READER)).total).to.equal(1);
    for (const index of [pooled, inThread]) await index.remove('fresh');
    expect((await compare('قنات', READER)).total).to.equal(0);
    const [a, b] = await Promise.all([pooled.related(READER, 'doc-3', 5), inThread.related(READER, 'doc-3', 5)]);
    expect(a).to.deep.equal(b);
    expect(a.length).to.be.greaterThan(0);
  });

  it('gives synonym groups to the workers already running before any later search', async function () {
    const index = await open(2);
    await index.upsert(buildDocument('qanat', ['مرمت کاریزهای کهن شهر'], { status: 'published' }));
    await Promise.all(Array.from({ length: 4 }, () => index.search(READER, query('قنات'))));
    expect(index.searchWorkersRunning).to.equal(2);
    expect((await index.search(READER, query('قنات'))).total).to.equal(0);
    await index.setSynonyms([['قنات', 'کاریز']]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => index.search(READER, query('قنات'))));
    for (const answer of answers) expect(answer.hits.map((hit) => hit.id)).to.deep.equal(['qanat']);
  });

  it('leaves the calling thread free while searches are answered (the portal thread is held up by each search without workers)', async function () {
    const pooled = await open(2);
    const inThread = await open(0);
    for (const index of [pooled, inThread]) await fill(index, 150);
    const heldUp = async (index: FtsSearchIndex) => {
      await index.search(SECRETARIAT, query('زلزله سیلاب'));
      const started = performance.now();
      const answers = Array.from({ length: 12 }, (_, i) => index.search(SECRETARIAT, query(`${WORDS[i % WORDS.length]} ${WORDS[(i + 5) % WORDS.length]}`)));
      const returned = performance.now() - started;
      await Promise.all(answers);
      return { returned, answered: performance.now() - started };
    };
    const withoutWorkers = await heldUp(inThread);
    const withWorkers = await heldUp(pooled);
    expect(withoutWorkers.returned / withoutWorkers.answered, 'without workers every search runs before the call returns').to.be.greaterThan(0.8);
    expect(withWorkers.returned / withWorkers.answered, 'with workers the calls return at once').to.be.lessThan(0.2);
  });

  it('runs its workers at a lower priority than the portal thread, which streams files and answers requests', async function () {
    if (process.platform !== 'linux') this.skip();
    const niceOf = (thread: string): number => {
      const stat = fs.readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const threadsBefore = new Set(fs.readdirSync('/proc/self/task'));
    const index = await open(2);
    await fill(index, 10);
    await Promise.all(Array.from({ length: 6 }, () => index.search(READER, query('زلزله'))));
    expect(index.searchWorkersRunning).to.equal(2);
    const lowered = fs.readdirSync('/proc/self/task').filter((thread) => !threadsBefore.has(thread) && niceOf(thread) === os.getPriority() + SEARCH_WORKER_NICENESS);
    expect(lowered, 'the two search threads').to.have.length(2);
    expect(niceOf(String(process.pid)), 'the portal thread keeps its priority').to.equal(os.getPriority());
  });

  it('refuses searches after close, and says why a worker could not open the index instead of waiting', async function () {
    const index = await open(2);
    await index.upsert(buildDocument('one', ['متن'], { status: 'published' }));
    await index.close();
    let closedError: Error | undefined;
    await index.search(READER, query('متن')).catch((error: Error) => (closedError = error));
    expect(closedError?.message).to.match(/closed/);

    const missing = new FtsSearchIndex(path.join(dir, 'never-laid-out.sqlite'), { searchWorkers: 1 });
    let openError: Error | undefined;
    await missing.search(READER, query('متن')).catch((error: Error) => (openError = error));
    expect(openError?.message).to.match(/unable to open|does not exist|SQLITE_CANTOPEN/i);
    await missing.close();
  });

  it('is configured by SEARCH_WORKERS: up to four by default (one per core), 0 for none, at most 16', function () {
    const workers = (value?: string) => {
      const config = loadConfig({ DATA_DIR: dir, ...(value === undefined ? {} : { SEARCH_WORKERS: value }) });
      return config.search.SEARCH === 'sqlite' ? config.search.SEARCH_WORKERS : null;
    };
    expect(workers()).to.equal(Math.min(4, os.availableParallelism()));
    expect(workers('0')).to.equal(0);
    expect(workers('3')).to.equal(3);
    expect(() => workers('17')).to.throw(/SEARCH_WORKERS/);
    expect(() => workers('two')).to.throw(/SEARCH_WORKERS/);
  });
});
