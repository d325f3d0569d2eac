import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import type express from 'express';
import { loadConfig } from '../../server/config';
import { wire } from '../../server/wire';
import { createApp } from '../../server/app';
import type { Services } from '../../server/services';
import type { Role, User } from '../../server/auth/roles';
import { csrfFrom } from '../helpers/sign-in';

const PASSWORD = 'correct-horse-battery';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PERSIAN_FILENAME = 'گزارش زلزله.pdf';
const SOLAR_MONTHS = 'فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند';
const SOLAR_DATE = new RegExp(`[۰-۹]{1,2} (${SOLAR_MONTHS}) [۰-۹]{4}`);

describe('HTML pages', function () {
  let dataDir: string;
  let services: Services;
  let app: express.Express;
  const logged: unknown[] = [];
  const people: Record<'sec' | 'tehran' | 'shiraz' | 'reader' | 'locked', User> = {} as never;

  before(async function () {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-pages-'));
    services = await wire(loadConfig({ DATA_DIR: dataDir }));
    app = createApp(services, (error) => logged.push(error));
    const make = (username: string, role: Role, city: string | null = null) => services.users.create({ username, password: PASSWORD, role, city }, null);
    [people.sec, people.tehran, people.shiraz, people.reader, people.locked] = await Promise.all([
      make('sec', 'secretariat'),
      make('tehran-staff', 'city', 'tehran'),
      make('shiraz-staff', 'city', 'shiraz'),
      make('reader', 'reader'),
      make('locked-out', 'reader'),
    ]);
  });

  after(async function () {
    services.sessions.close();
    await services.searchIndex.close();
    services.db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(logged.map(String), 'errors the portal logged').to.deep.equal([]);
  });

  /** A browser: a cookie jar, signed in as `username`, with the CSRF token of its session. */
  async function signIn(username: string): Promise<{ agent: supertest.Agent; csrf: string; cookie: string }> {
    const agent = supertest.agent(app);
    const login = await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username, password: PASSWORD }).expect(303);
    // The session is a new one after sign-in, with a token of its own.
    const page = await agent.get('/documents').expect(200);
    return { agent, csrf: csrfFrom(page.text), cookie: sessionCookie(res)! };
  }

  function uploadForm(agent: supertest.Agent, csrf: string | null, fields: Record<string, string | string[]>, file: Buffer | null = PDF) {
    const req = agent.post(csrf === null ? '/documents/new' : `/documents/new?_csrf=${encodeURIComponent(csrf)}`);
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) req.field(name, v);
    if (file) req.attach('file', file, { filename: PERSIAN_FILENAME, contentType: 'application/pdf' });
    return req;
  }

  const FIELDS = {
    title: 'مطالعهٔ آسیب‌پذیری شریان‌های حیاتی تهران',
    summary: 'بررسی آسیب‌پذیری شبکهٔ آب و برق در برابر زلزله',
    kind: 'threat-study',
    year: '۱۳۹۱',
    hazards: ['earthquake', 'fire'],
    keywords: 'زلزله، شریان حیاتی, مدرسه',
    resolutions: ['9/2'],
    access: 'portal',
  };

  function documentCount(): number {
    return services.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  }

  function storedObjects(): number {
    const root = path.join(dataDir, 'files');
    if (!fs.existsSync(root)) return 0;
    return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).length;
  }

  function statusOf(id: string): string {
    return services.db.prepare('SELECT status FROM documents WHERE id = ?').pluck().get(id) as string;
  }

  async function uploadAsTehran(title: string): Promise<string> {
    const { agent, csrf } = await signIn('tehran-staff');
    const res = await uploadForm(agent, csrf, { ...FIELDS, title }).expect(303);
    return idFrom(res.headers.location);
  }

  describe('signing in', function () {
    it('shows a right-to-left Persian sign-in page', async function () {
      const res = await supertest(app).get('/login').expect(200);
      expect(res.text).to.include('lang="fa" dir="rtl"');
      expect(res.text).to.include('ورود به سامانه');
    });

    it('refuses a wrong password with 401 and a Persian message', async function () {
      const agent = supertest.agent(app);
      const login = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'reader', password: 'not-the-password' }).expect(401);
      expect(res.text).to.include('نام کاربری یا گذرواژه نادرست است');
    });

    it('refuses a sign-in without the CSRF token', async function () {
      const agent = supertest.agent(app);
      await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ username: 'reader', password: PASSWORD }).expect(403);
      expect(res.text).to.include('صفحه را دوباره بارگذاری کنید');
    });

    it('keeps the session in an HttpOnly, SameSite=Lax cookie whose id changes at sign-in', async function () {
      const agent = supertest.agent(app);
      const login = await agent.get('/login').expect(200);
      const before = sessionCookie(login);
      expect(before, 'a session cookie before sign-in').to.be.a('string');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'reader', password: PASSWORD }).expect(303);
      const header = [res.headers['set-cookie'] ?? []].flat().find((c: string) => c.startsWith('tajrobe.sid='))!;
      expect(header).to.match(/;\s*HttpOnly/i);
      expect(header).to.match(/;\s*SameSite=Lax/i);
      expect(sessionCookie(res)).to.be.a('string').and.not.equal(before);
    });

    it('locks a username out after 5 wrong passwords (429), even with the right one next', async function () {
      const agent = supertest.agent(app);
      const csrf = csrfFrom((await agent.get('/login')).text);
      for (let i = 0; i < 5; i += 1) {
        await agent.post('/login').type('form').send({ _csrf: csrf, username: 'locked-out', password: `wrong-${i}` }).expect(401);
      }
      const res = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'locked-out', password: PASSWORD }).expect(429);
      expect(res.headers['retry-after']).to.match(/^\d+$/);
      expect(res.text).to.include('تلاش‌های ناموفق بسیار بود');
    });

    it('sends a visitor without a session to the sign-in page and back where they were going', async function () {
      const agent = supertest.agent(app);
      const res = await agent.get('/documents').expect(303);
      expect(res.headers.location).to.equal('/login');
      const login = await agent.get('/login').expect(200);
      const back = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'reader', password: PASSWORD }).expect(303);
      expect(back.headers.location).to.equal('/documents');
      await agent.get(back.headers.location).expect(200);
    });

    it('sends the secretariat to the review queue and others to the documents from /', async function () {
      const sec = await signIn('sec');
      expect((await sec.agent.get('/').expect(303)).headers.location).to.equal('/review');
      const city = await signIn('tehran-staff');
      expect((await city.agent.get('/').expect(303)).headers.location).to.equal('/documents');
    });
  });

  describe('documents', function () {
    it('lets a city user upload through the form and land on the document page', async function () {
      const { agent, csrf } = await signIn('tehran-staff');
      const form = await agent.get('/documents/new').expect(200);
      expect(form.text).to.include('۹/۲');
      expect(form.text).to.include(`value="${faDigits(currentJalaliYear())}"`);

      const res = await uploadForm(agent, csrf, FIELDS).expect(303);
      const id = idFrom(res.headers.location);
      const page = await agent.get(res.headers.location).expect(200);
      expect(page.text).to.include(FIELDS.title);
      expect(page.text).to.include('سند بارگذاری شد');
      expect(page.text).to.include(PERSIAN_FILENAME);
      expect(page.text).to.include('پیش‌نویس');
      expect(page.text).to.include('در صف پردازش');
      expect(page.text).to.match(SOLAR_DATE);

      const doc = services.documents.getVisible(people.tehran, id);
      expect(doc).to.include({ city: 'tehran', year: 1391, status: 'draft', kind: 'threat-study' });
      expect(doc.keywords).to.deep.equal(['زلزله', 'شریان حیاتی', 'مدرسه']);
      expect(doc.hazards).to.have.members(['earthquake', 'fire']);
      expect(doc.resolutions).to.deep.equal(['9/2']);
      expect(doc.versions[0]!.filename).to.equal(PERSIAN_FILENAME);
    });

    it('refuses a multipart upload without the CSRF token and stores nothing', async function () {
      const { agent } = await signIn('tehran-staff');
      const [documents, objects] = [documentCount(), storedObjects()];
      const res = await uploadForm(agent, null, FIELDS).expect(403);
      expect(res.text).to.include('نشست فرم منقضی شده است');
      expect(documentCount()).to.equal(documents);
      expect(storedObjects()).to.equal(objects);
    });

    it('shows the form again with Persian messages and the values kept when a field is missing, and keeps no file', async function () {
      const { agent, csrf } = await signIn('tehran-staff');
      const [documents, objects] = [documentCount(), storedObjects()];
      const res = await uploadForm(agent, csrf, { ...FIELDS, title: '', year: 'هزار' }).expect(400);
      expect(res.text).to.include('عنوان را بنویسید');
      expect(res.text).to.include('سال را به هجری شمسی');
      expect(res.text).to.include('دوباره انتخاب کنید');
      expect(res.text).to.include(FIELDS.summary);
      expect(res.text).to.include('زلزله، شریان حیاتی, مدرسه');
      expect(documentCount()).to.equal(documents);
      expect(storedObjects()).to.equal(objects);
    });

    it('asks for the file when none was chosen', async function () {
      const { agent, csrf } = await signIn('tehran-staff');
      const res = await uploadForm(agent, csrf, FIELDS, null).expect(400);
      expect(res.text).to.include('پرونده‌ای انتخاب نشده است');
    });

    it('serves the file to a signed-in user who may see it', async function () {
      const id = await uploadAsTehran('سند برای دریافت');
      const { agent } = await signIn('tehran-staff');
      const res = await agent.get(`/documents/${id}/file?version=1`).responseType('blob').expect(200);
      expect(Buffer.compare(res.body as Buffer, PDF)).to.equal(0);
      expect(res.headers['content-disposition']).to.include(`filename*=UTF-8''${encodeURIComponent('گزارش')}`);
      const other = await signIn('shiraz-staff');
      await other.agent.get(`/documents/${id}/file?version=1`).expect(404);
    });

    it('lists the documents a user may see, and only those', async function () {
      const id = await uploadAsTehran('پیش‌نویس فقط برای تهران');
      const tehran = await signIn('tehran-staff');
      expect((await tehran.agent.get('/documents').expect(200)).text).to.include(`/documents/${id}`);
      const shiraz = await signIn('shiraz-staff');
      const everything = await shiraz.agent.get('/documents?city=').expect(200);
      expect(everything.text).not.to.include(`/documents/${id}`);
      const own = await shiraz.agent.get('/documents').expect(200);
      expect(own.text).to.include('هنوز سندی از شهر شما در سامانه نیست');
    });

    it('refuses the upload form to a reader with a Persian 403 page', async function () {
      const { agent, csrf } = await signIn('reader');
      const res = await agent.get('/documents/new').expect(403);
      expect(res.text).to.include('شما اجازهٔ این کار را ندارید');
      const [documents, objects] = [documentCount(), storedObjects()];
      await uploadForm(agent, csrf, FIELDS).expect(403);
      expect(documentCount()).to.equal(documents);
      expect(storedObjects()).to.equal(objects);
    });

    it("answers 404 with a Persian page for another city's draft", async function () {
      const id = await uploadAsTehran('پیش‌نویس محرمانهٔ تهران');
      const { agent, csrf } = await signIn('shiraz-staff');
      const res = await agent.get(`/documents/${id}`).expect(404);
      expect(res.text).to.include('پیدا نشد');
      expect(res.text).not.to.include('پیش‌نویس محرمانهٔ تهران');
      await agent.post(`/documents/${id}/submit`).type('form').send({ _csrf: csrf }).expect(404);
      expect(statusOf(id)).to.equal('draft');
    });

    it('adds a version through the page while the document is a draft', async function () {
      const id = await uploadAsTehran('سند با دو نسخه');
      const { agent, csrf } = await signIn('tehran-staff');
      const res = await agent
        .post(`/documents/${id}/versions?_csrf=${encodeURIComponent(csrf)}`)
        .attach('file', PDF, { filename: 'نسخه دوم.pdf', contentType: 'application/pdf' })
        .expect(303);
      expect(res.headers.location).to.equal(`/documents/${id}`);
      const page = await agent.get(`/documents/${id}`).expect(200);
      expect(page.text).to.include('نسخه دوم.pdf');
      expect(services.documents.getVisible(people.tehran, id).versions).to.have.length(2);
    });
  });

  describe('review', function () {
    it('takes a document from a city through the queue and back with a comment the city sees', async function () {
      const title = 'گزارش آموزش همگانی برای بررسی';
      const id = await uploadAsTehran(title);
      const city = await signIn('tehran-staff');
      await city.agent.post(`/documents/${id}/submit`).type('form').send({ _csrf: city.csrf }).expect(303);
      expect(statusOf(id)).to.equal('submitted');

      const sec = await signIn('sec');
      const queue = await sec.agent.get('/review').expect(200);
      expect(queue.text).to.include(title);
      expect(queue.text).to.include(`/documents/${id}`);
      const filtered = await sec.agent.get('/review?city=shiraz').expect(200);
      expect(filtered.text).not.to.include(title);

      await sec.agent.post(`/documents/${id}/return`).type('form').send({ _csrf: sec.csrf, comment: '  ' }).expect(400);
      expect(statusOf(id)).to.equal('submitted');
      const comment = 'جدول برآورد خسارت‌ها ناقص است؛ لطفاً کامل کنید.';
      const returned = await sec.agent.post(`/documents/${id}/return`).type('form').send({ _csrf: sec.csrf, comment }).expect(303);
      expect(returned.headers.location).to.equal(`/documents/${id}`);
      expect(statusOf(id)).to.equal('returned');

      const page = await city.agent.get(`/documents/${id}`).expect(200);
      expect(page.text).to.include(comment);
      expect(page.text).to.include('برگشت‌خورده');
    });

    it('lets only the secretariat publish and see the queue', async function () {
      const id = await uploadAsTehran('سند برای انتشار');
      const city = await signIn('tehran-staff');
      await city.agent.post(`/documents/${id}/submit`).type('form').send({ _csrf: city.csrf }).expect(303);
      await city.agent.post(`/documents/${id}/publish`).type('form').send({ _csrf: city.csrf }).expect(403);
      await city.agent.get('/review').expect(403);
      const sec = await signIn('sec');
      await sec.agent.post(`/documents/${id}/publish`).type('form').send({ _csrf: sec.csrf }).expect(303);
      expect(statusOf(id)).to.equal('published');
      const reader = await signIn('reader');
      expect((await reader.agent.get(`/documents/${id}`).expect(200)).text).to.include('منتشرشده');
    });

    it('refuses a workflow button without the CSRF token', async function () {
      const id = await uploadAsTehran('سند بی‌توکن');
      const city = await signIn('tehran-staff');
      await city.agent.post(`/documents/${id}/submit`).type('form').send({}).expect(403);
      expect(statusOf(id)).to.equal('draft');
    });
  });

  describe('users', function () {
    it('refuses the user list to a city user', async function () {
      const { agent, csrf } = await signIn('tehran-staff');
      const res = await agent.get('/users').expect(403);
      expect(res.text).to.include('شما اجازهٔ این کار را ندارید');
      await agent.post('/users').type('form').send({ _csrf: csrf, username: 'sneaky', password: PASSWORD, role: 'secretariat' }).expect(403);
      expect(services.users.list().some((u) => u.username === 'sneaky')).to.equal(false);
    });

    it('lets the secretariat create a user through the form, and explains a taken name', async function () {
      const { agent, csrf } = await signIn('sec');
      const list = await agent.get('/users').expect(200);
      expect(list.text).to.include('tehran-staff');
      expect(list.text).to.include('کاربر شهر');

      await agent.post('/users').type('form').send({ _csrf: csrf, username: 'yazd-staff', password: PASSWORD, role: 'city', city: 'yazd' }).expect(303);
      expect(services.users.list().find((u) => u.username === 'yazd-staff')).to.include({ role: 'city', city: 'yazd', disabled: false });
      await signIn('yazd-staff');

      const taken = await agent.post('/users').type('form').send({ _csrf: csrf, username: 'yazd-staff', password: PASSWORD, role: 'reader', city: '' }).expect(409);
      expect(taken.text).to.include('این نام کاربری پیش‌تر ثبت شده است');
      expect(taken.text).to.include('value="yazd-staff"');

      const bad = await agent.post('/users').type('form').send({ _csrf: csrf, username: 'qom-staff', password: 'short', role: 'city', city: '' }).expect(400);
      expect(bad.text).to.include('گذرواژه باید دست‌کم ۱۰ نویسه باشد');
      expect(bad.text).to.include('کاربر شهر باید به یکی از شهرهای فهرست تعلق داشته باشد');
    });

    it('disables an account, which then cannot sign in', async function () {
      const { agent, csrf } = await signIn('sec');
      await agent.post(`/users/${people.shiraz.id}/disable`).type('form').send({ _csrf: csrf }).expect(303);
      const other = supertest.agent(app);
      const login = await other.get('/login');
      await other.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'shiraz-staff', password: PASSWORD }).expect(401);
      await agent.post(`/users/${people.shiraz.id}/enable`).type('form').send({ _csrf: csrf }).expect(303);
      await signIn('shiraz-staff');
      await agent.post(`/users/${people.sec.id}/disable`).type('form').send({ _csrf: csrf }).expect(409);
    });
  });

  describe('signing out', function () {
    it('destroys the session so the old cookie no longer works', async function () {
      const { agent, csrf, cookie } = await signIn('reader');
      await supertest(app).get('/documents').set('Cookie', cookie).expect(200);
      const res = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
      expect(res.headers.location).to.equal('/login');
      const after = await supertest(app).get('/documents').set('Cookie', cookie).expect(303);
      expect(after.headers.location).to.equal('/login');
      const sid = decodeURIComponent(cookie.slice('tajrobe.sid='.length)).replace(/^s:/, '').split('.')[0];
      expect(services.db.prepare('SELECT count(*) FROM sessions WHERE sid = ?').pluck().get(sid)).to.equal(0);
    });
  });
});


/** `tajrobe.sid=<value>` from a response's Set-Cookie, if it sets one. */
function sessionCookie(res: supertest.Response): string | undefined {
  const cookies = [res.headers['set-cookie'] ?? []].flat() as string[];
  return cookies.find((c) => c.startsWith('tajrobe.sid='))?.split(';')[0];
}

function idFrom(location: string | undefined): string {
  const match = /^\/documents\/([0-9a-f-]{36})$/.exec(location ?? '');
  if (!match) throw new Error(`not a document page: ${location}`);
  return match[1]!;
}

function faDigits(value: number): string {
  return String(value).replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

function currentJalaliYear(): number {
  const parts = new Intl.DateTimeFormat('en-u-ca-persian', { year: 'numeric', timeZone: 'Asia/Tehran' }).formatToParts(new Date());
  return Number(parts.find((p) => p.type === 'year')!.value);
}
