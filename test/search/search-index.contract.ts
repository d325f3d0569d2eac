import { expect } from 'chai';
import {
  FACETS,
  visibleTo,
  type Facet,
  type IndexedDocument,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type Viewer,
} from '../../search/search-index';
import { CITIES, HAZARDS, KINDS } from '../../server/db/seed/vocabulary';

export interface SearchIndexHarness {
  index: SearchIndex;
  cleanup: () => Promise<void>;
}

const SECRETARIAT: Viewer = { role: 'secretariat', city: null };
const READER: Viewer = { role: 'reader', city: null };
const cityViewer = (city: string): Viewer => ({ role: 'city', city });

/** Text without the searched words, so that ranking statistics are not degenerate in a small corpus. */
const FILLER = [
  'مدیریت بحران در شهرهای بزرگ نیازمند برنامه‌ریزی دقیق و هماهنگی میان دستگاه‌های اجرایی است.',
  'ستاد مدیریت بحران استان جلسات منظمی با حضور نمایندگان سازمان‌های امدادی برگزار کرد.',
  'آموزش همگانی شهروندان برای کاهش خطرپذیری در برابر مخاطرات طبیعی اهمیت زیادی دارد.',
  'نقشه‌های پهنه‌بندی خطر برای شناسایی محله‌های آسیب‌پذیر تهیه و به شهرداری‌ها ابلاغ شد.',
  'گزارش عملکرد سالانه شامل فهرست تمرین‌ها، تجهیزات خریداری‌شده و نیروهای آموزش‌دیده است.',
];
const filler = (k: number): string => FILLER[k % FILLER.length]!;

let sequence = 0;

/** The Persian and English names of a document's city, kind and hazards, as the portal indexes them (server/search/labels.ts). */
export function labelsOf(doc: Pick<IndexedDocument, 'city' | 'kind' | 'hazards'>): string[] {
  const names = (list: readonly { id: string; fa: string; en: string }[], id: string): string[] => {
    const term = list.find((t) => t.id === id);
    return term ? [term.fa, term.en] : [];
  };
  return [...names(CITIES, doc.city), ...names(KINDS, doc.kind), ...doc.hazards.flatMap((h) => names(HAZARDS, h))];
}

/** A published portal document of Tehran with the given pages; everything else can be overridden. */
export function buildDocument(id: string, pages: string[], overrides: Partial<IndexedDocument> = {}): IndexedDocument {
  sequence++;
  const doc: Omit<IndexedDocument, 'labels'> & { labels?: string[] } = {
    id,
    title: `سند ${id}`,
    summary: '',
    keywords: [],
    city: 'tehran',
    kind: 'other',
    hazards: [],
    year: 1400,
    resolutions: [],
    fileType: 'pdf',
    status: 'published',
    access: 'portal',
    sharedWith: [],
    updatedAt: new Date(Date.UTC(2024, 0, 1) + sequence * 60_000).toISOString(),
    pages: pages.map((text, i) => ({ page: i + 1, text })),
    ...overrides,
  };
  return { ...doc, labels: doc.labels ?? labelsOf(doc) };
}

/** A published portal lesson of Tehran: its observation, analysis and recommendation as the summary, no kind, no file, no pages. */
export function buildLesson(id: string, texts: string[], overrides: Partial<IndexedDocument> = {}): IndexedDocument {
  return buildDocument(id, [], { type: 'lesson', title: `درس ${id}`, summary: texts.join('\n\n'), kind: '', fileType: '', ...overrides });
}

function query(q: string, overrides: Partial<SearchQuery> = {}): SearchQuery {
  return { q, filters: {}, sort: 'relevance', page: 1, perPage: 100, ...overrides };
}

const ids = (result: SearchResult): string[] => result.hits.map((hit) => hit.id);

/** The text of a snippet, tags and entities undone. */
function snippetText(html: string): string {
  return html
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The texts inside <mark>…</mark>. */
function marked(html: string): string[] {
  return [...html.matchAll(/<mark>(.*?)<\/mark>/gs)].map((m) => m[1]!);
}

/**
 * The 17 cases of shared/persian.md: document text ⇐ queries. The document holds the case's
 * text in a page among ordinary sentences; titles never contain the searched words.
 */
const PERSIAN_CASES: { n: number; text: string; queries: string[] }[] = [
  { n: 1, text: 'کلان\u200cشهر', queries: ['کلانشهر'] },
  { n: 2, text: 'کلانشهر', queries: ['کلان\u200cشهر'] },
  { n: 3, text: 'کلان شهر', queries: ['کلانشهر'] },
  { n: 4, text: 'کلانشهر', queries: ['کلان شهر'] },
  { n: 5, text: 'يكي از كتاب\u200cهاي', queries: ['یکی', 'كتابهاي'] },
  { n: 6, text: 'یکی', queries: ['يكي'] },
  { n: 7, text: 'سال ۱۳۹۱', queries: ['1391'] },
  { n: 8, text: 'سال 1391', queries: ['١٣٩١'] },
  { n: 9, text: 'سال ١٣٩١', queries: ['۱۳۹۱'] },
  { n: 10, text: 'کِتابِ مُفید', queries: ['کتاب'] },
  { n: 11, text: 'کتـــاب قدیمی', queries: ['کتاب'] },
  { n: 12, text: 'ﻛﺘﺎﺏ', queries: ['کتاب'] },
  { n: 13, text: 'ﻻﺑﺮﺍﺗﻮﺍﺭ', queries: ['لابراتوار'] },
  { n: 14, text: 'این کار می\u200cشود', queries: ['میشود', 'می شود', 'شود'] },
  { n: 15, text: 'Report on کتابخانه', queries: ['REPORT کتابخانه', 'report کتاب'] },
  { n: 16, text: 'خانۀ ما', queries: ['خانه'] },
  { n: 17, text: 'پائین', queries: ['پایین'] },
];

/** Runs the SearchIndex port's behaviour, as every adapter must honour it, against the index `make` builds. */
export function describeSearchIndex(name: string, make: () => Promise<SearchIndexHarness>): void {
  describe(`SearchIndex contract: ${name}`, function () {
    this.timeout(120_000);
    let harness: SearchIndexHarness | undefined;
    let index: SearchIndex;

    before(async function () {
      harness = await make();
      index = harness.index;
      await index.init();
    });

    after(async function () {
      await harness?.cleanup();
    });

    async function reset(docs: IndexedDocument[]): Promise<void> {
      await index.clear();
      for (const doc of docs) await index.upsert(doc);
    }

    const search = (viewer: Viewer, q: string, overrides: Partial<SearchQuery> = {}): Promise<SearchResult> =>
      index.search(viewer, query(q, overrides));

    it('pings once initialized', async function () {
      await index.ping();
    });

    it('says whether it holds any document: empty after clear, not after an upsert', async function () {
      await reset([]);
      expect(await index.isEmpty()).to.equal(true);
      await index.upsert(buildDocument('only-one', ['یک سند']));
      expect(await index.isEmpty()).to.equal(false);
      await index.clear();
      expect(await index.isEmpty()).to.equal(true);
    });

    describe('the 17 Persian cases of persian.md', function () {
      before(async function () {
        const docs = PERSIAN_CASES.map((c) => buildDocument(`case-${c.n}`, [`${filler(c.n)} ${c.text} ${filler(c.n + 1)}`], { title: `مورد ${c.n}` }));
        for (let k = 0; k < 5; k++) docs.push(buildDocument(`filler-${k}`, [filler(k), filler(k + 2)], { title: `پرونده ${k}` }));
        await reset(docs);
      });

      for (const c of PERSIAN_CASES) {
        for (const q of c.queries) {
          it(`case ${c.n}: «${c.text}» is found by «${q}»`, async function () {
            const result = await search(SECRETARIAT, q);
            expect(ids(result)).to.include(`case-${c.n}`);
            const hit = result.hits.find((h) => h.id === `case-${c.n}`)!;
            expect(hit.page).to.equal(1);
            expect(marked(hit.snippet).length, hit.snippet).to.be.greaterThan(0);
          });
        }
      }

      it('case 15: «کتاب report» does not find «Report on کتابخانه» as a match of every word (only the last word is a prefix)', async function () {
        const result = await search(SECRETARIAT, 'کتاب report');
        // No document has both words: the answer is relaxed to documents with one of them. Had «کتاب» been a
        // prefix, case 15 would have both and the answer would not be relaxed.
        expect(result.relaxed).to.equal(true);
        expect(ids(await search(SECRETARIAT, 'report کتاب'))).to.include('case-15');
        expect((await search(SECRETARIAT, 'report کتاب')).relaxed).to.equal(false);
      });

      it('case 10: the highlight covers «کِتابِ» with its diacritics', async function () {
        const hit = (await search(SECRETARIAT, 'کتاب')).hits.find((h) => h.id === 'case-10')!;
        expect(marked(hit.snippet)).to.include('کِتابِ');
      });

      it('case 11: the highlight covers «کتـــاب» with its tatweels', async function () {
        const hit = (await search(SECRETARIAT, 'کتاب')).hits.find((h) => h.id === 'case-11')!;
        expect(marked(hit.snippet)).to.include('کتـــاب');
      });

      it('cases 12 and 13: the highlight covers the original presentation forms', async function () {
        const book = (await search(SECRETARIAT, 'کتاب')).hits.find((h) => h.id === 'case-12')!;
        expect(marked(book.snippet)).to.include('ﻛﺘﺎﺏ');
        const lab = (await search(SECRETARIAT, 'لابراتوار')).hits.find((h) => h.id === 'case-13')!;
        expect(marked(lab.snippet)).to.include('ﻻﺑﺮﺍﺗﻮﺍﺭ');
      });

      it('case 1: the highlight of «کلانشهر» covers «کلان‌شهر» with its ZWNJ', async function () {
        const hit = (await search(SECRETARIAT, 'کلانشهر')).hits.find((h) => h.id === 'case-1')!;
        expect(marked(hit.snippet).join(' ')).to.include('کلان\u200cشهر');
      });

      it('finds nothing for a word no document has', async function () {
        const result = await search(SECRETARIAT, 'هواپیما');
        expect(result.total).to.equal(0);
        expect(result.hits).to.deep.equal([]);
      });

      it('treats engine syntax in the query as plain words and never fails', async function () {
        for (const q of ['"کتاب', 'کتاب*', 'NEAR(کتاب مفید)', 'کتاب OR', 'AND', 'title:کتاب', '(کتاب', '-کتاب', '^کتاب', "کتاب' --", '{کتاب}', '\\', '٪', '""']) {
          const result = await search(SECRETARIAT, q);
          expect(result.total, q).to.be.a('number');
        }
        expect(ids(await search(SECRETARIAT, '"کتاب"'))).to.include('case-10');
        // «title» is a word like any other: no document has it, so case 10 is only a partial match.
        const columnSyntax = await search(SECRETARIAT, 'title:کتاب*');
        expect(columnSyntax.relaxed).to.equal(true);
      });
    });

    describe('ranking, pages and snippets', function () {
      const LONG_PAGES = 500;
      before(async function () {
        const pages40 = Array.from({ length: 40 }, (_, i) => (i + 1 === 37 ? `${filler(i)} ریزپهنه‌بندی لرزه‌ای محله‌ها ${filler(i + 1)}` : `${filler(i)} ${filler(i + 3)}`));
        const pages500 = Array.from({ length: LONG_PAGES }, (_, i) => {
          const body = Array.from({ length: 6 }, (_, k) => filler(i + k)).join(' ');
          return i + 1 === LONG_PAGES ? `${body} واپسین برگ این گزارش` : body;
        });
        await reset([
          buildDocument('title-match', [filler(0), filler(1)], { title: 'گزارش سیلاب بهاری' }),
          buildDocument('keyword-match', [filler(2), filler(3)], { title: 'گزارش عملکرد', keywords: ['سیلاب', 'رودخانه'] }),
          buildDocument('body-match', [`${filler(4)} سیلاب سیلاب و باز هم سیلاب در حاشیه رودخانه. ${filler(0)}`, `سیلاب ${filler(1)}`], { title: 'گزارش سالانه' }),
          buildDocument('forty-pages', pages40, { title: 'طرح جامع' }),
          buildDocument('five-hundred-pages', pages500, { title: 'مجموعه کامل' }),
          buildDocument('meta-only', [filler(1)], { title: 'دستورالعمل تخلیه اضطراری', summary: 'روش تخلیه ساختمان‌های اداری' }),
          buildDocument('escaped', [`${filler(2)} <script>alert("x")</script> & <b>هشدار</b> ${filler(3)}`], { title: 'آزمون' }),
          buildDocument('long-page', [`${filler(0)} ${filler(1)} ${filler(2)} ${filler(3)} میانه‌ی متن ${filler(4)} ${filler(0)} ${filler(1)} ${filler(2)} ${filler(3)}`], { title: 'متن بلند' }),
          buildDocument('prefix', [`${filler(3)} برنامه آمادگی اضطراری مدارس ${filler(4)}`], { title: 'مدارس' }),
          buildDocument('typo', [`${filler(1)} پیشگیری از حریق در انبارها ${filler(2)}`], { title: 'انبارها' }),
          buildDocument('title-and-page', [filler(0), filler(1), `${filler(2)} نقشه پهنه‌های رانش زمین ${filler(3)}`], { title: 'رانش زمین در دامنه‌ها' }),
        ]);
      });

      it('gives the page that has the word when the title has it too', async function () {
        const hit = (await search(SECRETARIAT, 'رانش')).hits.find((h) => h.id === 'title-and-page')!;
        expect(hit.page).to.equal(3);
        expect(marked(hit.snippet)).to.include('رانش');
      });

      it('ranks title and keyword matches above a body-only match', async function () {
        const found = ids(await search(SECRETARIAT, 'سیلاب'));
        expect(found).to.include.members(['title-match', 'keyword-match', 'body-match']);
        expect(found.indexOf('title-match')).to.be.lessThan(found.indexOf('body-match'));
        expect(found.indexOf('keyword-match')).to.be.lessThan(found.indexOf('body-match'));
      });

      it('gives the best page of a body match', async function () {
        const hit = (await search(SECRETARIAT, 'سیلاب')).hits.find((h) => h.id === 'body-match')!;
        expect(hit.page).to.equal(1);
        expect(marked(hit.snippet)).to.include('سیلاب');
      });

      it('gives page 37 for a word only on page 37 of 40', async function () {
        const result = await search(SECRETARIAT, 'ریزپهنه\u200cبندی');
        expect(ids(result)).to.deep.equal(['forty-pages']);
        expect(result.hits[0]!.page).to.equal(37);
        expect(marked(result.hits[0]!.snippet).join(' ')).to.include('ریزپهنه\u200cبندی');
        expect((await search(SECRETARIAT, 'ریزپهنه بندی')).hits[0]?.page).to.equal(37);
        expect((await search(SECRETARIAT, 'ریزپهنهبندی')).hits[0]?.page).to.equal(37);
      });

      it('indexes every page of a 500-page document, the last one included', async function () {
        const result = await search(SECRETARIAT, 'واپسین');
        expect(ids(result)).to.deep.equal(['five-hundred-pages']);
        expect(result.hits[0]!.page).to.equal(500);
      });

      it('gives page null and a metadata snippet when only the metadata matched', async function () {
        const result = await search(SECRETARIAT, 'تخلیه');
        expect(ids(result)).to.deep.equal(['meta-only']);
        expect(result.hits[0]!.page).to.equal(null);
        expect(marked(result.hits[0]!.snippet)).to.include('تخلیه');
      });

      it('escapes the snippet: a document containing <script> shows &lt;script&gt;', async function () {
        const hit = (await search(SECRETARIAT, 'هشدار')).hits[0]!;
        expect(hit.id).to.equal('escaped');
        expect(hit.snippet).to.include('&lt;script&gt;');
        expect(hit.snippet).to.include('&amp;');
        expect(hit.snippet).not.to.match(/<(?!\/?mark>)/);
        expect(snippetText(hit.snippet)).to.include('<script>alert("x")</script>');
        expect(marked(hit.snippet)).to.include('هشدار');
      });

      it('cuts about 200 characters around the match, on word boundaries', async function () {
        const hit = (await search(SECRETARIAT, 'میانه')).hits[0]!;
        expect(hit.id).to.equal('long-page');
        const text = snippetText(hit.snippet);
        expect(text.length).to.be.within(100, 320);
        expect(text).to.include('میانه‌ی متن');
        for (const piece of text.replace(/…/g, '').trim().split(/\s+/)) {
          expect(`${FILLER.join(' ')} میانه‌ی متن`.split(/\s+/), `a word cut in two: ${piece}`).to.include(piece);
        }
      });

      it('takes the last word as a prefix (search as you type)', async function () {
        expect(ids(await search(SECRETARIAT, 'آمادگی اضط'))).to.include('prefix');
        expect(ids(await search(SECRETARIAT, 'برنامه آمادگی اضطرار'))).to.include('prefix');
        expect(ids(await search(SECRETARIAT, 'اضطرا'))).to.include('prefix');
      });

      it('reads a word no document has, one letter off (replaced, left out, doubled), as the indexed word, and says so', async function () {
        for (const typo of ['پیشگیزی', 'پیشگری', 'پیشگییری']) {
          const result = await search(SECRETARIAT, typo);
          expect(ids(result), typo).to.deep.equal(['typo']);
          expect(result.didYouMean, typo).to.equal('پیشگیری');
        }
      });
    });

    describe('one rule for every engine: what matches, and what a typo finds', function () {
      // Two words one letter apart (کارگاه, کارگار), each in documents of its own; two more (سرداب, سردار),
      // one of them only in a draft. Distinct words on the pages of one document (ریزگرد, قنات).
      const docs = [
        buildDocument('workshop-1', [`${filler(0)} بازدید از کارگاه ایمنی ${filler(1)}`], { title: 'بازدید یکم', city: 'tehran' }),
        buildDocument('workshop-2', [`${filler(2)} کارگاه آموزشی ${filler(3)}`], { title: 'بازدید دوم', city: 'isfahan' }),
        buildDocument('worker-1', [`${filler(4)} کارگار نمونه ${filler(0)}`], { title: 'معرفی یکم', city: 'mashhad' }),
        buildDocument('worker-draft-1', [`${filler(1)} کارگار تازه ${filler(2)}`], { title: 'معرفی دوم', city: 'mashhad', status: 'draft' }),
        buildDocument('worker-draft-2', [`${filler(3)} کارگار دیگر ${filler(4)}`], { title: 'معرفی سوم', city: 'mashhad', status: 'draft' }),
        buildDocument('cellar-draft', [`${filler(0)} سرداب قدیمی ${filler(2)}`], { title: 'پیش‌نویس انبار', city: 'shiraz', status: 'draft' }),
        buildDocument('general', [`${filler(1)} سردار شهر ${filler(3)}`], { title: 'یادبود', city: 'shiraz' }),
        buildDocument('spread', [`${filler(2)} ریزگرد در دشت ${filler(4)}`, `${filler(0)} ${filler(1)}`, `${filler(3)} قنات روستا ${filler(1)}`], { title: 'دو واژه در دو صفحه', city: 'yazd' }),
        buildDocument('dust-only', [`${filler(4)} ریزگرد شهری ${filler(0)}`], { title: 'هوای شهر', city: 'ahvaz' }),
        buildDocument('qanat-only', [`${filler(3)} قنات قدیمی ${filler(2)}`], { title: 'آب‌رسانی', city: 'kerman' }),
      ];

      before(async function () {
        await reset(docs);
      });

      it('matches a document that has every word anywhere in it, each word on a page of its own', async function () {
        const result = await search(READER, 'ریزگرد قنات');
        expect(ids(result)).to.deep.equal(['spread']);
        expect(result.total).to.equal(1);
        expect(result.relaxed).to.equal(false);
        expect(result.hits[0]!.page === null || [1, 3].includes(result.hits[0]!.page), String(result.hits[0]!.page)).to.equal(true);
        expect(result.facets.city).to.deep.equal({ yazd: 1 });
        expect(ids(await search(READER, 'قنات دو واژه'))).to.deep.equal(['spread']);
      });

      it('matches words as written, never by resemblance: a word one letter from another finds only its own documents', async function () {
        const workshop = await search(SECRETARIAT, 'کارگاه');
        expect(ids(workshop)).to.have.members(['workshop-1', 'workshop-2']);
        expect(workshop.total).to.equal(2);
        expect(workshop.facets.city).to.deep.equal({ tehran: 1, isfahan: 1 });
        expect(workshop.didYouMean).to.equal(undefined);
        const worker = await search(SECRETARIAT, 'کارگار');
        expect(ids(worker)).to.have.members(['worker-1', 'worker-draft-1', 'worker-draft-2']);
        expect(worker.total).to.equal(3);
        expect(worker.facets.city).to.deep.equal({ mashhad: 3 });
      });

      it('reads a word no document has as the indexed word one edit away that most documents the viewer may see have, and says so', async function () {
        // The secretariat sees three documents with کارگار and two with کارگاه; a reader one and two.
        const secretariat = await search(SECRETARIAT, 'کارگاد');
        expect(ids(secretariat)).to.have.members(['worker-1', 'worker-draft-1', 'worker-draft-2']);
        expect(secretariat.total).to.equal(3);
        expect(secretariat.facets.city).to.deep.equal({ mashhad: 3 });
        expect(secretariat.didYouMean).to.equal('کارگار');
        const reader = await search(READER, 'کارگاد');
        expect(ids(reader)).to.have.members(['workshop-1', 'workshop-2']);
        expect(reader.total).to.equal(2);
        expect(reader.facets.city).to.deep.equal({ tehran: 1, isfahan: 1 });
        expect(reader.didYouMean).to.equal('کارگاه');
        const twoWords = await search(READER, 'کارگاد آموزشی');
        expect(ids(twoWords)).to.deep.equal(['workshop-2']);
        // In the normalized spelling of every query word (آ is folded to ا).
        expect(twoWords.didYouMean).to.equal('کارگاه اموزشی');
      });

      it('never corrects a word some document has, even one the viewer may not see, nor suggests another for it', async function () {
        const result = await search(READER, 'سرداب');
        expect(result.total).to.equal(0);
        expect(result.hits).to.deep.equal([]);
        expect(result.didYouMean).to.equal(undefined);
        expect(ids(await search(cityViewer('shiraz'), 'سرداب'))).to.deep.equal(['cellar-draft']);
        expect(ids(await search(READER, 'سردار'))).to.deep.equal(['general']);
      });

      it('takes the last word as the start of a longer word before any correction, and corrects no word of 3 letters', async function () {
        expect(ids(await search(SECRETARIAT, 'کارگا'))).to.have.members(['workshop-1', 'workshop-2', 'worker-1', 'worker-draft-1', 'worker-draft-2']);
        const short = await search(SECRETARIAT, 'کاد');
        expect(short.total).to.equal(0);
        expect(short.didYouMean).to.equal(undefined);
      });
    });

    describe('facets, filters, sorting and paging', function () {
      const corpus = [
        buildDocument('f1', ['تجربه مانور زلزله'], { city: 'tehran', kind: 'threat-study', hazards: ['earthquake'], year: 1391, resolutions: ['9/2'], fileType: 'pdf' }),
        buildDocument('f2', ['تجربه مانور سیل'], { city: 'tehran', kind: 'training-material', hazards: ['flood'], year: 1392, resolutions: [], fileType: 'docx' }),
        buildDocument('f3', ['تجربه مانور'], { city: 'mashhad', kind: 'threat-study', hazards: ['earthquake', 'flood'], year: 1391, resolutions: ['9/2', '9/3'], fileType: 'pdf' }),
        buildDocument('f4', ['تجربه'], { city: 'mashhad', kind: 'meeting-minutes', hazards: ['fire'], year: 1393, resolutions: ['9/3'], fileType: 'xlsx' }),
        buildDocument('f5', ['تجربه'], { city: 'isfahan', kind: 'threat-study', hazards: ['flood'], year: 1392, resolutions: [], fileType: 'pdf' }),
        buildDocument('f6', ['چیز دیگری'], { city: 'isfahan', kind: 'other', hazards: ['drought'], year: 1390, fileType: 'txt' }),
      ];
      const tagged = corpus.filter((doc) => doc.id !== 'f6');

      before(async function () {
        await reset(corpus);
      });

      /** Counts a facet over documents, the way the index must: multi-valued facets count a document once per value. */
      function expectedCounts(docs: IndexedDocument[], facet: Facet): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const doc of docs) {
          const values =
            facet === 'city'
              ? [doc.city]
              : facet === 'kind'
                ? [doc.kind]
                : facet === 'hazard'
                  ? doc.hazards
                  : facet === 'year'
                    ? [String(doc.year)]
                    : facet === 'resolution'
                      ? doc.resolutions
                      : facet === 'type'
                        ? [doc.type ?? 'document']
                        : [doc.fileType];
          for (const value of new Set(values)) counts[value] = (counts[value] ?? 0) + 1;
        }
        return counts;
      }

      it('counts every facet over the documents matching q', async function () {
        const result = await search(READER, 'تجربه');
        expect(result.total).to.equal(5);
        expect(Object.keys(result.facets)).to.have.members([...FACETS]);
        for (const facet of FACETS) expect(result.facets[facet], facet).to.deep.equal(expectedCounts(tagged, facet));
      });

      it('counts facets of all visible documents for an empty q', async function () {
        const result = await search(READER, '');
        expect(result.total).to.equal(6);
        for (const facet of FACETS) expect(result.facets[facet], facet).to.deep.equal(expectedCounts(corpus, facet));
      });

      it('ORs the values of one facet', async function () {
        const result = await search(READER, 'تجربه', { filters: { city: ['tehran', 'isfahan'] } });
        expect(ids(result)).to.have.members(['f1', 'f2', 'f5']);
        expect(result.total).to.equal(3);
      });

      it('ANDs different facets', async function () {
        const result = await search(READER, 'تجربه', { filters: { city: ['tehran', 'mashhad'], hazard: ['flood'] } });
        expect(ids(result)).to.have.members(['f2', 'f3']);
        expect(result.total).to.equal(2);
        const resolution = await search(READER, '', { filters: { resolution: ['9/3'], year: ['1391', '1393'], fileType: ['pdf'] } });
        expect(ids(resolution)).to.deep.equal(['f3']);
        const kind = await search(READER, 'تجربه', { filters: { kind: ['threat-study'], hazard: ['earthquake'] } });
        expect(ids(kind)).to.have.members(['f1', 'f3']);
      });

      it('counts each facet with the filters of the other facets only', async function () {
        const result = await search(READER, 'تجربه', { filters: { city: ['tehran'], hazard: ['flood'] } });
        expect(ids(result)).to.deep.equal(['f2']);
        // city: counted with hazard=flood only, so other cities stay selectable
        expect(result.facets.city).to.deep.equal(expectedCounts(tagged.filter((d) => d.hazards.includes('flood')), 'city'));
        // hazard: counted with city=tehran only
        expect(result.facets.hazard).to.deep.equal(expectedCounts(tagged.filter((d) => d.city === 'tehran'), 'hazard'));
        // the unfiltered facets: counted with both filters
        for (const facet of ['kind', 'year', 'resolution', 'fileType'] as const) expect(result.facets[facet], facet).to.deep.equal(expectedCounts([tagged[1]!], facet));
      });

      it('finds nothing for a filter value no document has, and still counts that facet', async function () {
        const result = await search(READER, 'تجربه', { filters: { city: ['tabriz'] } });
        expect(result.total).to.equal(0);
        expect(result.hits).to.deep.equal([]);
        expect(result.facets.city).to.deep.equal(expectedCounts(tagged, 'city'));
        expect(result.facets.kind).to.deep.equal({});
      });

      it('sorts by newest when asked, and browses newest first for an empty q', async function () {
        const newestFirst = [...tagged].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).map((d) => d.id);
        expect(ids(await search(READER, 'تجربه', { sort: 'newest' }))).to.deep.equal(newestFirst);
        const all = [...corpus].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).map((d) => d.id);
        expect(ids(await search(READER, ''))).to.deep.equal(all);
        expect(ids(await search(READER, '', { sort: 'relevance' }))).to.deep.equal(all);
      });

      it('requires every word of the query', async function () {
        const found = ids(await search(READER, 'تجربه مانور'));
        expect(found).to.have.members(['f1', 'f2', 'f3']);
      });

      it('gives browsing hits no page', async function () {
        for (const hit of (await search(READER, '')).hits) expect(hit.page).to.equal(null);
      });

      it('returns the hit fields', async function () {
        const hit = (await search(READER, 'زلزله')).hits[0]!;
        expect(hit).to.include({ id: 'f1', type: 'document', title: 'سند f1', city: 'tehran', kind: 'threat-study', year: 1391, page: 1 });
        expect(hit.snippet).to.be.a('string');
      });

      describe('paging', function () {
        const many = Array.from({ length: 25 }, (_, i) => buildDocument(`p${String(i).padStart(2, '0')}`, [`صفحه‌بندی نتایج ${filler(i)}`]));

        before(async function () {
          await reset(many);
        });

        it('splits the results into pages with one total', async function () {
          const seen: string[] = [];
          for (const page of [1, 2, 3]) {
            const result = await search(READER, 'نتایج', { page, perPage: 10, sort: 'newest' });
            expect(result.total).to.equal(25);
            expect(result.hits).to.have.length(page === 3 ? 5 : 10);
            seen.push(...ids(result));
          }
          expect(seen).to.deep.equal([...many].reverse().map((d) => d.id));
          const beyond = await search(READER, 'نتایج', { page: 4, perPage: 10 });
          expect(beyond.total).to.equal(25);
          expect(beyond.hits).to.deep.equal([]);
        });

        it('pages a relevance ranking without repeating or losing a document', async function () {
          const seen: string[] = [];
          for (const page of [1, 2, 3, 4]) seen.push(...ids(await search(READER, 'نتایج', { page, perPage: 7 })));
          expect(seen).to.have.length(25);
          expect(new Set(seen).size).to.equal(25);
        });

        it('pages browsing', async function () {
          const result = await search(READER, '', { page: 2, perPage: 20 });
          expect(result.total).to.equal(25);
          expect(result.hits).to.have.length(5);
        });
      });
    });

    describe('visibility', function () {
      const WORD = 'هماهنگی';
      const docs = [
        buildDocument('draft-tehran', [`${WORD} پیش‌نویس تهران واژه‌یکم`], { status: 'draft', kind: 'threat-study', year: 1381, hazards: ['fire'] }),
        buildDocument('submitted-tehran', [`${WORD} ارسالی تهران واژه‌دوم`], { status: 'submitted', kind: 'training-material', year: 1382, hazards: ['flood'] }),
        buildDocument('returned-tehran', [`${WORD} برگشتی تهران واژه‌سوم`], { status: 'returned', kind: 'public-education', year: 1383, hazards: ['drought'] }),
        buildDocument('portal-tehran', [`${WORD} عمومی تهران واژه‌چهارم`], { status: 'published', access: 'portal', kind: 'partnership-report', year: 1384, hazards: ['earthquake'] }),
        buildDocument('restricted-tehran', [`${WORD} محدود تهران واژه‌پنجم`], { status: 'published', access: 'restricted', sharedWith: ['shiraz'], kind: 'meeting-minutes', year: 1385, hazards: ['landslide'] }),
        buildDocument('withdrawn-tehran', [`${WORD} بایگانی تهران واژه‌ششم`], { status: 'withdrawn', access: 'portal', kind: 'health-safety-plan', year: 1386, hazards: ['epidemic'], fileType: 'mp4' }),
        buildDocument('draft-mashhad', [`${WORD} پیش‌نویس مشهد واژه‌هفتم`], { status: 'draft', city: 'mashhad', kind: 'other', year: 1387, hazards: ['industrial'], fileType: 'docx' }),
        buildDocument('restricted-mashhad', [`${WORD} محدود مشهد واژه‌هشتم`], { status: 'published', access: 'restricted', city: 'mashhad', sharedWith: [], kind: 'other', year: 1388, hazards: ['dust-storm'], fileType: 'odt' }),
      ];
      const viewers: [string, Viewer][] = [
        ['the secretariat', SECRETARIAT],
        ['the owner city (tehran)', cityViewer('tehran')],
        ['another city (isfahan)', cityViewer('isfahan')],
        ['a city shared with (shiraz)', cityViewer('shiraz')],
        ['mashhad', cityViewer('mashhad')],
        ['a reader', READER],
        ['a city user without a city', { role: 'city', city: null }],
      ];
      const visibleIds = (viewer: Viewer, list: IndexedDocument[] = docs): string[] => list.filter((d) => visibleTo(viewer, d)).map((d) => d.id);
      const facetValues = (doc: IndexedDocument): Record<Facet, string[]> => ({
        city: [doc.city],
        kind: doc.kind ? [doc.kind] : [],
        hazard: doc.hazards,
        year: [String(doc.year)],
        resolution: doc.resolutions,
        fileType: doc.fileType ? [doc.fileType] : [],
        type: [doc.type ?? 'document'],
      });

      async function expectVisible(viewer: Viewer, expected: string[], list: IndexedDocument[] = docs): Promise<void> {
        const visible = list.filter((d) => expected.includes(d.id));
        for (const q of [WORD, '']) {
          const result = await search(viewer, q);
          expect(ids(result), `q=${q}`).to.have.members(expected);
          expect(result.total, `q=${q}`).to.equal(expected.length);
          for (const facet of FACETS) {
            const counts: Record<string, number> = {};
            for (const doc of visible) for (const value of facetValues(doc)[facet]) counts[value] = (counts[value] ?? 0) + 1;
            expect(result.facets[facet], `q=${q} facet ${facet}`).to.deep.equal(counts);
          }
          for (const hit of result.hits) {
            const own = list.find((d) => d.id === hit.id)!.pages[0]!.text;
            if (q) expect(snippetText(hit.snippet), `the snippet of ${hit.id}`).to.include(own);
          }
        }
        for (const doc of list) {
          const own = doc.pages[0]!.text.split(' ').pop()!;
          const result = await search(viewer, own);
          const shouldSee = expected.includes(doc.id);
          expect(ids(result), `${doc.id} by its own word`).to.deep.equal(shouldSee ? [doc.id] : []);
          expect(result.total).to.equal(shouldSee ? 1 : 0);
          for (const facet of FACETS) for (const count of Object.values(result.facets[facet])) expect(count).to.equal(shouldSee ? 1 : 0);
          const withFilter = await search(viewer, WORD, { filters: { year: [String(doc.year)] } });
          expect(withFilter.total, `${doc.id} through a filter`).to.equal(shouldSee ? 1 : 0);
        }
      }

      before(async function () {
        await reset(docs);
      });

      for (const [who, viewer] of viewers) {
        it(`shows ${who} exactly what visibleTo allows, in hits, snippets, totals and facet counts`, async function () {
          await expectVisible(viewer, visibleIds(viewer));
        });
      }

      it('spells out the matrix for the main viewers', function () {
        expect(visibleIds(SECRETARIAT)).to.have.members(docs.map((d) => d.id).filter((id) => id !== 'withdrawn-tehran'));
        expect(visibleIds(cityViewer('tehran'))).to.have.members(['draft-tehran', 'submitted-tehran', 'returned-tehran', 'portal-tehran', 'restricted-tehran']);
        expect(visibleIds(cityViewer('shiraz'))).to.have.members(['portal-tehran', 'restricted-tehran']);
        expect(visibleIds(cityViewer('isfahan'))).to.have.members(['portal-tehran']);
        expect(visibleIds(cityViewer('mashhad'))).to.have.members(['portal-tehran', 'draft-mashhad', 'restricted-mashhad']);
        expect(visibleIds(READER)).to.have.members(['portal-tehran']);
      });

      it('never suggests a word only invisible documents have', async function () {
        const secret = buildDocument('secret-draft', ['ژئوتکنیک ساختگاه'], { status: 'draft', city: 'mashhad' });
        await index.upsert(secret);
        try {
          for (const viewer of [READER, cityViewer('tehran')]) {
            const result = await search(viewer, 'ژئوتکنیگ');
            expect(result.total).to.equal(0);
            expect(result.didYouMean ?? '').not.to.include('ژئوتکنیک');
            expect((await search(viewer, 'ژئوتکنیک')).total).to.equal(0);
          }
          expect((await search(cityViewer('mashhad'), 'ژئوتکنیک')).total).to.equal(1);
        } finally {
          await index.remove('secret-draft');
        }
      });

      describe('changes take effect at once', function () {
        beforeEach(async function () {
          await reset(docs);
        });

        it('publishing a draft shows it to everyone', async function () {
          await index.updateAccess('draft-tehran', { status: 'published', access: 'portal', sharedWith: [], city: 'tehran' });
          const changed = docs.map((d) => (d.id === 'draft-tehran' ? { ...d, status: 'published' as const } : d));
          await expectVisible(READER, visibleIds(READER, changed), changed);
          expect(visibleIds(READER, changed)).to.include('draft-tehran');
        });

        it('restricting and sharing', async function () {
          await index.updateAccess('portal-tehran', { status: 'published', access: 'restricted', sharedWith: ['isfahan'], city: 'tehran' });
          const changed = docs.map((d) => (d.id === 'portal-tehran' ? { ...d, access: 'restricted' as const, sharedWith: ['isfahan'] } : d));
          for (const viewer of [READER, cityViewer('isfahan'), cityViewer('shiraz')]) await expectVisible(viewer, visibleIds(viewer, changed), changed);
          expect(visibleIds(READER, changed)).to.deep.equal([]);
          expect(visibleIds(cityViewer('isfahan'), changed)).to.deep.equal(['portal-tehran']);
        });

        it('unsharing', async function () {
          await index.updateAccess('restricted-tehran', { status: 'published', access: 'restricted', sharedWith: [], city: 'tehran' });
          const changed = docs.map((d) => (d.id === 'restricted-tehran' ? { ...d, sharedWith: [] } : d));
          await expectVisible(cityViewer('shiraz'), ['portal-tehran'], changed);
        });

        it('withdrawing hides a document from everyone, its owner and the secretariat too', async function () {
          await index.updateAccess('portal-tehran', { status: 'withdrawn', access: 'portal', sharedWith: [], city: 'tehran' });
          const changed = docs.map((d) => (d.id === 'portal-tehran' ? { ...d, status: 'withdrawn' as const } : d));
          for (const viewer of [SECRETARIAT, cityViewer('tehran'), READER]) await expectVisible(viewer, visibleIds(viewer, changed), changed);
        });

        it('moving a document to another city changes its owner and its city facet', async function () {
          await index.updateAccess('draft-tehran', { status: 'draft', access: 'portal', sharedWith: [], city: 'isfahan' });
          const changed = docs.map((d) => (d.id === 'draft-tehran' ? { ...d, city: 'isfahan' } : d));
          for (const viewer of [SECRETARIAT, cityViewer('tehran'), cityViewer('isfahan')]) await expectVisible(viewer, visibleIds(viewer, changed), changed);
        });

        it('removing a document takes it out of hits, totals and counts', async function () {
          await index.remove('portal-tehran');
          const changed = docs.filter((d) => d.id !== 'portal-tehran');
          for (const viewer of [SECRETARIAT, READER]) await expectVisible(viewer, visibleIds(viewer, changed), changed);
          await index.remove('portal-tehran');
          await index.remove('never-indexed');
        });

        it('updateAccess of an unknown document changes nothing', async function () {
          await index.updateAccess('never-indexed', { status: 'published', access: 'portal', sharedWith: [], city: 'tehran' });
          await expectVisible(READER, visibleIds(READER));
        });
      });
    });

    describe('what people mean: synonyms, word forms, stop words, partial matches, labels, phrases, exclusion, related', function () {
      const SYNONYMS = [
        ['زلزله', 'زمین‌لرزه', 'Earthquake'],
        ['سیل', 'سیلاب', 'Flood'],
      ];
      const docs = [
        buildDocument('quake-word', [`${filler(0)} گزارش زلزله در محله ${filler(1)}`], { title: 'ایمنی ساختمان', hazards: ['earthquake'] }),
        buildDocument('quake-synonym', [`${filler(2)} زمین‌لرزه و آوار ${filler(3)}`], { title: 'آوار', city: 'mashhad', hazards: ['earthquake'] }),
        buildDocument('shelters', [`${filler(4)} پناهگاه‌ها و فضاهای باز ${filler(0)}`], { title: 'فضاهای امن', city: 'isfahan' }),
        buildDocument('shelter', [`${filler(1)} پناهگاه اضطراری ${filler(2)}`], { title: 'اسکان موقت', city: 'karaj' }),
        buildDocument('flood-mashhad', [`${filler(3)} گزارش سیل بهاری ${filler(4)}`], { title: 'بارش فروردین', city: 'mashhad', hazards: ['flood'] }),
        buildDocument('rationing-shiraz', [`${filler(0)} جیره‌بندی آب در تابستان ${filler(2)}`], { title: 'توزیع آب با تانکر', city: 'shiraz', hazards: ['drought'] }),
        buildDocument('phrase-together', [`${filler(1)} کارگروه پدافند غیرعامل ${filler(3)}`], { title: 'نشست فصلی' }),
        buildDocument('phrase-apart', [`${filler(4)} پدافند در کارگروه غیرعامل ${filler(0)}`], { title: 'هماهنگی دستگاه‌ها', city: 'arak' }),
        buildDocument('two-pages', [`${filler(2)} پدافند شهری`, `${filler(3)} دبیر کارگروه`], { title: 'دو صفحه', city: 'qom' }),
        buildDocument('lone', [`${filler(0)} پدافند هوایی`], { title: 'یک صفحه', city: 'yazd' }),
        buildDocument('neighbourhoods', [`${filler(0)} محله‌های کم‌برخوردار ${filler(4)}`], { title: 'سرانه خدمات', city: 'tabriz' }),
        buildDocument('hidden-synonym', [`${filler(1)} زمین‌لرزه پنهان`], { title: 'پیش‌نویس', status: 'draft', city: 'mashhad', hazards: ['earthquake'] }),
      ];

      before(async function () {
        await reset(docs);
        await index.setSynonyms(SYNONYMS);
      });

      after(async function () {
        await index.setSynonyms([]);
      });

      it('finds every term of a synonym group by any of them, in either language', async function () {
        expect(ids(await search(SECRETARIAT, 'زمین‌لرزه'))).to.include.members(['quake-word', 'quake-synonym']);
        expect(ids(await search(SECRETARIAT, 'زلزله'))).to.include.members(['quake-word', 'quake-synonym']);
        expect(ids(await search(SECRETARIAT, 'earthquake'))).to.include.members(['quake-word', 'quake-synonym']);
        expect(ids(await search(SECRETARIAT, 'سیلاب'))).to.include('flood-mashhad');
        const hit = (await search(SECRETARIAT, 'زمین‌لرزه')).hits.find((h) => h.id === 'quake-word')!;
        expect(marked(hit.snippet)).to.include('زلزله');
      });

      it('never widens visibility through a synonym', async function () {
        for (const viewer of [READER, cityViewer('tehran')]) {
          for (const q of ['زلزله', 'زمین‌لرزه', 'earthquake', 'پنهان']) expect(ids(await search(viewer, q)), q).not.to.include('hidden-synonym');
        }
        expect(ids(await search(cityViewer('mashhad'), 'زلزله'))).to.include('hidden-synonym');
      });

      it('forgets a group once the groups are set without it', async function () {
        await index.setSynonyms([SYNONYMS[1]!]);
        try {
          expect(ids(await search(SECRETARIAT, 'زمین‌لرزه'))).to.have.members(['quake-synonym', 'hidden-synonym']);
        } finally {
          await index.setSynonyms(SYNONYMS);
        }
      });

      it('finds other forms of a word (plural, ezafe, broken plural), the form typed first', async function () {
        const plural = ids(await search(SECRETARIAT, 'پناهگاه‌ها'));
        expect(plural.slice(0, 2)).to.deep.equal(['shelters', 'shelter']);
        expect(ids(await search(SECRETARIAT, 'پناهگاه'))).to.include.members(['shelters', 'shelter']);
        expect(ids(await search(SECRETARIAT, 'محلات'))).to.include.members(['quake-word', 'neighbourhoods']);
        expect(ids(await search(SECRETARIAT, 'محله‌ها کم‌برخوردار'))).to.deep.equal(['neighbourhoods']);
        const hit = (await search(SECRETARIAT, 'پناهگاه‌ها')).hits.find((h) => h.id === 'shelter')!;
        expect(marked(hit.snippet)).to.include('پناهگاه');
      });

      it('ignores stop words, unless the query has nothing else', async function () {
        const natural = await search(SECRETARIAT, 'گزارش درباره سیل مشهد');
        expect(ids(natural)[0]).to.equal('flood-mashhad');
        expect(natural.relaxed).to.equal(false);
        const only = await search(SECRETARIAT, 'درباره');
        expect(only.total).to.equal(0);
      });

      it('answers the documents with most of the words when none has them all, and says so', async function () {
        const partial = await search(SECRETARIAT, 'سیل بهاری اهواز');
        expect(partial.relaxed).to.equal(true);
        expect(ids(partial)[0]).to.equal('flood-mashhad');
        const whole = await search(SECRETARIAT, 'گزارش زلزله');
        expect(whole.relaxed).to.equal(false);
        expect(ids(whole)).to.deep.equal(['quake-word']);
        const none = await search(SECRETARIAT, 'هواپیما فضاپیما');
        expect(none.total).to.equal(0);
        expect(none.relaxed).to.equal(false);
      });

      it('never relaxes a query into a document the viewer may not see', async function () {
        const result = await search(READER, 'پنهان هواپیما');
        expect(ids(result)).not.to.include('hidden-synonym');
      });

      it('finds documents by the Persian and English names of their city, kind and hazards', async function () {
        expect(ids(await search(SECRETARIAT, 'drought'))).to.deep.equal(['rationing-shiraz']);
        expect(ids(await search(SECRETARIAT, 'خشکسالی'))).to.deep.equal(['rationing-shiraz']);
        expect(ids(await search(SECRETARIAT, 'Shiraz'))).to.deep.equal(['rationing-shiraz']);
        expect(ids(await search(SECRETARIAT, 'flood Mashhad'))).to.deep.equal(['flood-mashhad']);
        expect(ids(await search(SECRETARIAT, 'تبریز'))).to.deep.equal(['neighbourhoods']);
      });

      it('matches a quoted phrase word for word, and its words apart only without quotes', async function () {
        expect(ids(await search(SECRETARIAT, '"کارگروه پدافند غیرعامل"'))).to.deep.equal(['phrase-together']);
        expect(ids(await search(SECRETARIAT, '«کارگروه پدافند غیرعامل»'))).to.deep.equal(['phrase-together']);
        expect(ids(await search(SECRETARIAT, 'کارگروه پدافند غیرعامل'))).to.have.members(['phrase-together', 'phrase-apart']);
        const hit = (await search(SECRETARIAT, '"کارگروه پدافند غیرعامل"')).hits[0]!;
        expect(hit.page).to.equal(1);
        expect(marked(hit.snippet).join(' ')).to.include('پدافند');
      });

      it('matches a quoted phrase typed with spaces where the text has a ZWNJ (rule 5), and with the ZWNJ, at its page', async function () {
        for (const q of ['"محله های کم برخوردار"', '"محله‌های کم‌برخوردار"', '"محلههای کمبرخوردار"']) {
          const result = await search(SECRETARIAT, q);
          expect(ids(result), q).to.deep.equal(['neighbourhoods']);
          expect(result.hits[0]!.page, q).to.equal(1);
        }
      });

      it('leaves out the documents with an excluded word, on any of their pages', async function () {
        expect(ids(await search(SECRETARIAT, 'پدافند -کارگروه'))).to.deep.equal(['lone']);
        expect(ids(await search(SECRETARIAT, 'پدافند -"کارگروه پدافند"'))).to.have.members(['phrase-apart', 'two-pages', 'lone']);
        const onlyExcluded = await search(SECRETARIAT, '-کارگروه');
        expect(onlyExcluded.total).to.be.greaterThan(0);
        expect(ids(onlyExcluded)).to.include('lone');
        expect(ids(onlyExcluded)).not.to.include.members(['phrase-together', 'phrase-apart', 'two-pages']);
      });

    });

    describe('related documents', function () {
      before(async function () {
        await reset([
          buildDocument('r-source', ['پناهگاه اضطراری محله با مخزن آب و مولد برق'], { title: 'پناهگاه محله', hazards: ['earthquake'] }),
          buildDocument('r-mashhad', ['پناهگاه اضطراری و مولد برق برای اسکان موقت'], { title: 'اسکان موقت', city: 'mashhad', hazards: ['earthquake'] }),
          buildDocument('r-same-city', ['پناهگاه اضطراری دوم با مخزن آب'], { title: 'پناهگاه دوم', hazards: ['earthquake'] }),
          buildDocument('r-hazard-only', ['مقاوم‌سازی مدارس قدیمی'], { title: 'مدارس', city: 'tabriz', hazards: ['earthquake'] }),
          buildDocument('r-unrelated', ['سیلاب دروازه قرآن و خودروها'], { title: 'سیلاب', city: 'shiraz', hazards: ['flood'] }),
          buildDocument('r-hidden', ['پناهگاه اضطراری مخزن آب مولد برق محله'], { title: 'پیش‌نویس', city: 'isfahan', status: 'draft', hazards: ['earthquake'] }),
          buildDocument('r-other-1', ['جیره‌بندی آب تابستان'], { title: 'آب', city: 'yazd', hazards: ['drought'] }),
          buildDocument('r-other-2', ['آتش‌سوزی بازار و کسبه'], { title: 'بازار', city: 'qom', hazards: ['fire'] }),
        ]);
      });

      it('answers the documents most like one, other cities first, within what the viewer may see, never the document itself', async function () {
        const related = await index.related(READER, 'r-source', 5);
        const found = related.map((h) => h.id);
        expect(found[0]).to.equal('r-mashhad');
        expect(found).to.include.members(['r-mashhad', 'r-hazard-only', 'r-same-city']);
        expect(found).not.to.include.members(['r-source', 'r-hidden']);
        expect(found.indexOf('r-hazard-only')).to.be.lessThan(found.indexOf('r-same-city'));
        const cities = related.map((h) => h.city);
        expect(cities.slice(cities.indexOf('tehran')).every((c) => c === 'tehran'), cities.join(',')).to.equal(true);
        for (const hit of related) expect(hit).to.have.keys(['id', 'type', 'title', 'city', 'kind', 'year', 'snippet', 'page']);
        expect(related.every((hit) => hit.page === null)).to.equal(true);
        expect((await index.related(SECRETARIAT, 'r-source', 5)).map((h) => h.id)).to.include('r-hidden');
        expect((await index.related(READER, 'r-source', 1)).map((h) => h.id)).to.deep.equal(['r-mashhad']);
        expect(await index.related(SECRETARIAT, 'never-indexed', 5)).to.deep.equal([]);
      });
    });

    describe('lessons beside documents', function () {
      const WORD = 'آبگرفتگی';
      const entries = [
        buildDocument('doc-portal', [`${WORD} زیرگذر در گزارش`], { kind: 'threat-study', hazards: ['flood'], year: 1401 }),
        buildDocument('doc-draft', [`${WORD} پیش‌نویس گزارش`], { status: 'draft', kind: 'other', hazards: ['flood'], year: 1401 }),
        buildLesson('lesson-portal', [`${WORD} زیرگذرهای کلان‌شهر در باران بهاری`, 'دریچه‌ها بسته بود', 'لایروبی پیش از فصل باران'], { hazards: ['flood'], year: 1402, resolutions: ['9/2'] }),
        buildLesson('lesson-draft', [`${WORD} پیش‌نویس درس`], { status: 'draft', hazards: ['flood'], year: 1402 }),
        buildLesson('lesson-submitted-mashhad', [`${WORD} درس فرستاده مشهد`], { status: 'submitted', city: 'mashhad', hazards: ['earthquake'], year: 1403 }),
        buildLesson('lesson-restricted', [`${WORD} درس محدود`], { access: 'restricted', sharedWith: ['shiraz'], hazards: ['flood'], year: 1403 }),
        buildLesson('lesson-returned', [`${WORD} درس برگشتی`], { status: 'returned', hazards: [], year: 1404 }),
      ];
      const byId = new Map(entries.map((e) => [e.id, e]));
      const viewers: [string, Viewer, string[]][] = [
        ['the secretariat', SECRETARIAT, entries.map((e) => e.id)],
        ['the owner city (tehran)', cityViewer('tehran'), ['doc-portal', 'doc-draft', 'lesson-portal', 'lesson-draft', 'lesson-restricted', 'lesson-returned']],
        ['a city shared with (shiraz)', cityViewer('shiraz'), ['doc-portal', 'lesson-portal', 'lesson-restricted']],
        ['mashhad', cityViewer('mashhad'), ['doc-portal', 'lesson-portal', 'lesson-submitted-mashhad']],
        ['a reader', READER, ['doc-portal', 'lesson-portal']],
      ];

      before(async function () {
        await reset(entries);
      });

      for (const [who, viewer, expected] of viewers) {
        it(`shows ${who} exactly the lessons and documents it may see, each hit saying which it is, in hits, totals and facet counts`, async function () {
          expect(entries.filter((e) => visibleTo(viewer, e)).map((e) => e.id), 'the expectation agrees with visibleTo').to.have.members(expected);
          for (const q of [WORD, '']) {
            const result = await search(viewer, q);
            expect(ids(result), `q=${q}`).to.have.members(expected);
            expect(result.total).to.equal(expected.length);
            for (const hit of result.hits) expect(hit.type, hit.id).to.equal(byId.get(hit.id)!.type ?? 'document');
            const lessons = expected.filter((id) => byId.get(id)!.type === 'lesson').length;
            const documents = expected.length - lessons;
            expect(result.facets.type, `q=${q}: the type facet`).to.deep.equal({ ...(documents ? { document: documents } : {}), ...(lessons ? { lesson: lessons } : {}) });
            const kinds: Record<string, number> = {};
            for (const id of expected) if (byId.get(id)!.kind) kinds[byId.get(id)!.kind] = (kinds[byId.get(id)!.kind] ?? 0) + 1;
            expect(result.facets.kind, 'a lesson counts in no kind').to.deep.equal(kinds);
            const hazards: Record<string, number> = {};
            for (const id of expected) for (const h of byId.get(id)!.hazards) hazards[h] = (hazards[h] ?? 0) + 1;
            expect(result.facets.hazard).to.deep.equal(hazards);
          }
          const onlyLessons = await search(viewer, WORD, { filters: { type: ['lesson'] } });
          expect(ids(onlyLessons)).to.have.members(expected.filter((id) => byId.get(id)!.type === 'lesson'));
          expect(Object.keys(onlyLessons.facets.type).sort(), 'the type facet leaves its own filter out').to.deep.equal([...new Set(expected.map((id) => byId.get(id)!.type ?? 'document'))].sort());
        });
      }

      it('finds a lesson by its observation, analysis and recommendation however they are spelled, with a snippet and no page', async function () {
        for (const q of ['کلانشهر', 'دريچه', 'لایروبی', 'كلان شهر بهاری']) {
          const result = await search(READER, q);
          expect(ids(result), q).to.deep.equal(['lesson-portal']);
          const hit = result.hits[0]!;
          expect(hit).to.include({ type: 'lesson', city: 'tehran', kind: '', year: 1402, page: null });
          expect(hit.snippet, q).to.include('<mark>');
        }
        expect(ids(await search(READER, WORD, { filters: { resolution: ['9/2'] } }))).to.deep.equal(['lesson-portal']);
      });

      it('answers only the entries named in `only`, within what the viewer may see', async function () {
        expect(ids(await search(READER, WORD, { only: ['lesson-portal'] }))).to.deep.equal(['lesson-portal']);
        expect(ids(await search(READER, '', { only: ['lesson-portal', 'doc-portal'] }))).to.have.members(['lesson-portal', 'doc-portal']);
        expect((await search(READER, WORD, { only: ['lesson-draft'] })).total, 'a draft stays hidden').to.equal(0);
        expect((await search(cityViewer('tehran'), WORD, { only: ['lesson-draft'] })).total).to.equal(1);
        expect((await search(READER, 'زیرگذر', { only: ['lesson-portal'] })).total).to.equal(1);
        expect((await search(READER, 'لایروبی', { only: ['doc-portal'] })).total, 'another entry\'s words do not count').to.equal(0);
        const filtered = await search(SECRETARIAT, WORD, { only: ['lesson-portal'], filters: { hazard: ['earthquake'] } });
        expect(filtered.total, 'the filters still apply').to.equal(0);
        expect((await search(SECRETARIAT, WORD, { only: [] })).total, 'an empty list answers nothing').to.equal(0);
      });

      it('never answers a lesson among related documents', async function () {
        await index.upsert(buildDocument('doc-source', [`${WORD} زیرگذرهای کلان‌شهر در باران بهاری دریچه لایروبی`], { city: 'karaj', hazards: ['flood'] }));
        const related = await index.related(SECRETARIAT, 'doc-source', 10);
        expect(related.length).to.be.greaterThan(0);
        expect(related.map((h) => h.id).filter((id) => id.startsWith('lesson-'))).to.deep.equal([]);
        for (const hit of related) expect(hit.type).to.equal('document');
        await index.remove('doc-source');
      });

      it('removes a lesson and changes its access like a document', async function () {
        await index.updateAccess('lesson-draft', { status: 'published', access: 'portal', sharedWith: [], city: 'tehran' });
        expect(ids(await search(READER, WORD, { filters: { type: ['lesson'] } }))).to.have.members(['lesson-portal', 'lesson-draft']);
        await index.remove('lesson-draft');
        expect(ids(await search(SECRETARIAT, WORD, { filters: { type: ['lesson'] } }))).not.to.include('lesson-draft');
        await index.upsert(byId.get('lesson-draft')!);
      });
    });

    describe('upsert and clear', function () {
      before(async function () {
        await index.clear();
      });

      it('replaces a document and all its pages', async function () {
        await index.upsert(buildDocument('replaced', ['نسخه نخست سند', 'صفحه دوم قدیمی'], { title: 'عنوان قدیم' }));
        await index.upsert(buildDocument('replaced', ['نسخه دوباره‌نویسی‌شده'], { title: 'عنوان تازه', kind: 'threat-study' }));
        expect((await search(SECRETARIAT, 'نخست')).total).to.equal(0);
        expect((await search(SECRETARIAT, 'قدیمی')).total).to.equal(0);
        expect((await search(SECRETARIAT, 'قدیم')).total).to.equal(0);
        const result = await search(SECRETARIAT, 'نسخه');
        expect(ids(result)).to.deep.equal(['replaced']);
        expect(result.hits[0]!.title).to.equal('عنوان تازه');
        expect(result.facets.kind).to.deep.equal({ 'threat-study': 1 });
      });

      it('indexes a document without pages by its metadata', async function () {
        await index.upsert(buildDocument('no-pages', [], { title: 'فیلم آموزشی امداد', fileType: 'mp4' }));
        const result = await search(SECRETARIAT, 'امداد');
        expect(ids(result)).to.deep.equal(['no-pages']);
        expect(result.hits[0]!.page).to.equal(null);
      });

      it('clear removes everything', async function () {
        await index.clear();
        const result = await search(SECRETARIAT, '');
        expect(result.total).to.equal(0);
        for (const facet of FACETS) expect(result.facets[facet]).to.deep.equal({});
        expect((await search(SECRETARIAT, 'نسخه')).total).to.equal(0);
      });
    });
  });
}
