import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { MeilisearchSearchIndex } from '../../search/meilisearch-search-index';
import { joinedForm, wordsOf, splitForm } from '../../search/persian';
import type { IndexedDocument, SearchQuery, Viewer } from '../../search/search-index';
import { MeiliStandIn, meiliError, searchResponse, type RecordedRequest } from '../helpers/meili-stand-in';

/**
 * What the Meilisearch adapter sends and how it reads the answers, checked against a local stand-in
 * that answers in the documented shapes. What only a real Meilisearch can show (ranking, Persian
 * tokenization, typo tolerance, that facet counts really are per document) is the contract suite's,
 * in meilisearch-contract.test.ts, run when MEILI_URL is set.
 */

const INDEX = 'tajrobe-docs';
const API_KEY = 'test-master-key';
/** The most words a chunk may hold: far below Meilisearch's 65,535 positions per attribute, at 8 per word. */
const SAFE_WORDS_PER_CHUNK = 3000;

interface ChunkBody {
  id: string;
  docId: string;
  generation: string;
  page: number | null;
  body: string;
  bodySplit: string;
  originalBody: string;
  [field: string]: unknown;
}

function doc(overrides: Partial<IndexedDocument> = {}): IndexedDocument {
  return {
    id: 'doc-1',
    title: 'گزارش كلان‌شهر تهران',
    summary: 'خلاصهٔ يك مطالعه',
    keywords: ['زلزله', 'مديريت‌بحران'],
    city: 'tehran',
    kind: 'threat-study',
    hazards: ['earthquake', 'fire'],
    year: 1391,
    resolutions: ['9/2'],
    fileType: 'pdf',
    status: 'published',
    access: 'restricted',
    sharedWith: ['mashhad'],
    updatedAt: '2024-03-01T10:00:00.000Z',
    pages: [
      { page: 1, text: 'يكي از كتاب‌هاي سال ۱۳۹۱ و ١٣٩١' },
      { page: 2, text: '   ' },
      { page: 3, text: 'کِتابِ مُفید' },
    ],
    labels: ['تهران', 'Tehran', 'مطالعهٔ خطر و تهدید', 'Threat study', 'زلزله', 'Earthquake', 'آتش‌سوزی', 'Fire'],
    ...overrides,
  };
}

function query(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return { q: '', filters: {}, sort: 'relevance', page: 1, perPage: 20, ...overrides };
}

function wordCount(text: string): number {
  return wordsOf(splitForm(text).text).length;
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('MeilisearchSearchIndex: the protocol, against a local stand-in', function () {
  let standIn: MeiliStandIn;
  let index: MeilisearchSearchIndex;

  before(async function () {
    standIn = await MeiliStandIn.start();
  });

  after(async function () {
    await standIn.close();
  });

  beforeEach(function () {
    standIn.reset();
    index = new MeilisearchSearchIndex({ url: standIn.url, apiKey: API_KEY, index: INDEX, taskPollMs: 1 });
  });

  const path = (suffix = '') => `/indexes/${INDEX}${suffix}`;
  const isTaskPoll = (r: RecordedRequest) => r.method === 'GET' && r.path.startsWith('/tasks/');
  const documentBatches = () => standIn.bodies('POST', path('/documents')) as ChunkBody[][];
  /**
   * The queries of the first multi-search request a search sends: the page first, then one per
   * filtered facet. (The stand-in finds nothing unless told, so a second one then looks for typos.)
   */
  const searchQueries = () => {
    expect(standIn.calls()[0]).to.equal('POST /multi-search');
    return (standIn.bodies('POST', '/multi-search')[0] as { queries: Record<string, unknown>[] }).queries;
  };
  const searchBody = () => searchQueries()[0]!;
  /** Every multi-search request, as its list of queries. */
  const multiSearches = () => (standIn.bodies('POST', '/multi-search') as { queries: Record<string, unknown>[] }[]).map((body) => body.queries);
  /** The first query of the first multi-search that matches every word (the page of hits, after any look-up of excluded words). */
  const mainSearch = () => multiSearches().find((queries) => queries[0]!.matchingStrategy === 'all')![0]!;

  /**
   * Every request that enqueued a task is followed by polls of that task until it is no longer
   * processing (writes sent together are polled together); and the method resolved only after the
   * last of them.
   */
  function expectEveryWriteAwaited(): void {
    const { requests } = standIn;
    let writes = 0;
    for (let i = 0; i < requests.length; i++) {
      const reply = requests[i]!.reply;
      if (reply?.status !== 202) continue;
      writes++;
      const taskUid = (reply.body as { taskUid: number }).taskUid;
      const polls = requests.slice(i + 1).filter((r) => r.path === `/tasks/${taskUid}`).map((r) => (r.reply!.body as { status: string }).status);
      expect(polls, `task ${taskUid} of ${requests[i]!.method} ${requests[i]!.path}`).to.deep.equal(['processing', 'succeeded']);
    }
    expect(writes).to.be.greaterThan(0);
    expect(isTaskPoll(requests.at(-1)!), 'the last request is the last poll').to.equal(true);
  }

  /**
   * The additions of one upsert are sent together; each task is polled until it succeeded, and the
   * deletion of the older chunks is sent only after every addition succeeded, and awaited too.
   */
  function expectDeletionAfterAdditions(): void {
    const { requests } = standIn;
    const deletion = requests.findIndex((r) => r.method === 'POST' && r.path === path('/documents/delete'));
    const additions = requests.flatMap((r, i) => (r.method === 'POST' && r.path === path('/documents') ? [i] : []));
    expect(additions.length).to.be.greaterThan(1);
    for (const i of additions) {
      const uid = (requests[i]!.reply!.body as { taskUid: number }).taskUid;
      const succeeded = requests.findIndex((r) => r.path === `/tasks/${uid}` && (r.reply!.body as { status: string }).status === 'succeeded');
      expect(succeeded, `task ${uid}`).to.be.within(i + 1, deletion - 1);
    }
    const deletionTask = (requests[deletion]!.reply!.body as { taskUid: number }).taskUid;
    expect((requests.at(-1)!.reply!.body as { uid: number; status: string })).to.include({ uid: deletionTask, status: 'succeeded' });
  }

  describe('init and ping', function () {
    it('creates the index and the words index with primary key id, then applies every setting, waiting for every task', async function () {
      await index.init();

      expect(standIn.calls()).to.deep.equal(['POST /indexes', `PATCH ${path('/settings')}`, 'POST /indexes', `PATCH ${path('-words/settings')}`]);
      expect(standIn.bodies('POST', '/indexes')).to.deep.equal([
        { uid: INDEX, primaryKey: 'id' },
        { uid: `${INDEX}-words`, primaryKey: 'id' },
      ]);
      const docWords = ['docWords', 'docWords2', 'docWords3', 'docWords4'];
      const forms = ['forms', 'forms2', 'forms3', 'forms4', 'forms5', 'forms6', 'forms7', 'forms8'];
      expect(standIn.bodies('PATCH', path('/settings'))).to.deep.equal([
        {
          searchableAttributes: ['title', 'titleSplit', 'keywords', 'keywordsSplit', 'summary', 'summarySplit', 'body', 'bodySplit', ...docWords, 'labels', 'stems', ...forms],
          filterableAttributes: ['docId', 'generation', 'wholeDocument', 'city', 'kind', 'hazards', 'year', 'resolutions', 'fileType', 'type', 'status', 'access', 'sharedWith'],
          sortableAttributes: ['updatedAt', 'pageOrder', 'wholeDocument'],
          distinctAttribute: 'docId',
          rankingRules: ['sort', 'words', 'typo', 'wholeDocument:asc', 'proximity', 'attributeRank', 'pageOrder:asc', 'exactness', 'updatedAt:desc'],
          // The typo rule is the adapter's (search/typos.ts): Meilisearch matches words as written.
          typoTolerance: { enabled: false },
          proximityPrecision: 'byWord',
          facetSearch: false,
          localizedAttributes: [{ locales: ['pes'], attributePatterns: ['*'] }],
          pagination: { maxTotalHits: 100_000 },
          faceting: { maxValuesPerFacet: 1000 },
        },
      ]);
      expect(standIn.bodies('PATCH', path('-words/settings'))).to.deep.equal([
        { searchableAttributes: ['word'], filterableAttributes: ['keys'], typoTolerance: { enabled: false }, facetSearch: false, pagination: { maxTotalHits: 100_000 } },
      ]);
      expectEveryWriteAwaited();
    });

    it('sends the API key as a bearer token on every request', async function () {
      await index.init();
      for (const request of standIn.requests) expect(request.headers.authorization).to.equal(`Bearer ${API_KEY}`);
    });

    it('asks for uncompressed answers on every request: a compressed answer, as Meilisearch writes it, stalls on a delayed ACK', async function () {
      standIn.compressAnswers = true;
      await index.init();
      await index.upsert(doc());
      await index.search({ role: 'reader', city: null }, query({ q: 'کتاب' }));
      expect(standIn.requests.length).to.be.greaterThan(4);
      for (const request of standIn.requests) expect(request.headers['accept-encoding'], `${request.method} ${request.path}`).to.equal('identity');
    });

    it('(the stand-in reproduces that stall: a client that accepts gzip waits for a delayed ACK on most answers)', async function () {
      standIn.compressAnswers = true;
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        const answer = await fetch(`${standIn.url}/health`, { headers: { 'accept-encoding': 'gzip, deflate' } });
        expect(await answer.json()).to.deep.equal({ status: 'available' });
        expect(answer.headers.get('content-encoding')).to.equal('gzip');
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      // A lower bound: load on the machine only makes answers slower.
      expect(times[3], times.map((t) => t.toFixed(1)).join(' ')).to.be.greaterThan(30);
    });

    it('accepts an index that already exists and still applies the settings', async function () {
      standIn.failNextTask('indexCreation', meiliError('index_already_exists', `Index \`${INDEX}\` already exists.`));
      await index.init();
      expect(standIn.calls()).to.deep.equal(['POST /indexes', `PATCH ${path('/settings')}`, 'POST /indexes', `PATCH ${path('-words/settings')}`]);
    });

    it('rejects when the settings task fails, with Meilisearch\'s message and the version it needs', async function () {
      standIn.failNextTask('settingsUpdate', meiliError('invalid_settings_ranking_rules', 'Unknown ranking rule `attributeRank`.'));
      const error = await rejectionOf(index.init());
      expect(error.message).to.include(`Meilisearch at ${standIn.url} refuses the settings of the index ${INDEX} (Meilisearch v1.36 or newer is needed)`);
      expect(error.message).to.include('Unknown ranking rule `attributeRank`.').and.to.include('invalid_settings_ranking_rules');
    });

    it('rejects when index creation fails for another reason', async function () {
      standIn.failNextTask('indexCreation', meiliError('invalid_index_uid', '`bad uid` is not a valid index uid.'));
      const error = await rejectionOf(index.init());
      expect(error.message).to.include('is not a valid index uid');
      expect(standIn.calls()).to.deep.equal(['POST /indexes']);
    });

    it('pings GET /health, and rejects naming the server when nothing answers', async function () {
      await index.ping();
      expect(standIn.calls()).to.deep.equal(['GET /health']);

      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const unreachable = new MeilisearchSearchIndex({ url, index: INDEX });
      for (const attempt of [unreachable.ping(), unreachable.init()]) {
        const error = await rejectionOf(attempt);
        expect(error.message).to.include(`Meilisearch at ${url}`).and.to.include('ECONNREFUSED');
      }
    });
  });

  describe('upsert', function () {
    it('sends one chunk for the whole document and one per page with text, every field pre-normalized in its joined and split forms', async function () {
      await index.upsert(doc());

      const batches = documentBatches();
      expect(batches).to.have.length(1);
      const chunks = batches[0]!;
      expect(chunks.map((c) => [c.id, c.page, c.pageOrder, c.wholeDocument, c.pageCount])).to.deep.equal([
        ['doc-1-doc', null, 0, 1, 2],
        ['doc-1-p1', 1, 1, 0, 2],
        ['doc-1-p3', 3, 3, 0, 2],
      ]);
      const [whole, first, second] = chunks;
      // The whole-document chunk: the heading, the summary, every distinct word of every page, and the other forms of its words.
      expect(whole).to.include({ summary: 'خلاصه یک مطالعه', summarySplit: 'خلاصه یک مطالعه', originalSummary: 'خلاصهٔ يك مطالعه', originalBody: '', title: 'گزارش کلانشهر تهران' });
      expect(whole!.body).to.equal(undefined);
      expect(whole!.docWords).to.include.members(['یکی', 'کتابهای', 'کتاب', 'های', '1391', 'مفید']);
      expect(whole!.forms as string[]).to.include('کتابها').and.not.to.include('کتابهای');
      // Pages: the text and the stems of its words that differ from them; no summary (the whole-document chunk has it).
      expect(first!.summary).to.equal(undefined);
      expect(first!.stems).to.be.an('array');
      expect(first).to.include({
        docId: 'doc-1',
        body: 'یکی از کتابهای سال 1391 و 1391',
        bodySplit: 'یکی از کتاب های سال 1391 و 1391',
        originalBody: 'يكي از كتاب‌هاي سال ۱۳۹۱ و ١٣٩١',
        title: 'گزارش کلانشهر تهران',
        titleSplit: 'گزارش کلان شهر تهران',
        originalTitle: 'گزارش كلان‌شهر تهران',
        originalSummary: 'خلاصهٔ يك مطالعه',
        city: 'tehran',
        kind: 'threat-study',
        year: 1391,
        fileType: 'pdf',
        status: 'published',
        access: 'restricted',
        updatedAt: Date.parse('2024-03-01T10:00:00.000Z'),
      });
      expect(first!.keywords).to.deep.equal(['زلزله', 'مدیریتبحران']);
      expect(first!.keywordsSplit).to.deep.equal(['زلزله', 'مدیریت بحران']);
      expect(first!.hazards).to.deep.equal(['earthquake', 'fire']);
      expect(first!.resolutions).to.deep.equal(['9/2']);
      expect(first!.sharedWith).to.deep.equal(['mashhad']);
      expect(second).to.include({ body: 'کتاب مفید', bodySplit: 'کتاب مفید', originalBody: 'کِتابِ مُفید' });

      for (const chunk of chunks) {
        for (const field of ['title', 'titleSplit', 'summary', 'summarySplit', 'body', 'bodySplit']) {
          expect((chunk[field] as string | undefined) ?? '', `${chunk.id}.${field}`).not.to.match(/[يكۀ\u200c\u064b-\u065f۰-۹٠-٩]/);
        }
        for (const field of ['docWords', 'forms', 'stems']) {
          expect(((chunk[field] as string[] | undefined) ?? []).join(' '), `${chunk.id}.${field}`).not.to.match(/[يكۀ\u200c\u064b-\u065f۰-۹٠-٩]/);
        }
      }
    });

    it('adds the new chunks and the words not sent before, then deletes the document\'s chunks of any other generation, waiting each time', async function () {
      await index.upsert(doc());

      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents')}`, `POST ${path('-words/documents')}`, `POST ${path('/documents/delete')}`]);
      const chunks = documentBatches()[0]!;
      const generation = chunks[0]!.generation;
      expect(generation).to.be.a('string').and.not.equal('');
      for (const chunk of chunks) expect(chunk.generation).to.equal(generation);
      expect(standIn.bodies('POST', path('/documents/delete'))).to.deep.equal([{ filter: `docId = "doc-1" AND generation != "${generation}"` }]);
      expectEveryWriteAwaited();

      standIn.reset();
      await index.upsert(doc());
      expect(documentBatches()[0]![0]!.generation, 'a new generation on every upsert').not.to.equal(generation);
      expect(standIn.calls(), 'its words were sent already').to.deep.equal([`POST ${path('/documents')}`, `POST ${path('/documents/delete')}`]);
    });

    it('sends each word of 5+ letters a document has as written once, with the hashes of its one-letter deletions', async function () {
      await index.upsert(doc({ pages: [{ page: 1, text: 'كتاب‌هاي مفید در سال ۱۳۹۱ و دیگری' }] }));
      const entries = standIn.bodies('POST', path('-words/documents'))[0] as { id: string; word: string; keys: number[] }[];
      const words = entries.map((entry) => entry.word);
      expect(words).to.include.members(['کتابهای', 'دیگری', 'گزارش', 'مطالعه', 'کلانشهر']);
      // Shorter words, numbers, and the other forms of words are not corrected to.
      expect(words).not.to.include.members(['مفید', 'کتاب', 'های', '1391', 'کتابها']);
      for (const entry of entries) {
        expect(entry.id).to.match(/^[0-9a-f]{32}$/);
        expect(entry.keys).to.have.length.within(2, [...entry.word].length + 1);
      }
      const kitab = entries.find((entry) => entry.word === 'کتابهای')!;
      const other = entries.find((entry) => entry.word === 'دیگری')!;
      expect(kitab.keys.filter((key) => other.keys.includes(key))).to.deep.equal([]);
    });

    it('cuts a long page into chunks of at most a safe number of words, losing nothing', async function () {
      const words = Array.from({ length: 7_000 }, (_, i) => (i % 2 ? `كلمه${i}` : `word${i}`));
      // Spaces, and every fiftieth word a full stop and a line break, as extracted text has.
      const text = words.map((w, i) => (i % 50 === 49 ? `${w}.\n` : `${w} `)).join('');
      await index.upsert(doc({ pages: [{ page: 4, text }] }));

      const chunks = documentBatches().flat();
      expect(chunks.map((c) => [c.id, c.page])).to.deep.equal([
        ['doc-1-doc', null],
        ['doc-1-p4', 4],
        ['doc-1-p4-2', 4],
        ['doc-1-p4-3', 4],
      ]);
      // Every distinct word of the document, one per element, spread over attributes of at most 8,000 words.
      expect((chunks[0]!.docWords as string[]).length + (chunks[0]!.docWords2 as string[] | undefined ?? []).length).to.equal(7_000);
      expect(chunks[0]!.docWords as string[]).to.have.length.at.most(8_000);
      chunks.shift();
      for (const chunk of chunks) {
        expect(wordCount(chunk.originalBody)).to.be.at.most(SAFE_WORDS_PER_CHUNK);
        expect(wordsOf(chunk.bodySplit)).to.have.length.at.most(SAFE_WORDS_PER_CHUNK);
      }
      expect(chunks.map((c) => c.originalBody).join('')).to.equal(text);
      expect(chunks.reduce((n, c) => n + wordCount(c.originalBody), 0)).to.equal(7_000);
    });

    it('sends a document without text as its whole-document chunk alone, with no page', async function () {
      await index.upsert(doc({ pages: [] }));
      const chunks = documentBatches().flat();
      expect(chunks.map((c) => [c.id, c.page, c.pageOrder, c.wholeDocument, c.pageCount, c.originalBody])).to.deep.equal([['doc-1-doc', null, 0, 1, 0, '']]);
      expect(chunks[0]).to.include({ title: 'گزارش کلانشهر تهران', summary: 'خلاصه یک مطالعه', docId: 'doc-1' });
    });

    it('sends a lesson as its whole-document chunk alone, of type lesson, its texts as the summary, with neither kind nor file type', async function () {
      await index.upsert(doc({ id: 'lesson-1', type: 'lesson', title: 'درس آبگرفتگی', summary: 'مشاهده: آب‌گرفتگي زیرگذر\n\nتوصیه: لایروبی', kind: '', fileType: '', keywords: [], pages: [] }));
      const chunks = documentBatches().flat();
      expect(chunks).to.have.length(1);
      expect(chunks[0]).to.include({ id: 'lesson-1-doc', docId: 'lesson-1', type: 'lesson', page: null, wholeDocument: 1, summary: 'مشاهده: ابگرفتگی زیرگذر\n\nتوصیه: لایروبی', city: 'tehran' });
      expect(chunks[0]).not.to.have.any.keys('kind', 'fileType');
      await index.upsert(doc());
      expect(documentBatches().at(-1)!.every((c) => c.type === 'document' && c.kind === 'threat-study' && c.fileType === 'pdf'), 'a document says it is one').to.equal(true);
    });

    it('sends a large document in several requests together, and deletes the older chunks only once every addition is in', async function () {
      const pages = Array.from({ length: 4_500 }, (_, i) => ({ page: i + 1, text: `صفحه ${i + 1}` }));
      await index.upsert(doc({ pages }));
      expect(documentBatches().map((b) => b.length).sort((a, b) => b - a)).to.deep.equal([2000, 2000, 501]);
      const sent = documentBatches().flat();
      expect(sent.filter((c) => c.page === null).map((c) => c.id)).to.deep.equal(['doc-1-doc']);
      expect(sent.flatMap((c) => (c.page === null ? [] : [c.page])).sort((a, b) => a - b)).to.deep.equal(pages.map((p) => p.page));
      expect(standIn.calls().at(-1)).to.equal(`POST ${path('/documents/delete')}`);
      expectDeletionAfterAdditions();
    });

    it('gives ids Meilisearch accepts to documents whose id it would not', async function () {
      await index.upsert(doc({ id: 'سند/۱ "x"' }));
      const chunks = documentBatches().flat();
      for (const chunk of chunks) expect(chunk.id).to.match(/^[A-Za-z0-9_-]+$/);
      expect(chunks[0]!.docId).to.equal('سند/۱ "x"');
      expect(standIn.bodies('POST', path('/documents/delete'))[0]).to.have.property('filter').that.match(/^docId = "سند\/۱ \\"x\\"" AND /);
    });

    it('rejects with Meilisearch\'s message when a batch fails, and keeps the older chunks: only the new generation is taken out again', async function () {
      standIn.failNextTask('documentAdditionOrUpdate', meiliError('invalid_document_fields', 'The document has too many fields.'));
      const error = await rejectionOf(index.upsert(doc()));
      expect(error.message).to.include('The document has too many fields.');
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents')}`, `POST ${path('-words/documents')}`, `POST ${path('/documents/delete')}`]);
      const generation = documentBatches()[0]![0]!.generation;
      expect(standIn.bodies('POST', path('/documents/delete'))).to.deep.equal([{ filter: `generation = "${generation}"` }]);
    });
  });

  describe('batching writes', function () {
    it('sends the documents upserted together as one addition and one deletion of their older chunks', async function () {
      await Promise.all([index.upsert(doc({ id: 'a' })), index.upsert(doc({ id: 'b' })), index.upsert(doc({ id: 'c', pages: [] }))]);
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents')}`, `POST ${path('-words/documents')}`, `POST ${path('/documents/delete')}`]);
      const chunks = documentBatches()[0]!;
      expect(chunks.map((c) => c.id)).to.deep.equal(['a-doc', 'a-p1', 'a-p3', 'b-doc', 'b-p1', 'b-p3', 'c-doc']);
      expect(new Set(chunks.map((c) => c.generation)).size).to.equal(1);
      expect(standIn.bodies('POST', path('/documents/delete'))).to.deep.equal([{ filter: `docId IN ["a", "b", "c"] AND generation != "${chunks[0]!.generation}"` }]);
      expectEveryWriteAwaited();
    });

    it('gathers the upserts asked for while a batch is with the engine into the next batch', async function () {
      standIn.pollsBeforeDone = 3;
      const first = index.upsert(doc({ id: 'first' }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = ['x', 'y', 'z'].map((id) => index.upsert(doc({ id })));
      await Promise.all([first, ...later]);
      expect(documentBatches().map((batch) => [...new Set(batch.map((c) => c.docId))])).to.deep.equal([['first'], ['x', 'y', 'z']]);
    });

    it('keeps the order of writes of different kinds: a removal asked after an upsert is sent after it', async function () {
      await Promise.all([index.upsert(doc({ id: 'a' })), index.remove('a'), index.upsert(doc({ id: 'b' }))]);
      expect(standIn.calls()).to.deep.equal([
        `POST ${path('/documents')}`,
        `POST ${path('-words/documents')}`,
        `POST ${path('/documents/delete')}`,
        `POST ${path('/documents/delete')}`,
        `POST ${path('/documents')}`,
        `POST ${path('/documents/delete')}`,
      ]);
      expect((standIn.bodies('POST', path('/documents/delete'))[1] as { filter: string }).filter).to.equal('docId = "a"');
    });

    it('sends a refused batch again one document at a time, so only the document the engine refuses fails', async function () {
      standIn.failNextTask('documentAdditionOrUpdate', meiliError('invalid_document_fields', 'The batch has a bad document.'));
      standIn.on('POST', /\/documents$/, (req) => {
        const chunks = req.body as ChunkBody[];
        return chunks.every((c) => c.docId === 'bad') ? { status: 400, body: meiliError('invalid_document_id', 'A bad document.') } : undefined;
      });
      const results = await Promise.allSettled([index.upsert(doc({ id: 'good' })), index.upsert(doc({ id: 'bad' })), index.upsert(doc({ id: 'fine' }))]);
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
      expect(((results[1] as PromiseRejectedResult).reason as Error).message).to.include('A bad document.');
      expect(documentBatches().map((batch) => [...new Set(batch.map((c) => c.docId))])).to.deep.equal([['good', 'bad', 'fine'], ['good'], ['bad'], ['fine']]);
    });

    it('updates the access of documents changed together with one look-up of their chunks and one update', async function () {
      standIn.on('POST', /\/documents\/fetch$/, () => ({
        status: 200,
        body: { results: [{ id: 'a-p1', docId: 'a' }, { id: 'b-p1', docId: 'b' }, { id: 'b-p2', docId: 'b' }], offset: 0, limit: 1000, total: 3 },
      }));
      const open = { status: 'published' as const, access: 'portal' as const, sharedWith: [], city: 'tehran' };
      const closed = { status: 'withdrawn' as const, access: 'portal' as const, sharedWith: [], city: 'mashhad' };
      await Promise.all([index.updateAccess('a', open), index.updateAccess('b', closed)]);
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents/fetch')}`, `PUT ${path('/documents')}`]);
      expect((standIn.bodies('POST', path('/documents/fetch'))[0] as { filter: string }).filter).to.equal('docId IN ["a", "b"]');
      expect(standIn.bodies('PUT', path('/documents'))[0]).to.deep.equal([
        { id: 'a-p1', ...open },
        { id: 'b-p1', ...closed },
        { id: 'b-p2', ...closed },
      ]);
    });

    it('removes documents removed together in one task', async function () {
      await Promise.all([index.remove('a'), index.remove('b'), index.remove('a')]);
      expect(standIn.bodies('POST', path('/documents/delete'))).to.deep.equal([{ filter: 'docId IN ["a", "b"]' }]);
    });
  });

  describe('updateAccess, remove, clear', function () {
    const access = { status: 'published' as const, access: 'portal' as const, sharedWith: ['qom', 'yazd'], city: 'tehran' };

    it('finds the document\'s chunks by filter and updates only their access fields, never creating one', async function () {
      standIn.on('POST', /\/documents\/fetch$/, (req) => ({
        status: 200,
        body: { results: [{ id: 'doc-1-p1', docId: 'doc-1' }, { id: 'doc-1-p3', docId: 'doc-1' }], offset: 0, limit: (req.body as { limit: number }).limit, total: 2 },
      }));
      await index.updateAccess('doc-1', access);

      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents/fetch')}`, `PUT ${path('/documents')}`]);
      expect(standIn.bodies('POST', path('/documents/fetch'))).to.deep.equal([{ filter: 'docId = "doc-1"', fields: ['id', 'docId'], limit: 1000, offset: 0 }]);
      const put = standIn.requests.find((r) => r.method === 'PUT')!;
      expect(put.query).to.deep.equal({ skipCreation: 'true' });
      expect(put.body).to.deep.equal([
        { id: 'doc-1-p1', status: 'published', access: 'portal', sharedWith: ['qom', 'yazd'], city: 'tehran' },
        { id: 'doc-1-p3', status: 'published', access: 'portal', sharedWith: ['qom', 'yazd'], city: 'tehran' },
      ]);
      expectEveryWriteAwaited();
    });

    it('pages through the chunks of a long document', async function () {
      const ids = Array.from({ length: 1_003 }, (_, i) => ({ id: `doc-1-p${i + 1}`, docId: 'doc-1' }));
      standIn.on('POST', /\/documents\/fetch$/, (req) => {
        const { offset, limit } = req.body as { offset: number; limit: number };
        return { status: 200, body: { results: ids.slice(offset, offset + limit), offset, limit, total: ids.length } };
      });
      await index.updateAccess('doc-1', access);
      expect(standIn.bodies('POST', path('/documents/fetch')).map((b) => (b as { offset: number }).offset)).to.deep.equal([0, 1000]);
      const updated = standIn.bodies('PUT', path('/documents')).flat() as { id: string; status: string }[];
      expect(updated.map((u) => u.id)).to.deep.equal(ids.map((i) => i.id));
      expect(updated.every((u) => u.status === 'published')).to.equal(true);
    });

    it('sends no update for a document that is not indexed', async function () {
      await index.updateAccess('missing', access);
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents/fetch')}`]);
    });

    it('removes a document by filter, quoting its id', async function () {
      await index.remove('a"b\\c');
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents/delete')}`]);
      expect(standIn.bodies('POST', path('/documents/delete'))).to.deep.equal([{ filter: 'docId = "a\\"b\\\\c"' }]);
      expectEveryWriteAwaited();
    });

    it('clears every document of the index and of the words index', async function () {
      await index.clear();
      expect(standIn.calls()).to.deep.equal([`DELETE ${path('/documents')}`, `DELETE ${path('-words/documents')}`]);
      expectEveryWriteAwaited();
    });

    it('says it is empty from the index stats, so the portal knows to rebuild it', async function () {
      expect(await index.isEmpty()).to.equal(true);
      expect(standIn.calls()).to.deep.equal([`GET ${path('/stats')}`]);
      standIn.on('GET', /\/stats$/, { status: 200, body: { numberOfDocuments: 3, rawDocumentDbSize: 10, avgDocumentSize: 3, isIndexing: false, fieldDistribution: { docId: 3, wholeDocument: 3 } } }, { once: true });
      expect(await index.isEmpty()).to.equal(false);
    });

    it('takes chunks of an older layout (without whole-document chunks) for an empty index, so the portal indexes every document again', async function () {
      standIn.on('GET', /\/stats$/, { status: 200, body: { numberOfDocuments: 3, rawDocumentDbSize: 10, avgDocumentSize: 3, isIndexing: false, fieldDistribution: { docId: 3, body: 3, forms: 3 } } });
      expect(await index.isEmpty()).to.equal(true);
    });
  });

  describe('search requests', function () {
    const secretariat: Viewer = { role: 'secretariat', city: null };
    const tehran: Viewer = { role: 'city', city: 'tehran' };
    const reader: Viewer = { role: 'reader', city: null };

    it('puts each viewer\'s visibility into the filter', async function () {
      const filters: [Viewer, string][] = [
        [secretariat, '(status != "withdrawn")'],
        [tehran, '(status != "withdrawn" AND (city = "tehran" OR (status = "published" AND (access = "portal" OR sharedWith = "tehran"))))'],
        [reader, '(status = "published" AND access = "portal")'],
        [{ role: 'city', city: null }, '(status = "published" AND access = "portal")'],
      ];
      for (const [viewer, filter] of filters) {
        standIn.reset();
        await index.search(viewer, query({ q: 'کتاب' }));
        expect(searchBody().filter, viewer.role).to.equal(filter);
      }
    });

    it('ANDs the user\'s filters after it: OR within a facet, AND across facets', async function () {
      await index.search(reader, query({ filters: { city: ['tehran', 'mashhad'], hazard: ['flood'], year: ['1391'], resolution: ['9/2'], fileType: ['pdf'], kind: [] } }));
      expect(searchBody().filter).to.equal(
        '(status = "published" AND access = "portal")' +
          ' AND (city = "tehran" OR city = "mashhad")' +
          ' AND hazards = "flood"' +
          ' AND year = "1391"' +
          ' AND resolutions = "9/2"' +
          ' AND fileType = "pdf"',
      );
    });

    it('quotes and escapes values holding a double quote or a backslash', async function () {
      await index.search({ role: 'city', city: 'x" OR city = "y\\' }, query({ filters: { kind: ['a"b', 'c\\', '"\\"'] } }));
      const city = '"x\\" OR city = \\"y\\\\"';
      expect(searchBody().filter).to.equal(
        `(status != "withdrawn" AND (city = ${city} OR (status = "published" AND (access = "portal" OR sharedWith = ${city}))))` +
          ' AND (kind = "a\\"b" OR kind = "c\\\\" OR kind = "\\"\\\\\\"")',
      );
    });

    it('sends the query normalized: stop words dropped, phrases quoted, exclusions with a minus, nothing else as syntax', async function () {
      const cases: [string, string][] = [
        ['يكي از كتاب‌هاي ۱۳۹۱', 'کتابهای 1391'],
        ['"کتاب قدیمی" -تهران', '-تهران "کتاب قدیمی"'],
        // The last word is a prefix only when it is the last thing typed.
        ['کتاب -تهران', '-تهران کتاب '],
        ['  کِتابِ   REPORT  ', 'کتاب report'],
        ['"" - --', ''],
        ['NEAR(کتاب) OR "تهران', 'near کتاب تهران'],
        ['در و از', 'در و از'],
        ['«ستاد مدیریت» -"آتش نشانی"', '-"اتش نشانی" "ستاد مدیریت"'],
      ];
      for (const [q, sent] of cases) {
        standIn.reset();
        await index.search(secretariat, query({ q }));
        expect(mainSearch().q, q).to.equal(sent);
      }
    });

    it('asks for per-document pages, facets, the fields snippets need, and match positions', async function () {
      await index.search(secretariat, query({ q: 'کتاب', page: 3, perPage: 7 }));
      expect(searchQueries()).to.have.length(1);
      expect(searchBody()).to.deep.equal({
        indexUid: INDEX,
        q: 'کتاب',
        filter: '(status != "withdrawn")',
        facets: ['city', 'kind', 'hazards', 'year', 'resolutions', 'fileType', 'type'],
        page: 3,
        hitsPerPage: 7,
        matchingStrategy: 'all',
        attributesToRetrieve: ['docId', 'type', 'page', 'pageCount', 'wholeDocument', 'originalTitle', 'originalSummary', 'originalKeywords', 'originalBody', 'city', 'kind', 'year'],
        showMatchesPosition: true,
      });
    });

    it('limits a search to the entries named in `only` by their docId, under visibility and every other filter', async function () {
      await index.search(reader, query({ q: 'کتاب', only: ['lesson-1', 'a"b'], filters: { type: ['lesson'] } }));
      const visible = '(status = "published" AND access = "portal")';
      const [page, ...counts] = searchQueries();
      expect(page).to.include({ filter: `${visible} AND type = "lesson" AND docId IN ["lesson-1", "a\\"b"]` });
      expect(counts.map((c) => c.filter)).to.deep.equal([`${visible} AND docId IN ["lesson-1", "a\\"b"]`]);
    });

    it('sends one request for a search that finds something', async function () {
      standIn.on('POST', /\/search$/, (req) => ({ status: 200, body: searchResponse(req.body as object, { hits: [{ docId: 'a', page: 1, pageCount: 1, originalTitle: 'کتاب', originalBody: 'کتاب' }], totalHits: 1, facetDistribution: {} }) }));
      await index.search(secretariat, query({ q: 'کتاب مفید', filters: { city: ['tehran'] } }));
      expect(standIn.calls()).to.deep.equal(['POST /multi-search']);
    });

    it('sends a page and a page size Meilisearch accepts for nonsense values', async function () {
      await index.search(secretariat, query({ q: 'کتاب', page: 0, perPage: Number.NaN }));
      expect(searchBody()).to.include({ page: 1, hitsPerPage: 20 });
    });

    it('sorts by updatedAt, newest first, for sort=newest or an empty query, and leaves relevance alone otherwise', async function () {
      const cases: [Partial<SearchQuery>, string[] | undefined][] = [
        [{ q: 'کتاب', sort: 'newest' }, ['updatedAt:desc']],
        [{ q: 'کتاب', sort: 'relevance' }, undefined],
        [{ q: '', sort: 'relevance' }, ['updatedAt:desc']],
        [{ q: '', sort: 'newest' }, ['updatedAt:desc']],
      ];
      for (const [overrides, sort] of cases) {
        standIn.reset();
        await index.search(secretariat, query(overrides));
        expect(searchBody().sort, JSON.stringify(overrides)).to.deep.equal(sort);
        expect(searchBody().showMatchesPosition).to.equal(overrides.q !== '');
      }
    });

    it('counts each filtered facet under the other filters only, in the same request', async function () {
      await index.search(reader, query({ q: 'زلزله', filters: { city: ['tehran'], hazard: ['flood', 'fire'] } }));
      const visible = '(status = "published" AND access = "portal")';
      const [page, ...counts] = searchQueries();
      expect(page).to.include({ filter: `${visible} AND city = "tehran" AND (hazards = "flood" OR hazards = "fire")` });
      expect(page!.facets).to.deep.equal(['kind', 'year', 'resolutions', 'fileType', 'type']);
      expect(counts).to.deep.equal([
        { indexUid: INDEX, q: 'زلزله', matchingStrategy: 'all', filter: `${visible} AND (hazards = "flood" OR hazards = "fire")`, facets: ['city'], page: 0 },
        { indexUid: INDEX, q: 'زلزله', matchingStrategy: 'all', filter: `${visible} AND city = "tehran"`, facets: ['hazards'], page: 0 },
      ]);
    });
  });

  describe('what a query means: relaxed matching, exclusions, synonyms, related documents', function () {
    const reader: Viewer = { role: 'reader', city: null };
    const visible = '(status = "published" AND access = "portal")';
    const chunk = (docId: string, extra: Record<string, unknown> = {}) => ({
      id: `${docId}-p1`, docId, page: 1, originalTitle: `سند ${docId}`, originalSummary: 'خلاصه', originalKeywords: [], originalBody: 'متن', city: 'mashhad', kind: 'other', year: 1400, ...extra,
    });

    it('when no visible document has every word, asks for each word alone on whole documents and answers the documents with the most, saying so', async function () {
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => {
        const body = req.body as { q?: string; filter?: string; hitsPerPage?: number; attributesToSearchOn?: string[] };
        const byWord: Record<string, string[]> = { مانور: ['two-words', 'one-word'], زلزله: ['two-words', 'other-word'] };
        const values = (id: string) => ({ docId: id, updatedAt: 1, city: id === 'other-word' ? 'tehran' : 'mashhad', kind: 'other', hazards: [], year: 1400, resolutions: [], fileType: 'pdf' });
        let found: Record<string, unknown>[] = [];
        if (body.hitsPerPage === 10_000) found = (byWord[body.q?.trim() ?? ''] ?? []).map(values);
        else if (body.filter?.includes('docId = ') && body.attributesToSearchOn) found = [chunk(/docId = "([^"]+)"/.exec(body.filter)![1]!, { originalBody: 'مانور زلزله' })];
        return { status: 200, body: searchResponse(body, { hits: found, totalHits: found.length, facetDistribution: {} }) };
      });
      const result = await index.search(reader, query({ q: 'مانور زلزله اهواز', perPage: 2 }));
      const [strict, typos, perWord, page] = multiSearches();
      expect(strict![0]).to.include({ q: 'مانور زلزله اهواز', matchingStrategy: 'all', filter: visible });
      // Which words no document has (each, and joined with its neighbours), and their neighbours in the words index.
      expect(typos!.filter((q) => q.indexUid === `${INDEX}-words`)).to.have.length(3);
      expect(perWord!.map((q) => [q.q, q.filter, q.matchingStrategy, q.hitsPerPage])).to.deep.equal([
        ['مانور ', `${visible} AND wholeDocument = 1`, 'all', 10_000],
        ['زلزله ', `${visible} AND wholeDocument = 1`, 'all', 10_000],
        ['اهواز', `${visible} AND wholeDocument = 1`, 'all', 10_000],
      ]);
      // Per document shown: its page with the most of its words, else its whole-document chunk.
      expect(page!.map((q) => [q.q, q.filter])).to.deep.equal([
        ['مانور زلزله ', `${visible} AND docId = "two-words" AND wholeDocument = 0`],
        ['', `${visible} AND docId = "two-words" AND wholeDocument = 1`],
        ['مانور ', `${visible} AND docId = "one-word" AND wholeDocument = 0`],
        ['', `${visible} AND docId = "one-word" AND wholeDocument = 1`],
      ]);
      expect(result.relaxed).to.equal(true);
      expect(result.total).to.equal(3);
      expect(result.hits.map((h) => [h.id, h.page])).to.deep.equal([
        ['two-words', 1],
        ['one-word', 1],
      ]);
      expect(result.facets.city).to.deep.equal({ mashhad: 2, tehran: 1 });
      expect(multiSearches()).to.have.length(4);
    });

    it('does not relax a query of one word, nor one that found something', async function () {
      const result = await index.search(reader, query({ q: 'زلزله' }));
      expect(multiSearches().flat().filter((q) => q.hitsPerPage === 10_000)).to.deep.equal([]);
      expect(result.relaxed).to.equal(false);
      standIn.reset();
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => ({ status: 200, body: searchResponse(req.body as object, { hits: [chunk('all-words', { originalBody: 'مانور زلزله' })], totalHits: 1, facetDistribution: {} }) }));
      expect((await index.search(reader, query({ q: 'مانور زلزله' }))).relaxed).to.equal(false);
      expect(multiSearches()).to.have.length(1);
    });

    it('reads a word no document has as the indexed word one edit away that most visible documents have, searches again, and says so', async function () {
      const kitabha = ['مانور', 'مانوری', 'ماموریت'];
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => {
        const body = req.body as { q?: string; filter?: string; attributesToSearchOn?: string[]; page?: number };
        const uid = /^\/indexes\/([^/]+)\/search$/.exec(req.path)![1]!;
        let found: Record<string, unknown>[] = [];
        if (uid === `${INDEX}-words`) found = body.filter?.startsWith('keys IN') ? kitabha.map((word) => ({ word })) : [];
        else if (body.attributesToSearchOn && body.page === 0) found = body.q === '"مانوری"' ? [chunk('a'), chunk('b')] : body.q === '"مانور"' ? [chunk('c')] : [];
        else if (body.q === '"مانوری" زلزله') found = [chunk('a', { originalBody: 'مانوری زلزله' })];
        return { status: 200, body: searchResponse(body, { hits: body.page === 0 ? [] : found, totalHits: found.length, facetDistribution: {} }) };
      });
      const result = await index.search(reader, query({ q: 'مانوره زلزله' }));
      const [strict, typos, counts, corrected] = multiSearches();
      expect(strict![0]!.q).to.equal('مانوره زلزله');
      expect(typos!.filter((q) => q.indexUid === INDEX).map((q) => q.q)).to.deep.equal(['مانوره ', 'مانورهزلزله', 'زلزله', 'مانورهزلزله']);
      const lookups = typos!.filter((q) => q.indexUid === `${INDEX}-words`);
      expect(lookups).to.have.length(2);
      expect(lookups[0]).to.include({ q: '', limit: 1000 });
      expect(lookups[0]!.filter).to.match(/^keys IN \[-?\d+(, -?\d+){6}\]$/);
      // The candidates one edit away (not ماموریت, further), counted where words are written as such, within what the viewer may see.
      expect(counts!.map((q) => [q.q, q.filter, q.page])).to.deep.equal([
        ['"مانور"', visible, 0],
        ['"مانوری"', visible, 0],
      ]);
      expect(counts![0]!.attributesToSearchOn).to.include('docWords');
      expect(counts![0]!.attributesToSearchOn).not.to.include.members(['forms', 'stems']);
      // The correction is searched as written: no prefix, no other form.
      expect(corrected![0]).to.include({ q: '"مانوری" زلزله', filter: visible });
      expect(result).to.include({ total: 1, relaxed: false, didYouMean: 'مانوری زلزله' });
    });

    it('first asks which visible documents have an excluded phrase, and leaves those out by id; a word alone is left out on whole documents', async function () {
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => {
        const body = req.body as { q?: string };
        const found = body.q === '"کارگروه پدافند"' ? [chunk('in-tehran'), chunk('o"dd')] : body.q?.includes('زلزله') ? [chunk('kept')] : [];
        return { status: 200, body: searchResponse(body, { hits: found, totalHits: found.length, facetDistribution: {} }) };
      });
      await index.search(reader, query({ q: 'زلزله -"کارگروه پدافند"' }));
      const [lookup, main] = multiSearches();
      expect(lookup).to.have.length(1);
      expect(lookup![0]).to.include({ q: '"کارگروه پدافند"', filter: visible, page: 1, hitsPerPage: 1000 });
      expect(lookup![0]!.attributesToRetrieve).to.deep.equal(['docId']);
      expect(main![0]).to.include({ q: '-"کارگروه پدافند" زلزله ', filter: `${visible} AND docId NOT IN ["in-tehran", "o\\"dd"]` });

      standIn.reset();
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => ({ status: 200, body: searchResponse(req.body as object, { hits: [chunk('kept')], totalHits: 1, facetDistribution: {} }) }));
      await index.search(reader, query({ q: 'زلزله -تهران' }));
      expect(multiSearches()).to.have.length(1);
      expect(mainSearch()).to.include({ q: '-تهران زلزله ', filter: `${visible} AND wholeDocument = 1` });
    });

    it('sends the synonym groups, normalized as queries are, as the synonyms setting (every term to every other), and waits for the task', async function () {
      await index.setSynonyms([
        ['زلزله', 'زمین‌لرزه', 'Earthquake'],
        ['گرد و غبار', 'ريزگرد'],
      ]);
      expect(standIn.calls()).to.deep.equal([`PUT ${path('/settings/synonyms')}`]);
      expect(standIn.bodies('PUT', path('/settings/synonyms'))).to.deep.equal([
        {
          زلزله: ['زمینلرزه', 'earthquake'],
          زمینلرزه: ['زلزله', 'earthquake'],
          earthquake: ['زلزله', 'زمینلرزه'],
          'گرد و غبار': ['ریزگرد'],
          ریزگرد: ['گرد و غبار'],
        },
      ]);
      expectEveryWriteAwaited();
    });

    it('sends a word that names a synonym by its stem, or by its parts, as the group\'s term, so the setting applies', async function () {
      await index.setSynonyms([['زلزله', 'زمین‌لرزه', 'Earthquake']]);
      // The last word typed is a prefix; a term of two words typed apart is not.
      for (const [q, sent] of [
        ['زلزله‌ها', 'زلزله'],
        ['زمین لرزه', 'زمینلرزه '],
        ['earthquakes', 'earthquake'],
      ]) {
        standIn.reset();
        await index.search(reader, query({ q }));
        expect(mainSearch().q, q).to.equal(sent);
      }
    });

    it('finds related documents by each significant word of the document and by its hazards, in one request, other cities first', async function () {
      standIn.on('POST', /^\/indexes\/[^/]+\/documents\/fetch$/, () => ({
        status: 200,
        body: {
          results: [
            { title: 'پناهگاه اضطراری محله', keywords: ['اسکان'], summary: 'طرح پناهگاه', body: 'پناهگاه برای ساکنان محله با مخزن آب و مولد برق', labels: ['کرج', 'Karaj'], city: 'karaj', kind: 'other', hazards: ['earthquake', 'other'] },
          ],
          offset: 0,
          limit: 50,
          total: 1,
        },
      }));
      standIn.on('POST', /^\/indexes\/[^/]+\/search$/, (req) => {
        const body = req.body as { q?: string; filter?: string; page?: number };
        const found =
          body.q === 'پناهگاه'
            ? [chunk('same-city', { city: 'karaj' }), chunk('other-city-words')]
            : body.q === ''
              ? [chunk('other-city-hazard', { hazards: ['earthquake'] })]
              : [];
        return { status: 200, body: searchResponse(body, { hits: found, totalHits: found.length, facetDistribution: {} }) };
      });
      const hits = await index.related(reader, 'doc-7', 5);
      expect(standIn.bodies('POST', path('/documents/fetch'))[0]).to.include({ filter: 'docId = "doc-7"', limit: 50 });
      expect(multiSearches()).to.have.length(1);
      const [queries] = multiSearches();
      const base = `${visible} AND docId != "doc-7" AND type = "document"`;
      expect(queries!.at(-1)).to.deep.equal({ indexUid: INDEX, q: '', filter: base, page: 0 });
      const wordQueries = queries!.slice(0, -2);
      expect(wordQueries[0]).to.include({ q: 'پناهگاه', filter: base, page: 1, hitsPerPage: 20 });
      expect(wordQueries.length).to.be.within(2, 12);
      for (const q of wordQueries) expect(q.q as string).not.to.match(/کرج|karaj|^(با|و|برای)$/);
      expect(queries!.at(-2)).to.deep.include({ q: '', filter: `${base} AND city != "karaj" AND hazards IN ["earthquake"]`, sort: ['updatedAt:desc'] });
      expect(hits.map((h) => [h.id, h.page])).to.deep.equal([
        ['other-city-words', null],
        ['other-city-hazard', null],
        ['same-city', null],
      ]);
    });

    it('finds nothing related for a document it does not hold, without searching', async function () {
      expect(await index.related(reader, 'missing', 5)).to.deep.equal([]);
      expect(standIn.calls()).to.deep.equal([`POST ${path('/documents/fetch')}`]);
    });
  });

  describe('search answers', function () {
    const lead = 'این گزارش در چند بخش تهیه شده است و '.repeat(6);
    const tail = ' و پس از آن بخش‌های دیگر می‌آیند'.repeat(8);
    const typoBody = 'این سند دربارهٔ كتاپ‌های قدیمی است';
    const typoAt = joinedForm(typoBody).text.indexOf('کتاپها');

    function hit(fields: Record<string, unknown>): Record<string, unknown> {
      return {
        docId: 'doc-x',
        page: 1,
        originalTitle: 'عنوان',
        originalSummary: '',
        originalKeywords: [],
        originalBody: '',
        city: 'tehran',
        kind: 'other',
        year: 1391,
        ...fields,
      };
    }

    const hits = [
      hit({ docId: 'doc-1', page: 7, originalTitle: 'مطالعهٔ <ایمنی>', originalBody: `${lead}<b> کِتابِ مُفید & </b>${tail}`, _matchesPosition: {} }),
      hit({ docId: 'doc-2', page: 5, originalSummary: 'دربارهٔ كتاب & <راهنما>', originalBody: 'متنی بی‌ربط', city: 'mashhad', kind: 'training-material', year: 1400 }),
      hit({
        docId: 'doc-3',
        page: 2,
        originalBody: typoBody,
        _matchesPosition: { body: [{ start: Buffer.byteLength(joinedForm(typoBody).text.slice(0, typoAt)), length: Buffer.byteLength('کتاپ') }] },
      }),
      hit({ docId: 'doc-4', page: null, originalTitle: 'راهنما & <نقشه>' }),
      hit({ docId: 'doc-5', page: 3, originalSummary: 'خلاصه‌ای دیگر', originalKeywords: ['کتابخانه', 'زلزله'], originalBody: 'متن صفحه' }),
      hit({ docId: 'doc-6', page: 1, originalTitle: 'كتاب سبز', originalSummary: 'خلاصه‌ای دیگر', originalBody: 'متن صفحه' }),
    ];

    async function answer(q = 'کتاب') {
      standIn.on('POST', /\/search$/, (req) => ({
        status: 200,
        body: searchResponse(req.body as { q: string }, {
          totalHits: 42,
          hits,
          facetDistribution: {
            city: { tehran: 2, mashhad: 1 },
            kind: { other: 2, 'training-material': 1 },
            hazards: { flood: 3 },
            year: { '1391': 2, '1400': 1 },
            resolutions: { '9/2': 1 },
          },
        }),
      }));
      return index.search({ role: 'secretariat', city: null }, query({ q }));
    }

    it('reads total and facets, renaming the chunk attributes to the port\'s facets', async function () {
      const result = await answer();
      expect(result.total).to.equal(42);
      expect(result.facets).to.deep.equal({
        city: { tehran: 2, mashhad: 1 },
        kind: { other: 2, 'training-material': 1 },
        hazard: { flood: 3 },
        year: { '1391': 2, '1400': 1 },
        resolution: { '9/2': 1 },
        fileType: {},
        type: {},
      });
      expect(result.hits.map((h) => [h.id, h.title, h.city, h.kind, h.year])).to.deep.equal([
        ['doc-1', 'مطالعهٔ <ایمنی>', 'tehran', 'other', 1391],
        ['doc-2', 'عنوان', 'mashhad', 'training-material', 1400],
        ['doc-3', 'عنوان', 'tehran', 'other', 1391],
        ['doc-4', 'راهنما & <نقشه>', 'tehran', 'other', 1391],
        ['doc-5', 'عنوان', 'tehran', 'other', 1391],
        ['doc-6', 'كتاب سبز', 'tehran', 'other', 1391],
      ]);
    });

    it('takes a filtered facet\'s counts from its own query, which leaves that facet\'s filter out', async function () {
      standIn.on('POST', /\/search$/, (req) => {
        const body = req.body as { q: string; facets?: string[] };
        const facets = body.facets ?? [];
        const distribution = Object.fromEntries(facets.map((f) => [f, { [`${f}-${facets.length}`]: facets.length }]));
        return { status: 200, body: searchResponse(body, { hits: [], totalHits: 0, facetDistribution: distribution }) };
      });
      const result = await index.search({ role: 'reader', city: null }, query({ q: 'کتاب', filters: { city: ['tehran'], year: ['1391'] } }));
      expect(result.facets).to.deep.equal({
        city: { 'city-1': 1 },
        kind: { 'kind-5': 5 },
        hazard: { 'hazards-5': 5 },
        year: { 'year-1': 1 },
        resolution: { 'resolutions-5': 5 },
        fileType: { 'fileType-5': 5 },
        type: { 'type-5': 5 },
      });
    });

    it('cuts the snippet from the original page text, escaped, the match in <mark>, with the page', async function () {
      const [first] = (await answer()).hits;
      expect(first!.page).to.equal(7);
      expect(first!.snippet).to.include('<mark>کِتابِ</mark> مُفید &amp; &lt;/b&gt;');
      expect(first!.snippet).to.include('&lt;b&gt;');
      expect(first!.snippet).to.match(/^… /).and.to.match(/ …$/);
      const visible = first!.snippet.replace(/<\/?mark>/g, '').replace(/&[a-z]+;/g, '_');
      expect(visible.length).to.be.within(150, 260);
      expect(first!.snippet).not.to.match(/<(?!\/?mark>)/);
    });

    it('gives no page and a summary snippet when only the metadata matched', async function () {
      const [, second] = (await answer()).hits;
      expect(second).to.include({ page: null, snippet: 'دربارهٔ <mark>كتاب</mark> &amp; &lt;راهنما&gt;' });
    });

    it('marks what only Meilisearch matched (a typo) from its UTF-8 byte positions, mapped to the original', async function () {
      const [, , third] = (await answer()).hits;
      expect(third).to.include({ page: 2, snippet: 'این سند دربارهٔ <mark>كتاپ‌های</mark> قدیمی است' });
    });

    it('marks the two words Meilisearch matched by splitting a query word', async function () {
      hits.push(hit({ docId: 'doc-7', page: 4, originalBody: 'در هر کلان شهر دو ستاد' }));
      try {
        const result = await answer('کلانشهر');
        expect(result.hits.at(-1)).to.include({ id: 'doc-7', page: 4, snippet: 'در هر <mark>کلان شهر</mark> دو ستاد' });
      } finally {
        hits.pop();
      }
    });

    it('asks once more, per document, for the page of a hit that matched only through its title', async function () {
      const titleOnly = hit({ docId: 'doc-9', page: 1, pageCount: 8, originalTitle: 'راهنمای سیلاب', originalBody: 'مقدمه و فهرست' });
      const pageSix = hit({ docId: 'doc-9', page: 6, originalTitle: 'راهنمای سیلاب', originalBody: 'هشدار سیلاب در حوضهٔ رودخانه' });
      const onItsPage = hit({ docId: 'doc-8', page: 3, originalBody: 'مهار سیلاب شهری' });
      standIn.on('POST', /\/search$/, (req) => {
        const body = req.body as { q: string; attributesToSearchOn?: string[] };
        const found = body.attributesToSearchOn ? [pageSix] : [titleOnly, onItsPage];
        return { status: 200, body: searchResponse(body, { totalHits: found.length, hits: found, facetDistribution: {} }) };
      });
      const result = await index.search({ role: 'city', city: 'tehran' }, query({ q: 'سیلاب' }));
      expect(result.hits[0]).to.include({ id: 'doc-9', page: 6 });
      expect(result.hits[0]!.snippet).to.include('<mark>سیلاب</mark> در حوضهٔ');
      expect(result.hits[1]).to.include({ id: 'doc-8', page: 3 });
      const [main, followUp] = standIn.bodies('POST', '/multi-search') as { queries: Record<string, unknown>[] }[];
      expect(main!.queries[0]!.attributesToSearchOn).to.equal(undefined);
      expect(followUp!.queries).to.deep.equal([
        {
          indexUid: INDEX,
          q: 'سیلاب',
          filter:
            '(status != "withdrawn" AND (city = "tehran" OR (status = "published" AND (access = "portal" OR sharedWith = "tehran"))))' +
            ' AND docId = "doc-9" AND wholeDocument = 0',
          attributesToSearchOn: ['body', 'bodySplit', 'stems'],
          matchingStrategy: 'frequency',
          limit: 1,
          attributesToRetrieve: ['docId', 'type', 'page', 'pageCount', 'wholeDocument', 'originalTitle', 'originalSummary', 'originalKeywords', 'originalBody', 'city', 'kind', 'year'],
          showMatchesPosition: true,
        },
      ]);
    });

    it('keeps page null when the second look finds no page of that document, and asks nothing more without a query', async function () {
      const [, second] = (await answer()).hits;
      expect(second).to.include({ id: 'doc-2', page: null });
      const before = standIn.bodies('POST', '/multi-search').length;
      await answer('');
      expect(standIn.bodies('POST', '/multi-search').length - before).to.equal(1);
    });

    it('falls back to the keywords, then the title, that matched', async function () {
      const [, , , , fifth, sixth] = (await answer()).hits;
      expect(fifth).to.include({ page: null, snippet: '<mark>کتابخانه</mark>، زلزله' });
      expect(sixth).to.include({ page: null, snippet: '<mark>كتاب</mark> سبز' });
    });

    it('shows the summary\'s start, or else the escaped title, when nothing matched or there was no query', async function () {
      const result = await answer('');
      expect(result.hits.map((h) => [h.id, h.page, h.snippet])).to.deep.equal([
        ['doc-1', null, 'مطالعهٔ &lt;ایمنی&gt;'],
        ['doc-2', null, 'دربارهٔ كتاب &amp; &lt;راهنما&gt;'],
        ['doc-3', null, 'عنوان'],
        ['doc-4', null, 'راهنما &amp; &lt;نقشه&gt;'],
        ['doc-5', null, 'خلاصه‌ای دیگر'],
        ['doc-6', null, 'خلاصه‌ای دیگر'],
      ]);
    });
  });

  describe('errors', function () {
    it('rejects a search with the message of Meilisearch\'s error answer', async function () {
      const message = 'Attribute `hazards` is not filterable. Available filterable attributes are: `city`.\n1:8 hazards = "flood"';
      standIn.on('POST', /\/search$/, { status: 400, body: meiliError('invalid_search_filter', message) });
      const error = await rejectionOf(index.search({ role: 'reader', city: null }, query({ filters: { hazard: ['flood'] } })));
      expect(error.message).to.equal(`Inside \`.queries[0]\`: ${message}`);
      expect((error as Error & { cause?: { code?: string } }).cause?.code).to.equal('invalid_search_filter');
    });

    it('rejects a write the server refuses outright', async function () {
      standIn.on('POST', /\/documents\/delete$/, { status: 401, body: meiliError('invalid_api_key', 'The provided API key is invalid.', 'auth') });
      const error = await rejectionOf(index.remove('doc-1'));
      expect(error.message).to.equal('The provided API key is invalid.');
    });
  });
});
