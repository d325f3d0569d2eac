import { expect } from 'chai';
import supertest from 'supertest';
import { packageCreateSchema } from '../../server/packages/packages.schema';
import { binaryBody, bring, cast, startPortal, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';
import { readZip } from '../helpers/zip-reader';

/**
 * Issue 12 in the HTML alone: text people typed carries its own direction in both interfaces, the search page's
 * filters toggle, sort control, year order and empty state, the document's main action first, and tables that a
 * phone can show as cards. (The layout itself is checked in test/e2e/reading-anywhere.test.ts.)
 */
describe('reading anywhere: what the pages say, in both languages', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  const ids: Record<string, string> = {};

  async function add(name: string, fields: Record<string, string | string[]>, text: string, filename: string) {
    const res = await uploadRequest(portal, c.secretariat, { title: name, summary: `${name}: خلاصه.`, kind: 'threat-study', year: '1395', access: 'portal', city: 'tehran', ...fields }, { content: Buffer.from(text, 'utf8'), name: filename });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  }

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    ids.old = await add('برآورد خسارت گسل: نتایج.', { year: '1390', resolutions: ['9/2'] }, 'گسل شمال و برآورد خسارت', 'گزارش Tehran-1390.txt');
    ids.middle = await add('آموزش همگانی گسل', { year: '1401', kind: 'public-education', city: 'shiraz' }, 'گسل و آموزش', 'notes.txt');
    ids.newest = await add('Fault study of Tabriz', { year: '1396', city: 'tabriz' }, 'fault گسل تبریز', 'tabriz.txt');
    for (const id of Object.values(ids)) await bring(portal, c, id, 'published');
    await portal.services.worker.drain();
  });
  after(() => portal.close());

  const page = async (username: string, locale: 'fa' | 'en', url: string) => {
    const { agent } = await signIn(portal.app, username, locale);
    const res = await agent.get(url).expect(200);
    return res.text.slice(res.text.indexOf('<main'));
  };
  const search = (q: string, extra = '') => `/search?q=${encodeURIComponent(q)}${extra}`;

  for (const locale of ['fa', 'en'] as const) {
    describe(`in ${locale === 'fa' ? 'Persian' : 'English'}`, function () {
      it('gives titles, summaries, snippets and file names their own direction', async function () {
        const doc = await page('reader', locale, `/documents/${ids.old}`);
        expect(doc).to.include('<h1 dir="auto">برآورد خسارت گسل: نتایج.</h1>');
        expect(doc).to.include('<p class="multiline summary" dir="auto">برآورد خسارت گسل: نتایج.: خلاصه.</p>');
        expect(doc).to.include('<bdi class="file-name">گزارش Tehran-1390.txt</bdi>');

        const hits = await page('reader', locale, search('گسل'));
        expect(hits).to.match(new RegExp(`<h2 dir="auto"><a class="hit-title" href="/documents/${ids.old}[^"]*">برآورد خسارت گسل: نتایج.</a></h2>`));
        expect(hits).to.match(/<p class="snippet" dir="auto">/);
        expect(hits).to.match(/<input id="q" name="q" type="search" value="گسل"[^>]*dir="auto"/);

        const list = await page('reader', locale, '/documents');
        expect(list).to.include(`<a href="/documents/${ids.newest}" dir="auto">Fault study of Tabriz</a>`);
      });

      it('puts the document’s download first, before its summary, with its format and size', async function () {
        const doc = await page('reader', locale, `/documents/${ids.old}`);
        const download = doc.indexOf(`<a class="button" href="/documents/${ids.old}/file" data-main-download>`);
        expect(download).to.be.above(0);
        expect(download, 'before the summary').to.be.below(doc.indexOf('class="multiline summary"'));
        expect(doc.slice(download, doc.indexOf('</a>', download))).to.include(locale === 'fa' ? 'متن ساده' : 'Plain text');
      });

      it('search: a «filters (n)» toggle, a sort control, years newest first, resolutions named', async function () {
        const html = await page('reader', locale, search('گسل', '&city=tehran&city=shiraz&city=tabriz'));
        expect(html).to.include(`<summary>${locale === 'fa' ? 'پالایه‌ها (۳)' : 'Filters (3)'}</summary>`);
        expect(html.indexOf('data-filters-panel'), 'the toggle comes before the hits').to.be.below(html.indexOf('<ol class="hits">'));
        const years = [...html.matchAll(/data-facet="year"[\s\S]*?<\/section>/g)][0]![0];
        const order = [...years.matchAll(/data-facet-value="(\d{4})"/g)].map((m) => Number(m[1]));
        expect(order).to.deep.equal([1401, 1396, 1390]);
        expect(html).to.match(/<a href="\/search\?q=[^"]*" data-sort="relevance" aria-current="true" class="on">/);
        expect(html).to.match(/<a href="\/search\?q=[^"]*sort=newest[^"]*" data-sort="newest">/);
        const resolution = /<a href="[^"]*resolution=9%2F2[^"]*"[^>]*data-facet-value="9\/2">/.exec(html)?.[0] ?? '';
        // The short text in the reader's language: the register's English text where it has one.
        expect(resolution).to.match(locale === 'fa' ? /title="کلیه کلان شهرهای کشور[^"]*…"/ : /title="Every metropolis sends the secretariat[^"]*…"/);
        expect(resolution).to.match(locale === 'fa' ? /aria-label="مصوبهٔ ۹\/۲: کلیه کلان شهرهای کشور/ : /aria-label="Resolution 9\/2: Every metropolis sends/);

        const newest = await page('reader', locale, search('گسل', '&sort=newest'));
        const titles = [...newest.matchAll(/class="hit-title" href="\/documents\/([^"?]+)/g)].map((m) => m[1]);
        expect(titles).to.deep.equal([ids.newest, ids.middle, ids.old]);
        expect(newest).to.include('<input type="hidden" name="sort" value="newest">');
      });

      it('search: nothing found is said plainly, with a way out, and no filter box', async function () {
        const html = await page('reader', locale, search('فضاپیما', '&city=tabriz'));
        expect(html).to.include('class="card empty-results"');
        expect(html).to.not.include('data-filters-panel').and.not.include('class="facets');
        expect(html).to.include(`href="/search?q=${encodeURIComponent('فضاپیما')}"`);
        const empty = await page('reader', locale, '/search?city=karaj');
        expect(empty).to.include('class="card empty-results"').and.not.include('data-filters-panel');
        expect(empty, 'no sort control without a query').to.not.include('data-sort=');
      });

      it('labels every cell of a record table, so a phone can show it as a card', async function () {
        for (const [who, url] of [
          ['reader', '/documents'],
          ['reader', `/documents/${ids.old}`],
          ['sec', '/users'],
          ['sec', '/dashboard'],
          ['sec', '/audit'],
          ['reader', '/resolutions/compliance'],
          ['reader', '/cities/tehran'],
        ] as const) {
          const html = await page(who, locale, url);
          const tables = [...html.matchAll(/<table class="([^"]*)"[\s\S]*?<\/table>/g)].filter((m) => m[1]!.split(' ').includes('cards'));
          expect(tables.length, url).to.be.above(0);
          for (const [table] of tables) {
            const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
            for (const cell of body.match(/<td\b[^>]*>/g) ?? []) {
              expect(cell, `${url}: ${cell}`).to.match(/data-label="[^"]+"|class="[^"]*\b(card-title|select-cell|card-action|audit-details|nothing)\b/);
            }
          }
        }
      });
    });
  }

  it('the ZIP’s table of contents gives each file name its own direction', async function () {
    const pkg = portal.services.packages.create(
      c.secretariat.user,
      packageCreateSchema.parse({ title: 'بستهٔ گسل', note: '', documents: [{ id: ids.old, note: '' }], audience: { all: true } }),
    );
    portal.services.packages.publish(c.secretariat.user, pkg.id);
    const res = await supertest(portal.app).get(`/api/v1/packages/${pkg.id}/download`).set(c.reader.auth).buffer(true).parse(binaryBody).expect(200);
    const index = (await readZip(res.body as Buffer)).find((entry) => entry.name.endsWith('/index.html'))!.data.toString('utf8');
    expect(index).to.match(/<a class="file" href="01%20-%20[^"]+" dir="auto">01 - گزارش Tehran-1390.txt<\/a>/);
    expect(index).to.not.match(/<a[^>]*dir="ltr"/);
  });
});
