import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

type Locale = 'fa' | 'en';
const PERSIAN_DIGITS = /[۰-۹]/;
const LATIN_DIGITS = /[0-9]/;
const toPersian = (value: number | string) => String(value).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);

/** Routes answered with something other than an HTML page of their own (files, JSON, redirects, CSS, CSV), or tested elsewhere. */
const NOT_PAGES = new Set([
  '/',
  '/healthz',
  '/metrics',
  '/language/:locale',
  '/api/openapi.yaml',
  '/vocabulary',
  '/login',
  '/documents/:id/file',
  '/documents/:id/status',
  '/documents/:id/view',
  '/documents/:id/related',
  '/resolutions/:meeting/:number/compliance',
  '/packages/:id/download',
  '/notifications/:id',
  '/audit.csv',
  '/resolutions.css',
  '/cities/:id/people',
  '/documents/:id/preview',
  '/documents/:id/preview/pages/:page',
  '/documents/:id/previews/:version/:tag/:file',
  '/feeds/:token',
  '/me/preferences',
  '/lessons/:id/similar',
]);

/**
 * Every page a secretariat user can open, in Persian and in English: the shell is right for the language
 * (lang, dir, one h1, the skip link, the switch to the other language coming back to the same page, the navigation's
 * words, digits), whichever helper's page it is.
 */
describe('every page in both languages', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  let pages: string[];
  const agents: Partial<Record<Locale, ReturnType<typeof supertest.agent>>> = {};
  let unread = 0;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    const published = await upload(portal, c.owner);
    await bring(portal, c, published.id, 'published');
    const waiting = await upload(portal, c.owner, { title: 'برنامهٔ آمادگی مدارس', summary: 'تمرین تخلیه', kind: 'threat-study', year: '1398', hazards: ['flood'], access: 'portal' });
    // Sent for review by the city itself, so the secretariat is told (and its bell shows a number).
    await supertest(portal.app).post(`/api/v1/documents/${waiting.id}/submit`).set(c.owner.auth).expect(200);
    const pkg = await supertest(portal.app)
      .post('/api/v1/packages')
      .set(c.secretariat.auth)
      .send({ title: 'بستهٔ تجربیات زلزله', note: 'برای جلسهٔ دهم', documents: [published.id], audience: { all: true } })
      .expect(201);
    await supertest(portal.app).get('/api/v1/search').query({ q: 'واژه‌ای-که-نیست' }).set(c.secretariat.auth);
    const lesson = await portal.services.lessons.create(c.owner.user, {
      title: 'آب‌گرفتگی زیرگذرها',
      observation: 'زیرگذرها در باران زیر آب ماند.',
      analysis: 'دریچه‌ها لایروبی نشده بود.',
      recommendation: 'لایروبی پیش از فصل باران.',
      hazards: ['flood'],
      documents: [{ documentId: published.id, page: 1 }],
      resolutions: [],
      access: 'portal',
      sharedWith: [],
    });
    await portal.services.lessons.review(c.owner.user, lesson.id, 'submit');
    await portal.services.lessons.review(c.secretariat.user, lesson.id, 'publish');
    await portal.services.lessons.addAction(c.secretariat.user, lesson.id, { description: 'نصب مولد برای پمپ‌ها', city: 'shiraz', due: '1405-12-20' });
    const subscription = await portal.services.subscriptions.create(c.secretariat.user, { q: 'زلزله', filters: { hazard: ['earthquake'] }, email: false, digest: 'none' });
    await portal.services.worker.drain();
    unread = portal.services.notifications.unreadCount(c.secretariat.user.id);
    pages = [
      '/search',
      `/search?q=${encodeURIComponent('زلزله')}`,
      '/documents',
      '/documents/new',
      `/documents/${published.id}`,
      `/documents/${published.id}/edit`,
      `/documents/${published.id}/withdraw`,
      `/documents/${published.id}/delete`,
      `/documents/${published.id}/read?q=${encodeURIComponent('زلزله')}`,
      '/packages',
      '/packages/new',
      `/packages/${pkg.body.id}`,
      `/packages/${pkg.body.id}/edit`,
      '/resolutions',
      '/resolutions/compliance',
      '/cities',
      '/cities/tehran',
      '/cities/manage',
      '/me',
      '/me/password',
      '/review',
      '/users',
      '/synonyms',
      '/dashboard',
      '/audit',
      '/notifications',
      '/lessons',
      '/lessons/new',
      '/lessons/matrix',
      `/lessons/${lesson.id}`,
      `/lessons/${lesson.id}/edit`,
      '/subscriptions',
      `/subscriptions/${subscription.id}`,
    ];
    for (const locale of ['fa', 'en'] as const) {
      agents[locale] = (await signIn(portal.app, 'sec', locale)).agent;
    }
  });
  after(() => portal.close());

  it('the list below covers every page route the routers declare', () => {
    const declared: string[] = [];
    const walk = (stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) => {
      for (const layer of stack) {
        if (layer.route?.methods.get) declared.push(String(layer.route.path));
        else if (layer.handle?.stack) walk(layer.handle.stack as typeof stack);
      }
    };
    walk((portal.app as unknown as { router: { stack: Parameters<typeof walk>[0] } }).router.stack);
    const covered = new Set(pages.map((url) => url.split('?')[0]!.replace(/^\/documents\/[^/]+(\/withdraw|\/delete|\/edit|\/read)?$/, '/documents/:id$1').replace(/^\/packages\/[^/]+$/, '/packages/:id').replace(/^\/packages\/[^/]+\/edit$/, '/packages/:id/edit').replace(/^\/cities\/(?!manage$)[^/]+$/, '/cities/:id').replace(/^\/lessons\/(?!matrix$|new$)[^/]+$/, '/lessons/:id').replace(/^\/lessons\/[^/]+\/edit$/, '/lessons/:id/edit').replace(/^\/subscriptions\/[^/]+$/, '/subscriptions/:id')));
    covered.add('/documents/new').add('/packages/new');
    const missing = declared.filter((path) => !NOT_PAGES.has(path) && !covered.has(path));
    expect(missing, 'page routes this test does not open').to.deep.equal([]);
    expect(unread, 'the secretariat has unread notifications, so the bell shows a number').to.be.greaterThan(0);
  });

  for (const locale of ['fa', 'en'] as const) {
    describe(locale === 'fa' ? 'in Persian' : 'in English', function () {
      const other: Locale = locale === 'fa' ? 'en' : 'fa';

      it('every page answers 200 with the right lang and dir, one h1, the skip link first, and the switch back to this page', async () => {
        const failures: string[] = [];
        for (const url of pages) {
          const res = await agents[locale]!.get(url);
          const html = res.text;
          const problems: string[] = [];
          if (res.status !== 200) problems.push(`status ${res.status}`);
          if (!html.includes(`<html lang="${locale}" dir="${locale === 'fa' ? 'rtl' : 'ltr'}">`)) problems.push('lang/dir');
          const h1s = html.match(/<h1[\s>]/g)?.length ?? 0;
          if (h1s !== 1) problems.push(`${h1s} h1 elements`);
          if (!firstFocusable(html).startsWith('<a class="skip-link" href="#content">')) problems.push(`first focusable is ${firstFocusable(html)}`);
          if (!html.includes('<main id="content"')) problems.push('no #content');
          const expected = `<a class="language-switch" href="/language/${other}?back=${encodeURIComponent(url)}" lang="${other}" hreflang="${other}">${other === 'en' ? 'English' : 'فارسی'}</a>`;
          if (!html.includes(expected)) problems.push('language switch');
          if (problems.length) failures.push(`${url}: ${problems.join(', ')}`);
        }
        expect(failures).to.deep.equal([]);
      });

      it('every page shows the navigation, the sign-out button and the bell in this language and its digits', async () => {
        const failures: string[] = [];
        const nav = locale === 'fa' ? ['>جست‌وجو</a>', '>اسناد</a>', '>داشبورد</a>', '>گزارش رویدادها</a>', '>خروج</button>'] : ['>Search</a>', '>Documents</a>', '>Dashboard</a>', '>Audit log</a>', '>Sign out</button>'];
        const bell = `data-unread="${unread}">${locale === 'fa' ? toPersian(unread) : unread}<`;
        for (const url of pages) {
          const html = (await agents[locale]!.get(url)).text;
          const header = html.slice(html.indexOf('<body'), html.indexOf('</header>'));
          const problems = nav.filter((label) => !header.includes(label));
          if (!header.includes(bell)) problems.push('bell count');
          if (locale === 'en' && PERSIAN_DIGITS.test(header)) problems.push('Persian digits in the header');
          if (locale === 'en' && /جست‌وجو|اسناد|خروج/.test(header)) problems.push('Persian chrome');
          if (locale === 'fa' && /Sign out|>Search</.test(header)) problems.push('English chrome');
          if (problems.length) failures.push(`${url}: ${problems.join(', ')}`);
        }
        expect(failures).to.deep.equal([]);
      });

      it('the pages of the shell’s own set write their numbers in this language’s digits', async () => {
        const sec = agents[locale]!;
        const digitsOf = locale === 'fa' ? PERSIAN_DIGITS : LATIN_DIGITS;
        const notDigitsOf = locale === 'fa' ? LATIN_DIGITS : PERSIAN_DIGITS;
        const dashboard = (await sec.get('/dashboard').expect(200)).text;
        const pending = /<span class="stat-value">([^<]*)<\/span>/g;
        const values = [...dashboard.matchAll(pending)].map((m) => m[1]!);
        expect(values).to.have.length(3);
        for (const value of values) expect(value).to.match(digitsOf).and.not.match(notDigitsOf);
        const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(dashboard)![0];
        expect(svg).to.include(`direction="${locale === 'fa' ? 'rtl' : 'ltr'}"`);
        expect(svg).to.include(locale === 'fa' ? '>تهران</text>' : '>Tehran</text>');
        expect(svg, 'Tehran sent two documents').to.include(locale === 'fa' ? '>۲</text>' : '>2</text>');

        const city = (await sec.get('/cities/tehran').expect(200)).text;
        expect(/<span class="city-total">([^<]*)<\/span>/.exec(city)![1]).to.equal(locale === 'fa' ? '۱' : '1');

        const notifications = (await sec.get('/notifications').expect(200)).text;
        const summary = /<span class="muted">([^<]*)<\/span>/.exec(notifications)![1]!;
        expect(summary).to.match(digitsOf).and.not.match(notDigitsOf);

        const audit = (await sec.get('/audit').expect(200)).text;
        const main = audit.slice(audit.indexOf('<main'));
        // Dates, counts, details and the chrome are in this language’s digits; digests and what people typed stay as stored.
        const text = withoutStoredData(main).replace(/<[^>]+>/g, ' ');
        if (locale === 'en') expect(text).not.to.match(PERSIAN_DIGITS);
        else expect(text.match(/\S*[0-9]\S*/g)).to.deep.equal(null);
      });

      it('the shell’s own pages speak this language only', async () => {
        const sec = agents[locale]!;
        const samples: [string, string][] =
          locale === 'en'
            ? [
                ['/users', '<h1>Users</h1>'],
                ['/users', '>Create user</button>'],
                ['/dashboard', '<h1>Secretariat dashboard</h1>'],
                ['/audit', '<h1>Audit log</h1>'],
                ['/audit', '>Published</option>'],
                ['/cities', '<h1>Cities</h1>'],
                ['/cities', '>Tehran</a>'],
                ['/cities/tehran', '<h2>Open items</h2>'],
                ['/notifications', '<h1>Notifications</h1>'],
              ]
            : [
                ['/users', '<h1>کاربران</h1>'],
                ['/users', '>ساختن کاربر</button>'],
                ['/dashboard', '<h1>داشبورد دبیرخانه</h1>'],
                ['/audit', '<h1>گزارش رویدادها</h1>'],
                ['/audit', '>انتشار</option>'],
                ['/cities', '<h1>شهرها</h1>'],
                ['/cities', '>تهران</a>'],
                ['/cities/tehran', '<h2>کارهای باز</h2>'],
                ['/notifications', '<h1>اعلان‌ها</h1>'],
              ];
        for (const [url, snippet] of samples) expect((await sec.get(url).expect(200)).text, url).to.include(snippet);
        if (locale === 'en') {
          for (const url of ['/users', '/audit', '/cities']) {
            const html = (await sec.get(url).expect(200)).text;
            const main = html.slice(html.indexOf('<main'));
            // What people typed (titles, notifications) stays as they wrote it; the pages' own words are English.
            const words = withoutStoredData(main).replace(/<[^>]+>/g, ' ');
            expect(words.match(/\S*[\u0600-\u06FF]\S*/g), url).to.deep.equal(null);
          }
        }
      });
    });
  }

  it('the audit CSV keeps its columns and follows the reader’s language', async () => {
    const fa = (await agents.fa!.get('/audit.csv').expect(200)).text;
    const en = (await agents.en!.get('/audit.csv').expect(200)).text;
    expect(fa.split('\r\n')[0]).to.equal('\uFEFFشناسه,زمان (UTC),زمان (هجری خورشیدی),کاربر,رویداد,نام رویداد,سند,هدف,جزئیات');
    expect(en.split('\r\n')[0]).to.equal('\uFEFFId,Time (UTC),Time (Solar Hijri),User,Event,Event name,Document,Target,Details');
    expect(fa.split('\r\n').length).to.equal(en.split('\r\n').length);
    expect(en).to.include(',document.published,Published,');
    expect(fa).to.include(',document.published,انتشار,');
  });
});

/** The opening tag of the first element a keyboard reaches in the body. */
function firstFocusable(html: string): string {
  const body = html.slice(html.indexOf('<body'));
  return /<(?:a\s[^>]*href|button|select|textarea|input(?![^>]*type="hidden"))[^>]*>/.exec(body)?.[0] ?? '';
}

/** A page without what the audit log shows exactly as stored: digests, usernames, and what people typed (titles, notes), each in its own direction. */
function withoutStoredData(html: string): string {
  return html
    .replace(/<code[\s\S]*?<\/code>/g, '')
    .replace(/<(a|span|bdi)\b[^>]*dir="(ltr|auto)"[^>]*>[^<]*<\/\1>/g, '')
    .replace(/<bdi>[^<]*<\/bdi>/g, '');
}
