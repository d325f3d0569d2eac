import crypto from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, DEFAULT_FIELDS, PASSWORD, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom, signIn, type Browser } from '../helpers/sign-in';

const NEW_PASSWORD = 'a-new-long-passphrase';
const TEMPORARY = 'temporary-pass-4821';

/** The page's <main>: the shared header belongs to another part of the interface. */
function mainOf(html: string): string {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

describe('people and cities pages, in Persian and English', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const hashOf = (id: number) => portal.services.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(id) as string;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** Posts a form with the session's CSRF token (read from `from`). */
  async function post(browser: Browser, url: string, fields: Record<string, string>, from = '/me') {
    const page = await browser.agent.get(from).expect(200);
    return browser.agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
  }

  describe('/me: one’s own details', () => {
    it('shows the account and the form in the reader’s language, with a link to it in the header', async () => {
      for (const [lang, h1, label, role] of [
        ['fa', '<h1>حساب من</h1>', 'نام و نام خانوادگی', 'کاربر شهر'],
        ['en', '<h1>My account</h1>', 'Full name', 'City user'],
      ] as const) {
        const browser = await signIn(portal.app, 'tehran-staff', lang);
        const html = (await browser.agent.get('/me').expect(200)).text;
        expect(html).to.include(h1).and.include(label).and.include(role);
        expect(html).to.include('<a class="who" href="/me" aria-current="page">');
        expect(mainOf(html)).to.include('href="/me/password"').and.include('name="phone" type="tel"');
      }
    });

    it('saves the details (phone typed in Persian digits, shown back in each language’s digits) and says so', async () => {
      const fa = await signIn(portal.app, 'shiraz-staff');
      const saved = await post(fa, '/me', { fullName: 'حسین نوری', jobTitle: 'کارشناس ارشد پدافند غیرعامل', phone: '۰۷۱-۳۲۳۴ ۵۶۷۸', email: 'h.nouri@shiraz.example.ir' });
      expect(saved.status).to.equal(303);
      expect(saved.headers.location).to.equal('/me');
      const after = await fa.agent.get('/me').expect(200);
      expect(after.text).to.include('<p class="flash" role="status">مشخصات شما ذخیره شد.</p>');
      expect(after.text).to.include('value="071-3234 5678"');
      expect(portal.services.users.person(c.otherCity.user.id)).to.include({ fullName: 'حسین نوری', phone: '071-3234 5678' });

      const city = (await fa.agent.get('/cities/shiraz').expect(200)).text;
      expect(city).to.include('<h2 id="city-people">افراد و راه‌های تماس</h2>');
      expect(city).to.include('<bdi>حسین نوری</bdi>').and.include('<bdi>کارشناس ارشد پدافند غیرعامل</bdi>');
      expect(city).to.include('<a href="tel:07132345678" dir="ltr">۰۷۱-۳۲۳۴ ۵۶۷۸</a>');
      expect(city).to.include('href="mailto:h.nouri@shiraz.example.ir"');
      const en = await signIn(portal.app, 'reader', 'en');
      const english = (await en.agent.get('/cities/shiraz').expect(200)).text;
      expect(english).to.include('<h2 id="city-people">People and how to reach them</h2>').and.include('>071-3234 5678</a>');
      const empty = (await en.agent.get('/cities/arak').expect(200)).text;
      expect(empty).to.include('Nobody on the portal belongs to this city yet.');
    });

    it('refuses a bad phone or e-mail with messages in the reader’s language, keeping what was typed and saving nothing', async () => {
      const audits = countRows(portal, 'audit_log');
      const before = portal.services.users.person(c.sharedCity.user.id);
      for (const [lang, phoneMessage, emailMessage] of [
        ['fa', 'شمارهٔ تلفن فقط رقم، فاصله، خط تیره و پرانتز دارد', 'نشانی رایانامه درست نیست'],
        ['en', 'A phone number has only digits, spaces, dashes and parentheses', 'This is not an e-mail address'],
      ] as const) {
        const browser = await signIn(portal.app, 'isfahan-staff', lang);
        const res = await post(browser, '/me', { fullName: 'سارا <b>صالحی</b>', jobTitle: 'مسئول آموزش', phone: 'تماس نگیرید', email: 'sara@' });
        expect(res.status).to.equal(400);
        const main = mainOf(res.text);
        expect(main).to.include(phoneMessage).and.include(emailMessage);
        expect(main).to.include('value="سارا &lt;b&gt;صالحی&lt;/b&gt;"').and.include('value="مسئول آموزش"').and.include('value="تماس نگیرید"').and.include('value="sara@"');
      }
      expect(portal.services.users.person(c.sharedCity.user.id)).to.deep.equal(before);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
    });

    it('is for signed-in people only', async () => {
      const res = await supertest(portal.app).get('/me').expect(303);
      expect(res.headers.location).to.equal('/login');
      await supertest(portal.app).post('/me').type('form').send({ fullName: 'x' }).expect(401);
      await supertest(portal.app).post('/me/password').type('form').send({ current: 'x', new: 'y' }).expect(401);
    });
  });

  describe('/me/password', () => {
    it('refuses a wrong current password (403), a mismatch and a short password (400), in the reader’s language, changing nothing', async () => {
      const who = await actor(portal, 'qom-staff', 'city', 'qom');
      const hash = hashOf(who.user.id);
      const fa = await signIn(portal.app, 'qom-staff');
      const wrong = await post(fa, '/me/password', { current: 'not-my-password', new: NEW_PASSWORD, confirm: NEW_PASSWORD }, '/me/password');
      expect(wrong.status).to.equal(403);
      expect(mainOf(wrong.text)).to.include('گذرواژهٔ کنونی درست نیست.').and.include('گذرواژه‌ها برای امنیت دوباره پر نمی‌شوند');
      const mismatch = await post(fa, '/me/password', { current: PASSWORD, new: NEW_PASSWORD, confirm: 'something-else-entirely' }, '/me/password');
      expect(mismatch.status).to.equal(400);
      expect(mainOf(mismatch.text)).to.include('گذرواژهٔ تازه و تکرار آن یکی نیستند.');
      const en = await signIn(portal.app, 'qom-staff', 'en');
      const short = await post(en, '/me/password', { current: PASSWORD, new: 'short', confirm: 'short' }, '/me/password');
      expect(short.status).to.equal(400);
      expect(mainOf(short.text)).to.include('The new password must be at least 10 characters long.');
      const same = await post(en, '/me/password', { current: PASSWORD, new: PASSWORD, confirm: PASSWORD }, '/me/password');
      expect(same.status).to.equal(400);
      expect(mainOf(same.text)).to.include('The new password must differ from the current one.');
      expect(mainOf(same.text)).to.not.include(PASSWORD);
      expect(hashOf(who.user.id)).to.equal(hash);
      await fa.agent.get('/me').expect(200);
    });

    it('ends a session signed in before sessions recorded an epoch (one naming only the user id) too', async () => {
      const who = await actor(portal, 'arak-staff', 'city', 'arak');
      const sid = `from-before-${crypto.randomBytes(8).toString('hex')}`;
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      portal.services.sessions.set(sid, { cookie: { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/', sameSite: 'lax' }, passport: { user: who.user.id } } as never);
      const signature = crypto.createHmac('sha256', portal.services.sessionSecret).update(sid).digest('base64').replace(/=+$/, '');
      const cookie = `tajrobe.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
      expect((await supertest(portal.app).get('/me').set('Cookie', cookie).expect(200)).text).to.include('arak-staff');
      await supertest(portal.app).post('/api/v1/me/password').set(who.auth).send({ current: PASSWORD, new: NEW_PASSWORD }).expect(204);
      expect((await supertest(portal.app).get('/me').set('Cookie', cookie).expect(303)).headers.location).to.equal('/login');
    });

    it('changes the password, keeps this browser signed in and ends the other sign-ins and every token', async () => {
      const who = await actor(portal, 'ahvaz-staff', 'city', 'ahvaz');
      const here = await signIn(portal.app, 'ahvaz-staff');
      const elsewhere = await signIn(portal.app, 'ahvaz-staff', 'en');
      const changed = await post(here, '/me/password', { current: PASSWORD, new: NEW_PASSWORD, confirm: NEW_PASSWORD }, '/me/password');
      expect(changed.status).to.equal(303);
      expect(changed.headers.location).to.equal('/me');
      const after = await here.agent.get('/me').expect(200);
      expect(after.text).to.include('گذرواژهٔ شما تغییر کرد؛ ورودهای دیگر و توکن‌های API شما باطل شدند.');
      expect((await elsewhere.agent.get('/me').expect(303)).headers.location).to.equal('/login');
      await supertest(portal.app).get('/api/v1/me').set(who.auth).expect(401);
      const login = await supertest.agent(portal.app).get('/login');
      const old = await supertest(portal.app).post('/login').set('Cookie', login.headers['set-cookie'] as unknown as string[]).type('form').send({ _csrf: csrfFrom(login.text), username: 'ahvaz-staff', password: PASSWORD });
      expect(old.status).to.equal(401);
    });
  });

  describe('a temporary password, from the users page', () => {
    it('the users page shows names and titles, offers a temporary password per user, and lets a reader have a city', async () => {
      await supertest(portal.app).patch('/api/v1/me').set(c.owner.auth).send({ fullName: 'مریم احمدی', jobTitle: 'مدیر مرکز پایش' }).expect(200);
      for (const [lang, heading, button] of [
        ['fa', 'نام و سمت', 'گذاشتن گذرواژهٔ موقت'],
        ['en', 'Name and title', 'Set temporary password'],
      ] as const) {
        const sec = await signIn(portal.app, 'sec', lang);
        const html = mainOf((await sec.agent.get('/users').expect(200)).text);
        expect(html).to.include(heading).and.include('<bdi>مریم احمدی</bdi>').and.include('<bdi>مدیر مرکز پایش</bdi>').and.include(button);
        expect(html).to.include(`action="/users/${c.owner.user.id}/password"`);
        expect(html).to.not.include(`action="/users/${c.secretariat.user.id}/password"`);
      }
      const sec = await signIn(portal.app, 'sec');
      const made = await post(sec, '/users', { username: 'tabriz-reader', password: PASSWORD, role: 'reader', city: 'tabriz', fullName: 'رضا موسوی', jobTitle: 'پژوهشگر' }, '/users');
      expect(made.status).to.equal(303);
      expect(portal.services.users.list().find((u) => u.username === 'tabriz-reader')).to.include({ role: 'reader', city: 'tabriz', fullName: 'رضا موسوی', jobTitle: 'پژوهشگر', mustChangePassword: false });
      const secWithCity = await post(sec, '/users', { username: 'second-sec', password: PASSWORD, role: 'secretariat', city: 'tabriz' }, '/users');
      expect(secWithCity.status).to.equal(303);
      expect(portal.services.users.list().find((u) => u.username === 'second-sec')).to.include({ role: 'secretariat', city: null });
      const tabriz = (await sec.agent.get('/cities/tabriz').expect(200)).text;
      expect(tabriz).to.include('<bdi>رضا موسوی</bdi> <span class="muted">(خواننده)</span>');
    });

    it('is refused to others (403), for one’s own account (409), for an unknown user (404), and when too short (400), changing nothing', async () => {
      const target = await actor(portal, 'zahedan-staff', 'city', 'zahedan');
      const hash = hashOf(target.user.id);
      const audits = countRows(portal, 'audit_log');
      const city = await signIn(portal.app, 'tehran-staff');
      expect((await post(city, `/users/${target.user.id}/password`, { password: TEMPORARY })).status).to.equal(403);
      const sec = await signIn(portal.app, 'sec', 'en');
      const short = await post(sec, `/users/${target.user.id}/password`, { password: 'short' }, '/users');
      expect(short.status).to.equal(400);
      expect(mainOf(short.text)).to.include('A temporary password must be at least 10 characters long; nothing changed for “zahedan-staff”.');
      const self = await post(sec, `/users/${c.secretariat.user.id}/password`, { password: TEMPORARY }, '/users');
      expect(self.status).to.equal(409);
      expect(mainOf(self.text)).to.include('Do not set a temporary password for your own account');
      expect((await post(sec, '/users/999999/password', { password: TEMPORARY }, '/users')).status).to.equal(404);
      expect(hashOf(target.user.id)).to.equal(hash);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
    });

    it('ends the user’s sessions; at the next sign-in every page leads to the new-password form until it is chosen; signing out still works', async () => {
      const target = await actor(portal, 'hamadan-staff', 'city', 'hamadan');
      const before = await signIn(portal.app, 'hamadan-staff');
      const sec = await signIn(portal.app, 'sec');
      const set = await post(sec, `/users/${target.user.id}/password`, { password: TEMPORARY }, '/users');
      expect(set.status).to.equal(303);
      const list = await sec.agent.get('/users').expect(200);
      expect(list.text).to.include('برای «hamadan-staff» گذرواژهٔ موقت گذاشته شد').and.include('باید گذرواژه را تغییر دهد');
      expect((await before.agent.get('/documents').expect(303)).headers.location).to.equal('/login');

      const browser = supertest.agent(portal.app);
      await browser.get('/packages').expect(303);
      const login = await browser.get('/login').expect(200);
      const signedIn = await browser.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'hamadan-staff', password: TEMPORARY }).expect(303);
      expect(signedIn.headers.location).to.equal('/me/password');
      const form = await browser.get('/me/password').expect(200);
      expect(form.text).to.include('<h1>گذرواژهٔ تازه‌ای برگزینید</h1>').and.include('دبیرخانه برای حساب شما گذرواژهٔ موقتی گذاشته است');
      expect(form.text, 'no navigation while the password must change').to.not.include('class="main-nav"');
      for (const url of ['/documents', '/me', '/search', '/cities/hamadan', '/']) {
        expect((await browser.get(url).expect(303)).headers.location, url).to.equal('/me/password');
      }
      const csrf = csrfFrom(form.text);
      const refused = await browser.post('/me').type('form').set('Accept', 'text/html').send({ _csrf: csrf, fullName: 'x' }).expect(403);
      expect(refused.text).to.include('دبیرخانه برای شما گذرواژهٔ موقت گذاشته است؛ نخست گذرواژهٔ تازه‌ای برگزینید.');
      expect(portal.services.users.person(target.user.id).fullName).to.equal(null);

      const changed = await browser.post('/me/password').type('form').send({ _csrf: csrf, current: TEMPORARY, new: NEW_PASSWORD, confirm: NEW_PASSWORD }).expect(303);
      expect(changed.headers.location, 'back to where they were going before signing in').to.equal('/packages');
      expect((await browser.get('/packages').expect(200)).text).to.include('گذرواژهٔ شما تغییر کرد');
      expect(portal.services.users.mustChangePassword(target.user.id)).to.equal(false);

      // Signing out works while the change is pending too.
      await supertest(portal.app).post(`/api/v1/users/${target.user.id}/password`).set(c.secretariat.auth).send({ password: TEMPORARY }).expect(204);
      const again = supertest.agent(portal.app);
      const page = await again.get('/login').expect(200);
      await again.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'hamadan-staff', password: TEMPORARY }).expect(303);
      const pending = await again.get('/me/password').expect(200);
      const out = await again.post('/logout').type('form').send({ _csrf: csrfFrom(pending.text) }).expect(303);
      expect(out.headers.location).to.equal('/login');
      expect((await again.get('/me/password').expect(303)).headers.location).to.equal('/login');
    });
  });

  describe('/cities/manage', () => {
    it('is the secretariat’s, in both languages; others are refused', async () => {
      for (const [lang, h1, add] of [
        ['fa', '<h1>مدیریت شهرها</h1>', 'افزودن شهر'],
        ['en', '<h1>Manage cities</h1>', 'Add a city'],
      ] as const) {
        const sec = await signIn(portal.app, 'sec', lang);
        const html = (await sec.agent.get('/cities/manage').expect(200)).text;
        expect(html).to.include(h1).and.include(add).and.include('action="/cities/manage/tehran"');
        expect((await sec.agent.get('/cities').expect(200)).text).to.include('href="/cities/manage"');
      }
      for (const who of ['tehran-staff', 'reader']) {
        const browser = await signIn(portal.app, who);
        await browser.agent.get('/cities/manage').expect(403);
        expect((await browser.agent.get('/cities').expect(200)).text).to.not.include('href="/cities/manage"');
        expect((await post(browser, '/cities/manage', { id: 'sari', name: 'ساری', nameEn: 'Sari' }, '/cities')).status).to.equal(403);
        expect((await post(browser, '/cities/manage/tehran', { name: 'تهران', nameEn: 'Tehran', newMetropolis: 'on' }, '/cities')).status).to.equal(403);
      }
      expect(portal.services.cities.find('sari')).to.equal(null);
      expect(portal.services.cities.get('tehran').newMetropolis).to.equal(false);
    });

    it('adds a city; a bad id is refused with the reason and what was typed; an existing id is 409', async () => {
      const sec = await signIn(portal.app, 'sec');
      const audits = countRows(portal, 'audit_log');
      const bad = await post(sec, '/cities/manage', { id: 'Bandar Abbas', name: 'بندرعباس', nameEn: 'Bandar Abbas' }, '/cities/manage');
      expect(bad.status).to.equal(400);
      expect(mainOf(bad.text)).to.include('شهر افزوده نشد:').and.include('شناسه باید ۲ تا ۴۰ حرف کوچک لاتین باشد').and.include('value="Bandar Abbas"').and.include('value="بندرعباس"');
      const taken = await post(sec, '/cities/manage', { id: 'tehran', name: 'تهران ۲', nameEn: 'Tehran 2' }, '/cities/manage');
      expect(taken.status).to.equal(409);
      expect(mainOf(taken.text)).to.include('شهری با شناسهٔ «tehran» پیش‌تر ثبت شده است.');
      expect(countRows(portal, 'audit_log')).to.equal(audits);

      const made = await post(sec, '/cities/manage', { id: 'bandar-abbas', name: 'بندرعباس', nameEn: 'Bandar Abbas' }, '/cities/manage');
      expect(made.status).to.equal(303);
      expect(made.headers.location).to.equal('/cities/manage#city-bandar-abbas');
      const after = await sec.agent.get('/cities/manage').expect(200);
      expect(after.text).to.include('شهر «بندرعباس» افزوده شد.').and.include('id="city-bandar-abbas"');
      expect(portal.services.cities.get('bandar-abbas')).to.deep.equal({ id: 'bandar-abbas', name: 'بندرعباس', nameEn: 'Bandar Abbas', newMetropolis: false });
      expect((await sec.agent.get('/cities').expect(200)).text).to.include('>بندرعباس</a>');
      await sec.agent.get('/cities/bandar-abbas').expect(200);
    });

    it('renames and marks a city from its form, saying what happened in the reader’s language', async () => {
      const en = await signIn(portal.app, 'sec', 'en');
      const blank = await post(en, '/cities/manage/bandar-abbas', { name: '', nameEn: 'Bandar Abbas', newMetropolis: 'on' }, '/cities/manage');
      expect(blank.status).to.equal(400);
      expect(mainOf(blank.text)).to.include('The changes to “Bandar Abbas” were not saved:').and.include('Write the city’s Persian name');
      expect(mainOf(blank.text)).to.match(/<li id="city-bandar-abbas">\s*<details open>/);
      expect(portal.services.cities.get('bandar-abbas').newMetropolis).to.equal(false);

      const marked = await post(en, '/cities/manage/bandar-abbas', { name: 'بندرعباس', nameEn: 'Bandar Abbas', newMetropolis: 'on' }, '/cities/manage');
      expect(marked.status).to.equal(303);
      expect((await en.agent.get('/cities/manage').expect(200)).text).to.include('“Bandar Abbas” is now a new metropolis; packages published for new metropolises will reach its users.');
      expect(portal.services.cities.get('bandar-abbas').newMetropolis).to.equal(true);
      const unchanged = await post(en, '/cities/manage/bandar-abbas', { name: 'بندرعباس', nameEn: 'Bandar Abbas', newMetropolis: 'on' }, '/cities/manage');
      expect(unchanged.status).to.equal(303);
      expect((await en.agent.get('/cities/manage').expect(200)).text).to.include('Nothing changed for “Bandar Abbas”.');

      const fa = await signIn(portal.app, 'sec');
      await post(fa, '/cities/manage/bandar-abbas', { name: 'بندر عباس', nameEn: 'Bandar Abbas' }, '/cities/manage');
      expect((await fa.agent.get('/cities/manage').expect(200)).text).to.include('«بندر عباس» دیگر کلان‌شهر تازه نیست');
      expect(portal.services.cities.get('bandar-abbas')).to.include({ name: 'بندر عباس', newMetropolis: false });
      await post(fa, '/cities/manage/atlantis', { name: 'x', nameEn: 'x' }, '/cities/manage').then((res) => expect(res.status).to.equal(404));

      // With a package already published to new metropolises and a user in the city, marking it tells them.
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: 'راهنمای ستاد بحران' });
      await bring(portal, c, doc.id, 'published');
      const pkg = await supertest(portal.app).post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بستهٔ کلان‌شهرهای تازه', documents: [doc.id], audience: { newMetropolises: true } }).expect(201);
      await supertest(portal.app).post(`/api/v1/packages/${pkg.body.id}/publish`).set(c.secretariat.auth).expect(200);
      await actor(portal, 'bandar-abbas-staff', 'city', 'bandar-abbas');
      await post(fa, '/cities/manage/bandar-abbas', { name: 'بندر عباس', nameEn: 'Bandar Abbas', newMetropolis: 'on' }, '/cities/manage');
      expect((await fa.agent.get('/cities/manage').expect(200)).text).to.include('«بندر عباس» کلان‌شهر تازه شد؛ بسته‌های منتشرشده برای کلان‌شهرهای تازه اکنون به کاربرانش می‌رسد و به آنان خبر داده شد (اعلان‌ها: ۱).');
    });
  });
});
