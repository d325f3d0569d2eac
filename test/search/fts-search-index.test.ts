import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { FtsSearchIndex, withinOneEdit } from '../../search/fts-search-index';
import type { SearchQuery, Viewer } from '../../search/search-index';
import { buildDocument, describeSearchIndex } from './search-index.contract';

const SECRETARIAT: Viewer = { role: 'secretariat', city: null };
const query = (q: string, overrides: Partial<SearchQuery> = {}): SearchQuery => ({ q, filters: {}, sort: 'relevance', page: 1, perPage: 50, ...overrides });

describe('FtsSearchIndex', function () {
  describeSearchIndex('sqlite (in memory)', async () => {
    const index = new FtsSearchIndex(':memory:');
    return { index, cleanup: async () => index.close() };
  });

  describe('in a file', function () {
    let dir: string;
    let file: string;

    beforeEach(async function () {
      dir = await mkdtemp(path.join(os.tmpdir(), 'tajrobe-fts-'));
      file = path.join(dir, 'nested', 'search.sqlite');
    });

    afterEach(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps the index across a reopen, in WAL mode', async function () {
      const first = new FtsSearchIndex(file);
      await first.init();
      await first.upsert(buildDocument('kept', ['سند ماندگار'], { title: 'پایداری' }));
      first.close();
      const second = new FtsSearchIndex(file);
      await second.init();
      await second.init();
      const result = await second.search(SECRETARIAT, query('ماندگار'));
      expect(result.hits.map((h) => h.id)).to.deep.equal(['kept']);
      expect(result.hits[0]!.page).to.equal(1);
      second.close();
    });

    it('fails ping and search before init', async function () {
      const index = new FtsSearchIndex(file);
      try {
        await index.ping();
        expect.fail('ping resolved before init');
      } catch (error) {
        expect((error as Error).message).to.match(/before init/);
      }
    });
  });

  describe('what this engine does beyond the contract', function () {
    const index = new FtsSearchIndex(':memory:');

    before(async function () {
      await index.init();
      await index.upsert(buildDocument('mixed', ['مقدمه و فهرست', 'برگزاری مانور در مدارس شهر'], { title: 'ایمنی زلزله' }));
      await index.upsert(buildDocument('typo', ['پیشگیری از حریق در انبارها'], { title: 'انبارها' }));
      await index.upsert(buildDocument('compound', ['ساختمان‌های بلندمرتبه و کلانشهر'], { title: 'برج‌ها' }));
      await index.upsert(buildDocument('gone', ['ژئوفیزیک زمین'], { title: 'حذف‌شدنی' }));
    });

    after(function () {
      index.close();
    });

    it('finds a query whose words are partly in the title and partly on a page, with that page', async function () {
      const result = await index.search(SECRETARIAT, query('زلزله مانور'));
      expect(result.hits.map((h) => h.id)).to.deep.equal(['mixed']);
      expect(result.hits[0]!.page).to.equal(2);
      expect(result.hits[0]!.snippet).to.include('<mark>مانور</mark>');
    });

    it('finds a one-letter typo and says which word it used', async function () {
      for (const typo of ['پیشگیزی', 'پیشگری', 'پیشگییری', 'پیشیگری']) {
        const result = await index.search(SECRETARIAT, query(typo));
        expect(result.hits.map((h) => h.id), typo).to.deep.equal(['typo']);
        expect(result.didYouMean, typo).to.equal('پیشگیری');
        expect(result.hits[0]!.snippet).to.include('<mark>پیشگیری</mark>');
      }
    });

    it('corrects only the misspelt word of a longer query', async function () {
      const result = await index.search(SECRETARIAT, query('پیشگیزی حریق'));
      expect(result.hits.map((h) => h.id)).to.deep.equal(['typo']);
      expect(result.didYouMean).to.equal('پیشگیری حریق');
    });

    it('does not correct a word of four letters or fewer, nor numbers', async function () {
      expect((await index.search(SECRETARIAT, query('حرقی'))).total).to.equal(0);
      expect((await index.search(SECRETARIAT, query('13911'))).didYouMean).to.equal(undefined);
    });

    it('offers a visible correction when nothing is found, even for a word the index knows', async function () {
      await index.upsert(buildDocument('hidden', ['پیشگیرا'], { status: 'draft', city: 'mashhad' }));
      const reader: Viewer = { role: 'reader', city: null };
      const result = await index.search(reader, query('پیشگیرا'));
      expect(result.total).to.equal(0);
      expect(result.didYouMean).to.equal('پیشگیری');
      expect((await index.search(SECRETARIAT, query('پیشگیرا'))).didYouMean).to.equal(undefined);
      const filtered = await index.search(SECRETARIAT, query('انبارها', { filters: { city: ['tabriz'] } }));
      expect(filtered.total).to.equal(0);
      expect(filtered.didYouMean).to.equal(undefined);
      await index.remove('hidden');
    });

    it('splits a compound typed without a space into indexed words', async function () {
      const result = await index.search(SECRETARIAT, query('ساختمانهای'));
      expect(result.hits.map((h) => h.id)).to.deep.equal(['compound']);
      const split = await index.search(SECRETARIAT, query('بلندمرتبهو'));
      expect(split.hits.map((h) => h.id)).to.deep.equal(['compound']);
    });

    it('forgets the words of a removed document', async function () {
      expect((await index.search(SECRETARIAT, query('ژئوفیزیگ'))).didYouMean).to.equal('ژیوفیزیک');
      await index.remove('gone');
      const result = await index.search(SECRETARIAT, query('ژئوفیزیگ'));
      expect(result.total).to.equal(0);
      expect(result.didYouMean).to.equal(undefined);
    });

    it('gives a 500-page document all its pages quickly enough', async function () {
      const pages = Array.from({ length: 500 }, (_, i) => `صفحه شماره ${i + 1} از گزارش بلند درباره مدیریت بحران و آمادگی شهری ${'متن '.repeat(200)}`);
      const started = Date.now();
      await index.upsert(buildDocument('big', pages, { title: 'گزارش بلند' }));
      const upsertMs = Date.now() - started;
      expect(upsertMs).to.be.lessThan(15_000);
      const result = await index.search(SECRETARIAT, query('500'));
      expect(result.hits.map((h) => [h.id, h.page])).to.deep.equal([['big', 500]]);
      await index.upsert(buildDocument('big', pages.slice(0, 10), { title: 'گزارش بلند' }));
      expect((await index.search(SECRETARIAT, query('500'))).total).to.equal(0);
    });
  });

  describe('withinOneEdit', function () {
    const cases: [string, string, boolean][] = [
      ['پیشگیری', 'پیشگیری', true],
      ['پیشگیزی', 'پیشگیری', true],
      ['پیشگری', 'پیشگیری', true],
      ['پیشگییری', 'پیشگیری', true],
      ['پیشیگری', 'پیشگیری', true],
      ['پیشگیر', 'پیشگیری', true],
      ['یشگیری', 'پیشگیری', true],
      ['پیگشری', 'پیشگیری', false],
      ['پیشگ', 'پیشگیری', false],
      ['abcd', 'abdc', true],
      ['abcd', 'badc', false],
      ['a😀c', 'abc', true],
    ];
    for (const [a, b, expected] of cases) {
      it(`${a} ~ ${b}: ${expected}`, function () {
        expect(withinOneEdit(a, b)).to.equal(expected);
        expect(withinOneEdit(b, a)).to.equal(expected);
      });
    }
  });
});
