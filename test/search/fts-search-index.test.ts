import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { FtsSearchIndex, withinOneEdit } from '../../search/fts-search-index';
import { basicPatterns, snippet, type Pattern } from '../../search/snippet';
import type { SearchQuery, Viewer } from '../../search/search-index';
import { buildDocument, describeSearchIndex } from './search-index.contract';

const SECRETARIAT: Viewer = { role: 'secretariat', city: null };
const READER: Viewer = { role: 'reader', city: null };
const query = (q: string, overrides: Partial<SearchQuery> = {}): SearchQuery => ({ q, filters: {}, sort: 'relevance', page: 1, perPage: 50, ...overrides });

describe('FtsSearchIndex', function () {
  describeSearchIndex('sqlite (in memory)', async () => {
    const index = new FtsSearchIndex(':memory:');
    return { index, cleanup: async () => index.close() };
  });

  describeSearchIndex('sqlite, every query too dense to weigh its pages with bm25', async () => {
    const index = new FtsSearchIndex(':memory:', { bm25PageLimit: 0 });
    return { index, cleanup: async () => index.close() };
  });

  describeSearchIndex('sqlite, every query too dense even to list its page rows', async () => {
    const index = new FtsSearchIndex(':memory:', { bm25PageLimit: 0, densePageRows: 0 });
    return { index, cleanup: async () => index.close() };
  });

  describeSearchIndex('sqlite in a file, searched by two worker threads on read-only connections', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tajrobe-fts-pool-'));
    const index = new FtsSearchIndex(path.join(dir, 'search.sqlite'), { searchWorkers: 2 });
    return {
      index,
      cleanup: async () => {
        expect(index.searchWorkersRunning, 'the searches ran in the workers').to.be.greaterThan(0);
        await index.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
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

    it('drops an index file of another layout version and starts empty (the index is derived data)', async function () {
      const first = new FtsSearchIndex(file);
      await first.init();
      await first.upsert(buildDocument('old', ['سند قدیمی']));
      first.close();
      const raw = new Database(file);
      raw.pragma('user_version = 999');
      raw.close();
      const second = new FtsSearchIndex(file);
      await second.init();
      expect((await second.search(SECRETARIAT, query(''))).total).to.equal(0);
      await second.upsert(buildDocument('new', ['سند تازه']));
      expect((await second.search(SECRETARIAT, query('تازه'))).total).to.equal(1);
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

    it('finds a document whose query words are on different pages, at the page with most of them first', async function () {
      await index.upsert(buildDocument('spread', ['گزارش پهنه‌بندی گسل', 'متن دیگری درباره آتش‌نشانی', 'پهنه‌بندی و آتش‌نشانی با هم']));
      await index.upsert(buildDocument('apart', ['فقط گسل', 'فقط آتش‌نشانی']));
      const together = await index.search(SECRETARIAT, query('پهنه‌بندی آتش‌نشانی'));
      expect(together.hits.map((h) => h.id)).to.include('spread');
      expect(together.hits.find((h) => h.id === 'spread')!.page).to.equal(3);
      const apart = await index.search(SECRETARIAT, query('گسل آتش‌نشانی'));
      expect(apart.hits.map((h) => h.id)).to.include('apart');
      expect(apart.hits.find((h) => h.id === 'apart')!.page).to.be.oneOf([1, 2]);
    });

    it('sees a write made through another connection to the same file at the next query', async function () {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'tajrobe-fts-two-'));
      const file = path.join(dir, 'search.sqlite');
      const portal = new FtsSearchIndex(file);
      const reindexer = new FtsSearchIndex(file);
      try {
        await portal.init();
        await reindexer.init();
        expect((await portal.search(SECRETARIAT, query(''))).total).to.equal(0);
        await reindexer.upsert(buildDocument('from-elsewhere', ['نوشته‌ای از فرایندی دیگر'], { status: 'published' }));
        const found = await portal.search(READER, query('فرایندی'));
        expect(found.hits.map((h) => h.id)).to.deep.equal(['from-elsewhere']);
        await reindexer.updateAccess('from-elsewhere', { status: 'withdrawn', access: 'portal', city: 'tehran', sharedWith: [] });
        expect((await portal.search(READER, query('فرایندی'))).total).to.equal(0);
        expect((await portal.search(SECRETARIAT, query(''))).facets.city).to.deep.equal({});
      } finally {
        await portal.close();
        await reindexer.close();
        await rm(dir, { recursive: true, force: true });
      }
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

    it('suggests nothing for a word the index knows, even when only documents the viewer may not see have it', async function () {
      await index.upsert(buildDocument('hidden', ['پیشگیرا'], { status: 'draft', city: 'mashhad' }));
      const reader: Viewer = { role: 'reader', city: null };
      const result = await index.search(reader, query('پیشگیرا'));
      expect(result.total).to.equal(0);
      expect(result.didYouMean).to.equal(undefined);
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

    it('applies writes in call order, even when a long upsert is still normalizing', async function () {
      const pages = Array.from({ length: 120 }, (_, i) => `صفحه ${i + 1} ترتیب نوشتن`);
      const upsert = index.upsert(buildDocument('ordered', pages, { status: 'draft' }));
      const access = index.updateAccess('ordered', { status: 'published', access: 'portal', sharedWith: [], city: 'tehran' });
      const removal = index.remove('ordered');
      const again = index.upsert(buildDocument('ordered-2', ['ترتیب دوم']));
      await Promise.all([upsert, access, removal, again]);
      expect((await index.search(SECRETARIAT, query('ترتیب'))).hits.map((h) => h.id)).to.deep.equal(['ordered-2']);
    });

    it('takes a last token of one letter as a whole word, not a prefix', async function () {
      await index.upsert(buildDocument('one-letter', ['مانور ب و ج']));
      expect((await index.search(SECRETARIAT, query('مانور ب'))).hits.map((h) => h.id)).to.have.members(['one-letter']);
      // «م» as a prefix would match «مانور» itself: the query would not have to be relaxed to «مانور» alone.
      expect((await index.search(SECRETARIAT, query('مانور م'))).relaxed).to.equal(true);
      await index.remove('one-letter');
    });

    it('searches a prefix with many completions as a prefix', async function () {
      const words = ['سازمان', 'سازه', 'سازنده', 'سازگار', 'سازش', 'سازمانی', 'سازوکار', 'سازماندهی', 'سازندگی', 'سازها'];
      for (const [i, word] of words.entries()) await index.upsert(buildDocument(`prefix-${i}`, [`متن ${word} است`]));
      const result = await index.search(SECRETARIAT, query('ساز'));
      expect(result.hits.map((h) => h.id)).to.have.members(words.map((_, i) => `prefix-${i}`));
      for (const hit of result.hits) expect(hit.snippet).to.match(/<mark>ساز[^<]*<\/mark>/);
      for (const [i] of words.entries()) await index.remove(`prefix-${i}`);
    });

    it('binds filter values, never splicing them into SQL', async function () {
      for (const value of ["tehran' OR 1=1 --", 'tehran") OR ("1"="1', '%']) {
        const result = await index.search(SECRETARIAT, query('', { filters: { city: [value] } }));
        expect(result.total, value).to.equal(0);
      }
      expect((await index.search(SECRETARIAT, query('', { filters: { city: ['tehran'] } }))).total).to.be.greaterThan(0);
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

  describe('snippet (search/snippet.ts)', function () {
    const marks = (html: string): string[] => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]!);

    it('marks every match in the original text, HTML-escaped', function () {
      const cut = snippet('<b>کِتابِ</b> & كتاب‌ها', basicPatterns(['کتاب']));
      expect(cut.matched).to.equal(true);
      expect(cut.html).to.equal('&lt;b&gt;<mark>کِتابِ</mark>&lt;/b&gt; &amp; <mark>كتاب‌ها</mark>');
    });

    it('marks a two-word pattern as one span, and a prefix as the whole word', function () {
      const patterns: Pattern[] = [{ words: ['کلان', 'شهر'], prefix: true }];
      expect(marks(snippet('در کلان شهرداری و کلان شهر ما', patterns).html)).to.deep.equal(['کلان شهرداری', 'کلان شهر']);
    });

    it('finds a joined query word across a ZWNJ and a part of a compound', function () {
      expect(marks(snippet('این کار می‌شود', basicPatterns(['میشود'])).html)).to.deep.equal(['می‌شود']);
      expect(marks(snippet('این کار می‌شود', basicPatterns(['شود'])).html)).to.deep.equal(['شود']);
    });

    it('cuts about 200 characters around the densest place, at spaces, with ellipses', function () {
      const words = Array.from({ length: 200 }, (_, i) => `واژه${i}`);
      words[120] = 'هدف';
      words[125] = 'هدف';
      words[20] = 'هدف';
      const text = words.join(' ');
      const cut = snippet(text, basicPatterns(['هدف']));
      expect(cut.html.startsWith('… ')).to.equal(true);
      expect(cut.html.endsWith(' …')).to.equal(true);
      expect(marks(cut.html)).to.deep.equal(['هدف', 'هدف']);
      const plain = cut.html.replace(/<\/?mark>/g, '').replace(/^… | …$/g, '');
      expect(plain.length).to.be.within(150, 240);
      expect(text).to.include(plain);
      for (const piece of plain.split(' ')) expect(words).to.include(piece);
    });

    it('never cuts a surrogate pair when there is no space to cut at', function () {
      const text = `x${'😀'.repeat(150)}هدف${'😀'.repeat(150)}`;
      const cut = snippet(text, basicPatterns(['هدف']));
      const plain = cut.html.replace(/<\/?mark>/g, '').replace(/^… | …$/g, '');
      expect(plain).not.to.match(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expect(marks(cut.html)).to.deep.equal(['هدف']);
    });

    it('without a match, gives the start of the text', function () {
      const cut = snippet('آغاز متن و ادامه', basicPatterns(['هیچ']));
      expect(cut).to.deep.equal({ html: 'آغاز متن و ادامه', matched: false, found: new Set() });
    });

    it('says which patterns the text has, by key, prefixes included', function () {
      const patterns: Pattern[] = [
        { words: ['کلان', 'شهر'], prefix: false },
        { words: ['همگا'], prefix: true },
        { words: ['غایب'], prefix: false },
      ];
      expect(snippet('در هر کلان‌شهر آموزش همگانی', patterns).found).to.deep.equal(new Set(['کلان شهر', 'همگا*']));
    });

    it('takes a one-letter last token as a whole word', function () {
      expect(basicPatterns(['کتاب', 'م'])).to.deep.include({ words: ['م'], prefix: false });
      expect(basicPatterns(['کتاب', 'م'])).to.deep.include({ words: ['کتابم'], prefix: true });
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
