import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom, signIn } from '../helpers/sign-in';

type Lang = 'fa' | 'en';
const PERSIAN_DIGIT = /[۰-۹]/;
const LATIN_DIGIT = /[0-9]/;

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


/** The `value` of the first form control named `name` (inputs only). */
function inputValue(html: string, name: string): string | null {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return match ? match[1]! : null;
}

/** The form's body as a browser sends it: repeated names kept. */
const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

describe('editing a draft package from its page', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  /** Published documents a–d, one still a draft, with titles no one of which contains another. */
  const docs = {} as Record<'a' | 'b' | 'c' | 'd' | 'unpublished', { id: string; title: string }>;
  const TITLES = {
    a: 'گزارش آتش‌سوزی بازار',
    b: 'راهنمای تخلیهٔ مدارس',
    c: 'نقشهٔ گسل‌های شمالی',
    d: 'تجربهٔ سیلاب بهاری',
    unpublished: 'پیش‌نویس منتشرنشدهٔ فرودگاه',
  } as const;

  /** A browser signed in through the sign-in form, reading in `lang`. */
  const browser = (username: string, lang: Lang = 'fa') => signIn(portal.app, username, lang);

  /** A fresh draft: a (with a note), b, c, to all, answering 9/2. */
  async function draft(title = 'بستهٔ تجربیات شهری'): Promise<string> {
    const res = await api()
      .post('/api/v1/packages')
      .set(c.secretariat.auth)
      .send({ title, note: 'یادداشت نخست', documents: [{ id: docs.a.id, note: 'اول بخوانید' }, docs.b.id, docs.c.id], audience: { all: true }, resolutions: ['9/2'] })
      .expect(201);
    return res.body.id as string;
  }

  /** Everything about the package the service knows, and how many audit rows name it: what a refusal must leave alone. */
  function snapshot(id: string) {
    const pkg = portal.services.packages.getFor(c.secretariat.user, id);
    const audits = portal.services.db.prepare('SELECT count(*) FROM audit_log WHERE target = ?').pluck().get(id) as number;
    return { pkg, audits };
  }

  /** The body that changes a draft: c first with a new note, a second keeping its note, b removed, d added; title, note, audience, resolutions changed. */
  function changes(csrf: string | null, overrides: Partial<Record<'title' | 'note', string>> = {}, extraDocuments: string[] = []): string {
    const pairs: [string, string][] = [];
    if (csrf !== null) pairs.push(['_csrf', csrf]);
    pairs.push(
      ['title', overrides.title ?? 'بستهٔ بازنگری‌شده'],
      ['note', overrides.note ?? 'یادداشت تازهٔ همراه'],
      ['audience', 'cities'],
      ['cities', 'shiraz'],
      ['resolutions', '9/4'],
      ['documents', docs.a.id],
      [`order-${docs.a.id}`, '2'],
      [`note-${docs.a.id}`, 'اول بخوانید'],
      ['documents', docs.c.id],
      [`order-${docs.c.id}`, '1'],
      [`note-${docs.c.id}`, 'یادداشت تازه برای نقشه'],
      ['documents', docs.d.id],
      [`order-${docs.d.id}`, '3'],
      [`note-${docs.d.id}`, ''],
    );
    // b is left unticked: its order and note fields still come, as from the browser.
    pairs.push([`order-${docs.b.id}`, ''], [`note-${docs.b.id}`, '']);
    for (const id of extraDocuments) pairs.push(['documents', id], [`order-${id}`, '4']);
    return form(pairs);
  }

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    for (const key of ['a', 'b', 'c', 'd', 'unpublished'] as const) {
      const doc = await upload(portal, c.owner, { title: TITLES[key], summary: 'چکیده', kind: 'threat-study', year: '1398', hazards: ['earthquake'], access: 'portal' });
      docs[key] = { id: doc.id, title: TITLES[key] };
      if (key !== 'unpublished') await bring(portal, c, doc.id, 'published');
    }
  });
  after(() => portal?.close());

  describe('the edit page', function () {
    it('is linked from the draft’s page for the secretariat and shows the draft’s values, items in their order with their notes', async function () {
      const id = await draft();
      const sec = await browser('sec');
      const page = await sec.agent.get(`/packages/${id}`).expect(200);
      expect(page.text).to.include(`<a class="button" href="/packages/${id}/edit">ویرایش</a>`);

      const res = await sec.agent.get(`/packages/${id}/edit`).expect(200);
      const main = mainOf(res.text);
      expect(main).to.include('<h1>ویرایش پیش‌نویس «بستهٔ تجربیات شهری»</h1>');
      expect(main).to.include(`<form class="card" method="post" action="/packages/${id}/edit">`);
      expect(inputValue(main, 'title')).to.equal('بستهٔ تجربیات شهری');
      expect(main).to.match(/<textarea name="note" rows="4" dir="auto">یادداشت نخست<\/textarea>/);
      expect(main).to.include('name="audience" value="all" checked');
      expect(main).to.include('name="resolutions" value="9/2" checked').and.include('name="resolutions" value="9/4">');
      for (const [key, order] of [['a', '1'], ['b', '2'], ['c', '3']] as const) {
        expect(main, key).to.include(`name="documents" value="${docs[key].id}" aria-label="برگزیدن «${TITLES[key]}»" checked`);
        expect(inputValue(main, `order-${docs[key].id}`), key).to.equal(order);
      }
      expect(inputValue(main, `note-${docs.a.id}`)).to.equal('اول بخوانید');
      expect(inputValue(main, `note-${docs.b.id}`)).to.equal('');
      // d is offered, unticked, after the draft's items; the unpublished document is not offered at all.
      expect(main).to.match(new RegExp(`name="documents" value="${docs.d.id}" aria-label="[^"]*">`));
      expect(inputValue(main, `order-${docs.d.id}`)).to.equal('');
      const at = (key: keyof typeof TITLES) => main.indexOf(`value="${docs[key].id}"`);
      expect(at('a')).to.be.lessThan(at('b'));
      expect(at('b')).to.be.lessThan(at('c'));
      expect(at('c')).to.be.lessThan(at('d'));
      expect(main).not.to.include(TITLES.unpublished);
      // Labelled like the new-package form.
      expect(main).to.include('<label>عنوان بسته').and.include(`aria-label="ردیف «${TITLES.c}»"`).and.include(`aria-label="یادداشت برای «${TITLES.a}»"`);
      expect(main).to.include('>ذخیرهٔ تغییرات</button>');
    });

    it('renders in English with English labels and Latin digits, and in Persian with Persian digits', async function () {
      const id = await draft('Draft for the languages');
      const en = await browser('sec', 'en');
      const english = await en.agent.get(`/packages/${id}/edit`).expect(200);
      expect(english.text).to.include('<html lang="en" dir="ltr">');
      const main = mainOf(english.text);
      expect(main).to.include('<h1>Edit the draft “Draft for the languages”</h1>');
      expect(main).to.include('<label>Package title').and.include('Accompanying note (cover letter)').and.include('>Save changes</button>');
      expect(main).to.include(`aria-label="Include “${TITLES.a}”"`).and.include('All cities and readers').and.include('Back to the package without saving');
      expect(main).to.include('>Tehran<').and.include('>1398<');
      expect(visibleText(english.text)).not.to.match(PERSIAN_DIGIT);
      expect((await en.agent.get(`/packages/${id}`).expect(200)).text).to.include(`href="/packages/${id}/edit">Edit</a>`);

      const fa = await browser('sec', 'fa');
      const persian = await fa.agent.get(`/packages/${id}/edit`).expect(200);
      expect(persian.text).to.include('<html lang="fa" dir="rtl">');
      const text = visibleText(persian.text);
      expect(text).to.include('۱۳۹۸').and.include('بازگشت به بسته بدون ذخیره');
      expect(text, 'Latin digits in the Persian page').not.to.match(LATIN_DIGIT);
    });
  });

  describe('saving', function () {
    it('changes title, order, items and notes through the same update as the API: the page, the API and the audit log show it', async function () {
      const id = await draft();
      const before = snapshot(id);
      const sec = await browser('sec');
      const edit = await sec.agent.get(`/packages/${id}/edit`).expect(200);
      const saved = await sec.agent.post(`/packages/${id}/edit`).type('form').send(changes(csrfFrom(edit.text))).expect(303);
      expect(saved.headers.location).to.equal(`/packages/${id}`);

      const page = await sec.agent.get(`/packages/${id}`).expect(200);
      expect(mainOf(page.text)).to.include('<p class="flash" role="status">تغییرات پیش‌نویس بسته ذخیره شد.</p>');
      const main = mainOf(page.text);
      expect(main).to.include('<h1 dir="auto">بستهٔ بازنگری‌شده</h1>').and.include('یادداشت تازهٔ همراه').and.include('شیراز').and.include('href="/resolutions#r-9-4"');
      expect(main).not.to.include('href="/resolutions#r-9-2"');
      expect(main).not.to.include(TITLES.b);
      expect(main.indexOf(TITLES.c)).to.be.greaterThan(-1).and.lessThan(main.indexOf(TITLES.a));
      expect(main.indexOf(TITLES.a)).to.be.lessThan(main.indexOf(TITLES.d));
      expect(main).to.include('یادداشت تازه برای نقشه');

      const json = await api().get(`/api/v1/packages/${id}`).set(c.secretariat.auth).expect(200);
      expect(json.body).to.include({ title: 'بستهٔ بازنگری‌شده', note: 'یادداشت تازهٔ همراه', status: 'draft' });
      expect(json.body.audience).to.deep.equal({ cities: ['shiraz'] });
      expect(json.body.resolutions).to.deep.equal(['9/4']);
      expect(json.body.items.map((i: { document: string; note: string }) => [i.document, i.note])).to.deep.equal([
        [docs.c.id, 'یادداشت تازه برای نقشه'],
        [docs.a.id, 'اول بخوانید'],
        [docs.d.id, ''],
      ]);

      const after = snapshot(id);
      expect(after.audits).to.equal(before.audits + 1);
      const row = portal.services.db
        .prepare("SELECT user_id, action, details FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT 1")
        .get(id) as { user_id: number; action: string; details: string };
      expect(row.action).to.equal('package.updated');
      expect(row.user_id).to.equal(c.secretariat.user.id);
      expect(JSON.parse(row.details).fields).to.have.members(['title', 'note', 'documents', 'audience', 'resolutions']);

      // The saved draft opens in the form again as saved: c, a, d in that order.
      const again = mainOf((await sec.agent.get(`/packages/${id}/edit`).expect(200)).text);
      expect(inputValue(again, `order-${docs.c.id}`)).to.equal('1');
      expect(inputValue(again, `order-${docs.a.id}`)).to.equal('2');
      expect(inputValue(again, `order-${docs.d.id}`)).to.equal('3');
      expect(inputValue(again, `order-${docs.b.id}`)).to.equal('');
      expect(again).to.include('name="audience" value="cities" checked').and.include('name="cities" value="shiraz" checked');
    });

    it('writes the same kind of audit row as a PATCH through the API', async function () {
      const id = await draft();
      await api().patch(`/api/v1/packages/${id}`).set(c.secretariat.auth).send({ title: 'از راه API' }).expect(200);
      const actions = portal.services.db.prepare('SELECT action FROM audit_log WHERE target = ? ORDER BY id').pluck().all(id);
      expect(actions).to.deep.equal(['package.created', 'package.updated']);
    });
  });

  describe('refusals leave the package unchanged', function () {
    let id: string;
    let published: string;

    before(async function () {
      id = await draft('پیش‌نویس دست‌نخورده');
      published = await draft('بستهٔ منتشرشده');
      await api().post(`/api/v1/packages/${published}/publish`).set(c.secretariat.auth).expect(200);
    });

    it('a city user and a reader get the package page’s 404 for a draft they cannot see, on GET and on POST', async function () {
      const before = snapshot(id);
      for (const username of ['tehran-staff', 'reader']) {
        const who = await browser(username);
        await who.agent.get(`/packages/${id}`).expect(404);
        const res = await who.agent.get(`/packages/${id}/edit`).expect(404);
        expect(res.text).to.include('صفحه یا سندی که خواستید پیدا نشد.').and.not.include('پیش‌نویس دست‌نخورده');
        await who.agent.post(`/packages/${id}/edit`).type('form').send(changes(who.csrf)).expect(404);
      }
      expect(snapshot(id)).to.deep.equal(before);
    });

    it('a city user and a reader who see a published package get 403, and no edit link', async function () {
      const before = snapshot(published);
      for (const username of ['tehran-staff', 'reader']) {
        const who = await browser(username);
        const page = await who.agent.get(`/packages/${published}`).expect(200);
        expect(page.text).not.to.include(`/packages/${published}/edit`);
        const res = await who.agent.get(`/packages/${published}/edit`).expect(403);
        expect(res.text).to.include('شما اجازهٔ این کار را ندارید.');
        await who.agent.post(`/packages/${published}/edit`).type('form').send(changes(who.csrf)).expect(403);
      }
      expect(snapshot(published)).to.deep.equal(before);
    });

    it('the secretariat is refused the edit page of a published package with 409, as the PATCH API is, and sees no edit link', async function () {
      const before = snapshot(published);
      const sec = await browser('sec');
      const page = await sec.agent.get(`/packages/${published}`).expect(200);
      expect(page.text).not.to.include(`/packages/${published}/edit`);
      const res = await sec.agent.get(`/packages/${published}/edit`).expect(409);
      expect(res.text).to.include('این کار در وضعیت کنونی سند ممکن نیست.').and.not.include('<form class="card"');
      await sec.agent.post(`/packages/${published}/edit`).type('form').send(changes(sec.csrf)).expect(409);
      const patched = await api().patch(`/api/v1/packages/${published}`).set(c.secretariat.auth).send({ title: 'x' }).expect(409);
      expect(patched.body.error.code).to.equal('invalid_transition');
      expect(snapshot(published)).to.deep.equal(before);
    });

    it('an unknown package is 404 for the secretariat too', async function () {
      const sec = await browser('sec');
      await sec.agent.get('/packages/no-such-package/edit').expect(404);
      await sec.agent.post('/packages/no-such-package/edit').type('form').send(changes(sec.csrf)).expect(404);
    });

    it('a POST without the CSRF token, or with a wrong one, is 403', async function () {
      const before = snapshot(id);
      const sec = await browser('sec');
      await sec.agent.post(`/packages/${id}/edit`).type('form').send(changes(null)).expect(403);
      await sec.agent.post(`/packages/${id}/edit`).type('form').send(changes('not-the-token')).expect(403);
      expect(snapshot(id)).to.deep.equal(before);
    });

    it('an empty title is 400 with the form shown again, the entered values kept, the reason in Persian', async function () {
      const before = snapshot(id);
      const sec = await browser('sec');
      const res = await sec.agent.post(`/packages/${id}/edit`).type('form').send(changes(sec.csrf, { title: '   ', note: 'یادداشتی که نباید گم شود' })).expect(400);
      const main = mainOf(res.text);
      expect(main).to.include('<section class="error-box" role="alert">').and.include('تغییرات ذخیره نشد:').and.include('عنوان بسته را بنویسید');
      expect(main).to.include(`action="/packages/${id}/edit"`);
      expect(main).to.include('یادداشتی که نباید گم شود').and.include('name="cities" value="shiraz" checked').and.include('name="resolutions" value="9/4" checked');
      expect(inputValue(main, `order-${docs.c.id}`)).to.equal('1');
      expect(inputValue(main, `note-${docs.c.id}`)).to.equal('یادداشت تازه برای نقشه');
      expect(main).to.match(new RegExp(`name="documents" value="${docs.d.id}"[^>]*checked`));
      expect(main).not.to.match(new RegExp(`name="documents" value="${docs.b.id}"[^>]*checked`));
      // The heading still names the draft as saved.
      expect(main).to.include('<h1>ویرایش پیش‌نویس «پیش‌نویس دست‌نخورده»</h1>');
      expect(snapshot(id)).to.deep.equal(before);
    });

    it('an empty title is refused in English for an English reader', async function () {
      const before = snapshot(id);
      const en = await browser('sec', 'en');
      const res = await en.agent.post(`/packages/${id}/edit`).type('form').send(changes(en.csrf, { title: '' })).expect(400);
      const main = mainOf(res.text);
      expect(res.text).to.include('<html lang="en" dir="ltr">');
      expect(main).to.include('The changes were not saved:').and.include('Write the package’s title (at most 300 characters).').and.include('یادداشت تازهٔ همراه');
      expect(snapshot(id)).to.deep.equal(before);
    });

    it('an unknown document id and a document that is not published are 400, the form kept, nothing changed', async function () {
      const before = snapshot(id);
      const sec = await browser('sec');
      for (const extra of ['no-such-document', docs.unpublished.id]) {
        const res = await sec.agent.post(`/packages/${id}/edit`).type('form').send(changes(sec.csrf, { title: 'عنوانی که نگه داشته می‌شود' }, [extra])).expect(400);
        const main = mainOf(res.text);
        expect(main, extra).to.include('تغییرات ذخیره نشد:').and.include('سندی که برگزیده‌اید پیدا نشد یا منتشرشده نیست');
        expect(inputValue(main, 'title'), extra).to.equal('عنوانی که نگه داشته می‌شود');
        expect(main, extra).not.to.include(TITLES.unpublished);
      }
      const en = await browser('sec', 'en');
      const english = await en.agent.post(`/packages/${id}/edit`).type('form').send(changes(en.csrf, {}, [docs.unpublished.id])).expect(400);
      expect(mainOf(english.text)).to.include('A chosen document was not found or is not published');
      expect(snapshot(id)).to.deep.equal(before);
    });

    it('no document at all is 400 and changes nothing', async function () {
      const before = snapshot(id);
      const sec = await browser('sec');
      const res = await sec.agent.post(`/packages/${id}/edit`).type('form').send(form([['_csrf', sec.csrf], ['title', 'بی‌سند'], ['audience', 'all']])).expect(400);
      expect(mainOf(res.text)).to.include('دست‌کم یک سند منتشرشده را برای بسته برگزینید.');
      expect(snapshot(id)).to.deep.equal(before);
    });
  });

  describe('a draft whose document was withdrawn', function () {
    it('says on the form that saving drops the item no longer published', async function () {
      const extra = await upload(portal, c.owner, { title: 'سند پس‌گرفتنی', summary: 'چکیده', kind: 'threat-study', year: '1398', hazards: ['flood'], access: 'portal' });
      await bring(portal, c, extra.id, 'published');
      const res = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'با سند پس‌گرفته', documents: [docs.a.id, extra.id], audience: { all: true } }).expect(201);
      await api().post(`/api/v1/documents/${extra.id}/withdraw`).set(c.secretariat.auth).send({}).expect(200);
      const sec = await browser('sec');
      const main = mainOf((await sec.agent.get(`/packages/${res.body.id}/edit`).expect(200)).text);
      expect(main).to.include('این اسناد پیش‌نویس دیگر منتشرشده نیستند و با ذخیره از بسته برداشته می‌شوند:').and.include('<bdi>سند پس‌گرفتنی</bdi>');
      expect(main).not.to.include(`value="${extra.id}"`);
    });
  });
});
