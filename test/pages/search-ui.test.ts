import { expect } from 'chai';
import supertest from 'supertest';
import { fa } from '../../server/i18n/fa/index';
import { bring, cast, startPortal, type Cast, type TestPortal } from '../helpers/portal';
import { signIn as signInThroughForm } from '../helpers/sign-in';

describe('search page: the live-search fragment, keyboard hooks and English', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  let published: string;
  let draft: string;
  const SECRET_TITLE = 'پیش‌نویس محرمانهٔ آب‌گرفتگی';

  const signIn = async (username: string, locale: 'fa' | 'en' = 'fa') => (await signInThroughForm(portal.app, username, locale)).agent;

  async function uploadText(title: string, text: string) {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(c.owner.auth)
      .field('title', title)
      .field('summary', 'خلاصه')
      .field('kind', 'training-material')
      .field('year', '1393')
      .field('hazards', 'flood')
      .attach('file', Buffer.from(text, 'utf8'), { filename: 'a.txt' });
    expect(res.status).to.equal(201);
    return res.body.id as string;
  }

  const partial = (agent: supertest.Agent, query: string) => agent.get(`/search?${query}`).set('X-Partial', 'results');
  const q = (word: string) => `q=${encodeURIComponent(word)}`;

  /** Total, and the count shown for one facet value, as the fragment states them. */
  function counts(html: string, facet: string, value: string): { total: number; facet: number | null } {
    const total = Number(/class="[^"]*result-count" data-total="(\d+)"/.exec(html)![1]);
    const facetSection = new RegExp(`data-facet="${facet}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
    const count = new RegExp(`data-facet-value="${value}">[^<]*</a> <span class="count" data-count="(\\d+)"`).exec(facetSection);
    return { total, facet: count ? Number(count[1]) : null };
  }

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    published = await uploadText('کارگاه آب‌گرفتگی معابر', 'صفحهٔ نخست\fراهنمای آب‌گرفتگی معابر و تخلیه');
    draft = await uploadText(SECRET_TITLE, 'آب‌گرفتگی در پیش‌نویس');
    await bring(portal, c, published, 'published');
    await portal.services.worker.drain();
  });
  after(() => portal.close());

  it('answers X-Partial: results with the chips, facets and hits only, no page shell', async function () {
    const agent = await signIn(c.reader.user.username);
    const res = await partial(agent, `${q('آب‌گرفتگی')}&hazard=flood`).expect(200).expect('Content-Type', /html/);
    expect(res.headers.vary).to.match(/X-Partial/i);
    expect(res.text).to.not.match(/<html|<head|<body|site-header|<form|<h1/);
    expect(res.text).to.include('<article class="hit card">');
    // A text file has no page images: its page link is still the file itself, and no thumbnail is shown.
    expect(res.text).to.include(`<a class="hit-title" href="/documents/${published}?page=2&amp;q=${encodeURIComponent('آب‌گرفتگی')}">`);
    expect(res.text).to.not.include('class="thumb');
    expect(res.text).to.match(new RegExp(`<a class="hit-page" href="/documents/${published}/view#page=2" aria-label="[^"]+">صفحهٔ ۲</a>`));
    expect(res.text).to.include('<details class="filters-panel" data-filters-panel>').and.include('<div class="facets card" role="group"');
    expect(res.text).to.include('class="chip"');
    expect(res.text).to.include('مخاطره: سیل');
    expect(res.text).to.match(/<mark>/);
    expect(counts(res.text, 'city', 'tehran')).to.deep.equal({ total: 1, facet: 1 });
  });

  it('renders the full page around the same fragment, with the hooks the script and browser tests use', async function () {
    const agent = await signIn(c.reader.user.username);
    const page = await agent.get(`/search?${q('آب‌گرفتگی')}`).expect(200);
    const fragment = await partial(agent, q('آب‌گرفتگی')).expect(200);
    expect(page.text).to.include('<div id="search-results">');
    expect(page.text).to.include(fragment.text.trim().slice(0, 200));
    expect(page.text).to.match(/<input id="q" name="q" type="search"[^>]*aria-controls="search-results"/);
    expect(page.text).to.match(/<p id="search-status"[^>]*role="status" aria-live="polite"/);
    expect(page.text).to.include('<script src="/static/js/search.js" defer></script>');
    await supertest(portal.app).get('/static/js/search.js').expect(200).expect('Content-Type', /javascript/);
  });

  it('never lets another city’s draft into a fragment: not as a hit, in a facet count or in the total', async function () {
    const owner = await signIn(c.owner.user.username);
    const own = await partial(owner, q('آب‌گرفتگی')).expect(200);
    expect(own.text).to.include(SECRET_TITLE);
    expect(counts(own.text, 'city', 'tehran')).to.deep.equal({ total: 2, facet: 2 });
    expect(counts(own.text, 'hazard', 'flood')).to.deep.equal({ total: 2, facet: 2 });

    for (const viewer of [c.otherCity, c.reader]) {
      const agent = await signIn(viewer.user.username);
      const res = await partial(agent, q('آب‌گرفتگی')).expect(200);
      expect(res.text).to.not.include(SECRET_TITLE);
      expect(res.text).to.not.include(draft);
      expect(counts(res.text, 'city', 'tehran')).to.deep.equal({ total: 1, facet: 1 });
      expect(counts(res.text, 'hazard', 'flood')).to.deep.equal({ total: 1, facet: 1 });
      const onlyDraft = await partial(agent, q('پیش‌نویس')).expect(200);
      expect(onlyDraft.text).to.not.include(draft);
      expect(onlyDraft.text).to.include('data-total="0"');
    }
  });

  it('answers a malformed query with the error fragment (400), and a signed-out fragment request with the sign-in redirect', async function () {
    const agent = await signIn(c.reader.user.username);
    const bad = await partial(agent, 'year=abc').expect(400);
    expect(bad.text).to.include(fa.search.badQuery);
    expect(bad.text).to.not.match(/<html|<form/);
    const signedOut = await supertest(portal.app).get('/search?q=x').set('X-Partial', 'results').expect(303);
    expect(signedOut.headers.location).to.equal('/login');
  });

  it('renders the page and the fragment in English, with English facet names and Latin digits', async function () {
    const agent = await signIn(c.reader.user.username, 'en');
    const page = await agent.get(`/search?${q('آب‌گرفتگی')}&hazard=flood`).expect(200);
    expect(page.text).to.include('<h1>Search what the cities have learned</h1>');
    expect(page.text).to.include('<label for="q" class="visually-hidden">Search terms</label>');
    expect(page.text).to.include('Results: 1');
    expect(page.text).to.include('<h2>City</h2>');
    expect(page.text).to.include('Tehran');
    expect(page.text).to.include('Hazard: Flood ✕');
    expect(page.text).to.include('aria-label="Remove the filter Hazard: Flood"');
    expect(page.text).to.include('· 1393');
    expect(page.text).to.match(/class="hit-page"[^>]*>page 2<\/a>/);
    expect(page.text).to.not.include(fa.search.heading);
    expect(page.text).to.not.include('۱۳۹۳');

    const none = await partial(agent, q('آتشفشان')).expect(200);
    expect(none.text).to.include('No document or lesson was found for “\u2068آتشفشان\u2069”.');
    expect(none.text, 'no empty filter box').to.not.include('data-filters-panel');
  });
});
