import { expect } from 'chai';
import supertest from 'supertest';
import { readZip } from '../helpers/zip-reader';
import { PASSWORD, binaryBody, bring, cast, startPortal, upload, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom } from '../helpers/sign-in';

const PERSIAN_DIGIT = /[۰-۹]/;
const LATIN_DIGIT = /[0-9]/;
const SOLAR_MONTHS_FA = 'فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند';
const SOLAR_MONTHS_EN = 'Farvardin|Ordibehesht|Khordad|Tir|Mordad|Shahrivar|Mehr|Aban|Azar|Dey|Bahman|Esfand';
/** "۸ آذر ۱۴۰۵" */
const SOLAR_DATE_FA = new RegExp(`[۰-۹]{1,2} (${SOLAR_MONTHS_FA}) [۰-۹]{4}`);
/** "Azar 8, 1405 AP" */
const SOLAR_DATE_EN = new RegExp(`(${SOLAR_MONTHS_EN}) [0-9]{1,2}, [0-9]{4} AP`);

type Lang = 'fa' | 'en';

/** The page's <main>: the shared header belongs to another part of the interface. */
function mainOf(html: string): string {
  const start = html.indexOf('<main');
  const end = html.indexOf('</main>');
  expect(start, 'the page has a <main>').to.be.greaterThan(-1);
  return html.slice(start, end);
}

/** What a reader sees of the <main>: its text, without tags or attribute values. */
function visibleText(html: string): string {
  return mainOf(html)
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ');
}

/** Digits of the reader's language only, in everything the page itself writes. */
function expectDigitsOf(lang: Lang, html: string, where: string): void {
  const text = visibleText(html);
  if (lang === 'en') {
    expect(text, `${where}: Persian digits in the English page`).not.to.match(PERSIAN_DIGIT);
    expect(text, `${where}: no Latin digit at all`).to.match(LATIN_DIGIT);
  } else {
    expect(text, `${where}: Latin digits in the Persian page`).not.to.match(LATIN_DIGIT);
    expect(text, `${where}: no Persian digit at all`).to.match(PERSIAN_DIGIT);
  }
}



describe('secretariat pages in both languages (packages, resolutions, review)', function () {
  let portal: TestPortal;
  let c: Cast;
  let packageId: string;
  const published = { title: 'مطالعهٔ خطر زلزلهٔ کلان‌شهر تهران', id: '' };
  const waiting = { title: 'گزارش آموزش همگانی در انتظار', id: '' };

  /** A browser signed in as `username`, reading in `lang` (chosen through the portal's own language switch). */
  async function browser(username: string, lang: Lang) {
    const agent = supertest.agent(portal.app);
    const switched = await agent.get(`/language/${lang}?back=/login`).expect(303);
    expect(switched.headers.location).to.equal('/login');
    const login = await agent.get('/login').expect(200);
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username, password: PASSWORD }).expect(303);
    const page = await agent.get('/packages').expect(200);
    return { agent, csrf: csrfFrom(page.text) };
  }

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    published.id = (await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: published.title })).id;
    await bring(portal, c, published.id, 'published');
    waiting.id = (await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: waiting.title, kind: 'public-education' })).id;
    await bring(portal, c, waiting.id, 'submitted');
    const created = await supertest(portal.app)
      .post('/api/v1/packages')
      .set(c.secretariat.auth)
      .send({ title: 'بستهٔ تجربیات زلزله', note: 'یادداشت همراه', documents: [{ id: published.id, note: 'نخست این را بخوانید' }], audience: { all: true }, resolutions: ['9/2'] })
      .expect(201);
    packageId = created.body.id;
    await supertest(portal.app).post(`/api/v1/packages/${packageId}/publish`).set(c.secretariat.auth).expect(200);
  });

  after(async function () {
    await portal?.close();
  });

  describe('packages', function () {
    it('lists packages with English labels, Latin digits and an English Solar Hijri date', async function () {
      const { agent } = await browser('sec', 'en');
      const page = await agent.get('/packages').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('<h1>Packages</h1>').and.include('Compile a new package').and.include('All cities and readers');
      expect(main).to.include('<th scope="col">Audience</th>').and.include('Published').and.include('<caption');
      expect(main).to.match(SOLAR_DATE_EN);
      expect(main).not.to.include('مخاطبان').and.not.to.include('بارگیری‌ها');
      expectDigitsOf('en', page.text, '/packages');
    });

    it('lists packages in Persian with Persian digits and a Solar Hijri date', async function () {
      const { agent } = await browser('sec', 'fa');
      const page = await agent.get('/packages').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('<h1>بسته‌ها</h1>').and.include('گردآوری بستهٔ تازه').and.include('همهٔ شهرها و خوانندگان');
      expect(main).to.match(SOLAR_DATE_FA);
      expect(main).not.to.include('Audience');
      expectDigitsOf('fa', page.text, '/packages');
    });

    it('shows a package page in each language', async function () {
      const en = await browser('reader', 'en');
      const english = await en.agent.get(`/packages/${packageId}`).expect(200);
      const main = mainOf(english.text);
      expect(main).to.include('Download every document in one ZIP file').and.include('Documents in this package').and.include('Tehran');
      expect(main).to.include('<th scope="col">Secretariat’s note</th>').and.include('nav class="crumbs" aria-label="Breadcrumbs"');
      expect(main).to.include('>1391<').and.match(SOLAR_DATE_EN);
      expect(main).to.include('<bdi>Every metropolis sends the secretariat one copy');
      expect(main).not.to.include('انتشار و خبر').and.not.to.include('اسناد بسته');
      expectDigitsOf('en', english.text, 'package page');

      const fa = await browser('reader', 'fa');
      const persian = mainOf((await fa.agent.get(`/packages/${packageId}`).expect(200)).text);
      expect(persian).to.include('بارگیری همهٔ اسناد در یک پروندهٔ ZIP').and.include('تهران').and.include('>۱۳۹۱<').and.match(SOLAR_DATE_FA);
      expect(persian).not.to.include('Download every document').and.not.to.include('Every metropolis sends');
    });

    it('labels every control of the compile form, in English and in Persian', async function () {
      const en = await browser('sec', 'en');
      const form = mainOf((await en.agent.get(`/packages/new?add=${published.id}`).expect(200)).text);
      expect(form).to.include('<h1>Compile a new package</h1>').and.include('Package title').and.include('Accompanying note (cover letter)');
      expect(form).to.include(`aria-label="Include “${published.title}”"`).and.include(`aria-label="Position of “${published.title}”"`);
      expect(form).to.include(`aria-label="Note for “${published.title}”"`).and.include('role="group" aria-label="Chosen cities:"');
      expect(form).to.include('>Make a draft package</button>').and.include('<strong class="ref">9/2</strong> <bdi>Every metropolis sends');
      // Every input that is not hidden sits in a <label> or names itself.
      const unnamed = [...form.matchAll(/<(input|select|textarea)\b[^>]*>/g)]
        .map((m) => m[0])
        .filter((tag) => !/type="hidden"/.test(tag) && !/aria-label=/.test(tag))
        .filter((tag) => {
          const at = form.indexOf(tag);
          return form.lastIndexOf('<label', at) <= form.lastIndexOf('</label>', at);
        });
      expect(unnamed, 'controls without a label').to.deep.equal([]);

      const fa = await browser('sec', 'fa');
      const persian = mainOf((await fa.agent.get(`/packages/new?add=${published.id}`).expect(200)).text);
      expect(persian).to.include('گردآوری بستهٔ تازه').and.include(`aria-label="برگزیدن «${published.title}»"`).and.include('>۱۳۹۱<');
    });

    it('refuses the form in the reader’s language and says so after a compile, in that language', async function () {
      const en = await browser('sec', 'en');
      const form = await en.agent.get('/packages/new').expect(200);
      const bad = await en.agent.post('/packages/new').type('form').send({ _csrf: csrfFrom(form.text), title: 'no documents', audience: 'all' }).expect(400);
      expect(mainOf(bad.text)).to.include('The package was not made:').and.include('Choose at least one published document for the package.');
      const made = await en.agent
        .post('/packages/new')
        .type('form')
        .send(new URLSearchParams([['_csrf', csrfFrom(form.text)], ['title', 'English package'], ['audience', 'all'], ['documents', published.id]]).toString())
        .expect(303);
      const page = mainOf((await en.agent.get(made.headers.location as string).expect(200)).text);
      expect(page).to.include('<p class="flash" role="status">The package was made as a draft; publish it once it has been checked.</p>');
      expect(page).to.include('Publish and notify the audience');

      const fa = await browser('sec', 'fa');
      const faForm = await fa.agent.get('/packages/new').expect(200);
      const faBad = await fa.agent.post('/packages/new').type('form').send({ _csrf: csrfFrom(faForm.text), title: '', audience: 'all' }).expect(400);
      expect(mainOf(faBad.text)).to.include('بسته ساخته نشد:').and.include('عنوان بسته را بنویسید (حداکثر ۳۰۰ نویسه).');
      const publish = await fa.agent.post(`${made.headers.location as string}/publish`).type('form').send({ _csrf: csrfFrom(faForm.text) }).expect(303);
      const after = mainOf((await fa.agent.get(publish.headers.location as string).expect(200)).text);
      const told = portal.services.db.prepare("SELECT count(*) FROM notifications WHERE kind = 'package.received' AND link = ?").pluck().get(made.headers.location) as number;
      expect(told, 'the cities and the reader of the cast were told').to.be.greaterThan(0);
      const persianCount = String(told).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
      expect(after).to.include(`<p class="flash" role="status">بسته منتشر شد و به مخاطبانش خبر داده شد (گیرندگان: ${persianCount}).</p>`);
    });

    it('keeps refusing the compile form to cities and readers, whatever the language', async function () {
      const city = await browser('tehran-staff', 'en');
      await city.agent.get('/packages/new').expect(403);
      await city.agent.post('/packages/new').type('form').send({ _csrf: city.csrf, title: 'x', audience: 'all', documents: published.id }).expect(403);
      const reader = await browser('reader', 'fa');
      await reader.agent.get('/packages/new').expect(403);
    });
  });

  describe('the ZIP’s index.html', function () {
    async function indexOf(agent: supertest.Agent): Promise<string> {
      const res = await agent.get(`/packages/${packageId}/download`).buffer(true).parse(binaryBody).expect(200);
      const entries = await readZip(res.body as Buffer);
      const index = entries.find((e) => e.name.endsWith('/index.html'));
      expect(index, 'index.html in the ZIP').to.not.equal(undefined);
      return index!.data.toString('utf8');
    }

    it('is English and left-to-right for a reader who reads English', async function () {
      const { agent } = await browser('shiraz-staff', 'en');
      const index = await indexOf(agent);
      expect(index).to.match(/<html lang="en" dir="ltr">/);
      expect(index).to.include('<h2 id="contents">Contents</h2>').and.include('<th scope="col">File</th>').and.include('Tehran');
      expect(index).to.include('>1391<').and.include('A package from the Tajrobe portal').and.include('نخست این را بخوانید');
      expect(index).to.match(SOLAR_DATE_EN);
      expect(index).not.to.match(PERSIAN_DIGIT);
      expect(index).not.to.include('فهرست اسناد');
    });

    it('is Persian and right-to-left for a Persian reader, and through the API without a language cookie', async function () {
      const { agent } = await browser('shiraz-staff', 'fa');
      const index = await indexOf(agent);
      expect(index).to.match(/<html lang="fa" dir="rtl">/);
      expect(index).to.include('فهرست اسناد').and.include('تهران').and.include('>۱۳۹۱<').and.match(SOLAR_DATE_FA);
      const api = await supertest(portal.app).get(`/api/v1/packages/${packageId}/download`).set(c.reader.auth).buffer(true).parse(binaryBody).expect(200);
      const fromApi = (await readZip(api.body as Buffer)).find((e) => e.name.endsWith('/index.html'))!.data.toString('utf8');
      expect(fromApi).to.match(/<html lang="fa" dir="rtl">/);
      const apiEn = await supertest(portal.app)
        .get(`/api/v1/packages/${packageId}/download`)
        .set(c.reader.auth)
        .set('Cookie', 'tajrobe.lang=en')
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect((await readZip(apiEn.body as Buffer)).find((e) => e.name.endsWith('/index.html'))!.data.toString('utf8')).to.match(/<html lang="en" dir="ltr">/);
    });

    it('is self-contained and prints as a clean table of contents', async function () {
      const { agent } = await browser('reader', 'en');
      const index = await indexOf(agent);
      expect(index).to.include('<style>').and.include('@media print').and.include('display: table-header-group');
      expect(index).not.to.match(/<link\b|<script\b|src="http/);
      expect(index).to.include('<table aria-labelledby="contents">');
    });
  });

  describe('resolutions', function () {
    it('shows the register in English: English labels and texts, Latin digits, Solar Hijri months in English', async function () {
      const { agent } = await browser('reader', 'en');
      const page = await agent.get('/resolutions').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('<h1>Resolutions of the meetings</h1>').and.include('Meeting 9').and.include('Mehr 1391 AP');
      expect(main).to.include('Open').and.include('Asks every city').and.include('Due:');
      expect(main).to.include('<span class="res-ref" dir="ltr">9/2</span>');
      expect(main).not.to.include('مصوبات نشست‌ها').and.not.to.include('مسئول پیگیری');
      expect(main).to.include('Followed up by: \u2068Secretariat of crisis managers').and.not.to.include('دبیرخانه مدیران بحران');
      expectDigitsOf('en', page.text, '/resolutions');
    });

    it('shows the register in Persian with Persian digits', async function () {
      const { agent } = await browser('reader', 'fa');
      const page = await agent.get('/resolutions').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('مصوبات نشست‌ها').and.include('نشست ۹').and.include('مهر ۱۳۹۱').and.include('<span class="res-ref" dir="ltr">۹/۲</span>');
      expect(main).not.to.include('Resolutions of the meetings');
      expect(main).to.include('دبیرخانه مدیران بحران').and.not.to.include('Secretariat of crisis managers');
      expectDigitsOf('fa', page.text, '/resolutions');
    });

    it('takes a due date typed with Persian digits and slashes, and says so in the reader’s language', async function () {
      const fa = await browser('sec', 'fa');
      const saved = await fa.agent
        .post('/resolutions/9/2')
        .type('form')
        .send({ _csrf: fa.csrf, _back: '#r-9-2', status: 'in-progress', dueDate: '۱۴۰۵/۰۹/۱۵', asksCities: 'on' })
        .expect(303);
      expect(saved.headers.location).to.equal('/resolutions#r-9-2');
      const row = portal.services.db.prepare('SELECT status, due_date FROM resolutions WHERE meeting = 9 AND number = 2').get();
      expect(row).to.deep.equal({ status: 'in-progress', due_date: '1405-09-15' });
      const persian = mainOf((await fa.agent.get('/resolutions').expect(200)).text);
      expect(persian).to.include('<p class="flash" role="status">مصوبهٔ ۹/۲ به‌روز شد.</p>');
      expect(persian).to.include('۱۵ آذر ۱۴۰۵');

      const en = await browser('sec', 'en');
      await en.agent.post('/resolutions/9/2/followups').type('form').send({ _csrf: en.csrf, _back: '#r-9-2', note: 'Called the cities', status: 'done' }).expect(303);
      const english = mainOf((await en.agent.get('/resolutions').expect(200)).text);
      expect(english).to.include('<p class="flash" role="status">A follow-up to resolution 9/2 was recorded.</p>');
      expect(english).to.include('Azar 15, 1405 AP').and.include('In progress → Done').and.match(SOLAR_DATE_EN);
      // A month typed as ۱۳۹۰/۱۱ with a one-digit Persian meeting number is read as stored values too.
      await en.agent.post('/resolutions/meetings').type('form').send({ _csrf: en.csrf, number: '۷', city: 'tehran', date: '۱۳۹۰/۱۱', title: 'Seventh' }).expect(303);
      expect(portal.services.db.prepare('SELECT date FROM meetings WHERE number = 7').pluck().get()).to.equal('1390-11');
      expect(mainOf((await en.agent.get('/resolutions').expect(200)).text)).to.include('Meeting 7 was recorded.').and.include('Bahman 1390 AP');
    });

    it('refuses a bad date in the reader’s language and changes nothing', async function () {
      const en = await browser('sec', 'en');
      const bad = await en.agent.post('/resolutions/9/4').type('form').send({ _csrf: en.csrf, dueDate: 'next week' }).expect(400);
      expect(mainOf(bad.text)).to.include('Write the due date as a Solar Hijri date, e.g. 1392-03-15.');
      const fa = await browser('sec', 'fa');
      const faBad = await fa.agent.post('/resolutions/9/4').type('form').send({ _csrf: fa.csrf, dueDate: '۱۴۰۵/۱۳/۰۱' }).expect(400);
      expect(mainOf(faBad.text)).to.include('مهلت را به تاریخ شمسی بنویسید، مثلاً ۱۳۹۲-۰۳-۱۵.');
      expect(portal.services.db.prepare('SELECT due_date FROM resolutions WHERE meeting = 9 AND number = 4').pluck().get()).to.equal(null);
    });

    it('keeps refusing the register’s forms to a city and a reader (403), whatever the language', async function () {
      for (const [who, lang] of [['tehran-staff', 'en'], ['reader', 'fa']] as const) {
        const { agent, csrf } = await browser(who, lang);
        await agent.post('/resolutions/9/4').type('form').send({ _csrf: csrf, dueDate: '1405-01-01' }).expect(403);
        await agent.post('/resolutions/9/4/followups').type('form').send({ _csrf: csrf, note: 'x' }).expect(403);
        await agent.post('/resolutions/meetings').type('form').send({ _csrf: csrf, number: '99', city: 'tehran', date: '1405-01', title: 'x' }).expect(403);
      }
      expect(portal.services.db.prepare('SELECT count(*) FROM meetings WHERE number = 99').pluck().get()).to.equal(0);
      expect(portal.services.db.prepare('SELECT due_date FROM resolutions WHERE meeting = 9 AND number = 4').pluck().get()).to.equal(null);
    });

    it('draws the compliance matrix with a caption, scoped headers and a count in every cell, in both languages', async function () {
      const en = await browser('reader', 'en');
      const english = await en.agent.get('/resolutions/compliance').expect(200);
      const main = mainOf(english.text);
      expect(main).to.include('<h1>What each city has sent</h1>').and.include('<caption class="visually-hidden">').and.include('<th scope="col">City</th>');
      expect(main).to.match(/aria-label="Resolution 9\/2: Every metropolis sends the secretariat one copy/).and.include('No document').and.include('Two or more documents');
      expect(main).to.match(/<th scope="row"><a href="\/cities\/tehran">Tehran<\/a><\/th>/);
      expect(main).to.match(/<td class="cm-one" data-ref="9\/2" data-city="tehran" data-label="Resolution 9\/2">1<\/td>/);
      expect(main).to.match(/<td class="cm-none" data-ref="9\/4" data-city="shiraz" data-label="Resolution 9\/4">0<\/td>/);
      // No cell is colour alone: each holds its count.
      const cells = [...main.matchAll(/<td class="cm-[a-z]+"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      expect(cells.length).to.be.greaterThan(16);
      for (const cell of cells) expect(cell).to.match(/^[0-9]+$/);
      expectDigitsOf('en', english.text, '/resolutions/compliance');

      const fa = await browser('reader', 'fa');
      const persianPage = (await fa.agent.get('/resolutions/compliance').expect(200)).text;
      const persian = mainOf(persianPage);
      expect(persian).to.include('پایش ارسال شهرها').and.include('aria-label="مصوبهٔ ۹/۲: کلیه کلان شهرهای کشور');
      expect(persian).to.match(/<td class="cm-one" data-ref="9\/2" data-city="tehran" data-label="مصوبهٔ ۹\/۲">۱<\/td>/);
      expectDigitsOf('fa', persianPage, '/resolutions/compliance');
    });
  });

  describe('review desk', function () {
    it('renders the queue in English with Latin digits and an English Solar Hijri date', async function () {
      const { agent } = await browser('sec', 'en');
      const page = await agent.get('/review').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('<h1>Review queue</h1>').and.include('Awaiting review').and.include('(1 in the queue, oldest first)');
      expect(main).to.include('<th scope="col">Submitted</th>').and.include('All cities').and.include('aria-label="Filter the queue"');
      expect(main).to.include(waiting.title).and.include('Tehran').and.include('>1391<').and.match(SOLAR_DATE_EN);
      expect(main).not.to.include('صف بررسی');
      expectDigitsOf('en', page.text, '/review');
    });

    it('renders the queue in Persian with Persian digits and a Solar Hijri date', async function () {
      const { agent } = await browser('sec', 'fa');
      const page = await agent.get('/review').expect(200);
      const main = mainOf(page.text);
      expect(main).to.include('صف بررسی').and.include('(۱ سند، قدیمی‌ترین نخست)').and.include('>۱۳۹۱<').and.match(SOLAR_DATE_FA);
      expectDigitsOf('fa', page.text, '/review');
    });

    it('says what a review action did in the reader’s language, and still refuses it to a city', async function () {
      const city = await browser('tehran-staff', 'en');
      await city.agent.post(`/documents/${waiting.id}/publish`).type('form').send({ _csrf: city.csrf }).expect(403);
      await city.agent.get('/review').expect(403);
      expect(portal.services.documents.getVisible(c.owner.user, waiting.id).status).to.equal('submitted');

      const en = await browser('sec', 'en');
      const refused = await en.agent.post(`/documents/${waiting.id}/return`).type('form').send({ _csrf: en.csrf, comment: ' ' }).expect(400);
      expect(refused.text).to.include('To return the document, write a note for the city (at most 5000 characters).');
      await en.agent.post(`/documents/${waiting.id}/publish`).type('form').send({ _csrf: en.csrf }).expect(303);
      expect(mainOf((await en.agent.get('/review').expect(200)).text)).to.include('<p class="flash" role="status">The document was published.</p>');

      const fa = await browser('sec', 'fa');
      await fa.agent.post(`/documents/${waiting.id}/withdraw`).type('form').send({ _csrf: fa.csrf }).expect(400);
      await fa.agent.post(`/documents/${waiting.id}/withdraw`).type('form').send({ _csrf: fa.csrf, reason: 'منتشرشدهٔ اشتباهی' }).expect(303);
      expect(mainOf((await fa.agent.get('/review').expect(200)).text)).to.include('<p class="flash" role="status">سند بایگانی شد.</p>');
    });
  });
});
