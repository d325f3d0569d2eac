import { expect } from 'chai';
import supertest from 'supertest';
import type express from 'express';
import { createApp } from '../../server/app';
import { cast, PASSWORD, startPortal, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom, signIn as signInThroughForm } from '../helpers/sign-in';

const PERSIAN_DIGIT = /[۰-۹]/;
const EN = { Cookie: 'tajrobe.lang=en' };

/** The page shell: language switch, font, error pages in both languages, the sign-in page in English. */
describe('page shell', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** A browser signed in through the sign-in form, optionally reading in English from the start. */
  const signIn = async (username: string, locale: 'fa' | 'en' = 'fa', app: express.Express = portal.app) => (await signInThroughForm(app, username, locale)).agent;

  describe('the language switch', function () {
    it('keeps the choice in a cookie for a year and goes back to the page the reader was on', async () => {
      const res = await supertest(portal.app).get('/language/en').query({ back: '/search?q=زلزله&city=tehran' }).expect(303);
      expect(res.headers.location).to.equal('/search?q=%D8%B2%D9%84%D8%B2%D9%84%D9%87&city=tehran');
      const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('tajrobe.lang='));
      expect(cookie).to.match(/^tajrobe\.lang=en;/);
      expect(cookie).to.match(/Max-Age=31536000/).and.match(/Path=\//).and.match(/SameSite=Lax/i);

      const back = await supertest(portal.app).get('/language/fa').query({ back: '/login' }).expect(303);
      expect(back.headers.location).to.equal('/login');
      expect([back.headers['set-cookie']].flat().join()).to.match(/tajrobe\.lang=fa;/);
    });

    it('the cookie changes the language of the next page, and a browser can switch back', async () => {
      const agent = supertest.agent(portal.app);
      expect((await agent.get('/login').expect(200)).text).to.include('<html lang="fa" dir="rtl">');
      await agent.get('/language/en?back=/login').expect(303);
      const english = await agent.get('/login').expect(200);
      expect(english.text).to.include('<html lang="en" dir="ltr">');
      await agent.get('/language/fa?back=/login').expect(303);
      expect((await agent.get('/login').expect(200)).text).to.include('<html lang="fa" dir="rtl">');
    });

    for (const back of ['//evil.example', 'https://evil.example', '/\\evil.example', 'evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
      it(`refuses to send the reader off-site to ${JSON.stringify(back)}: it goes home instead`, async () => {
        const res = await supertest(portal.app).get('/language/en').query({ back }).expect(303);
        expect(res.headers.location).to.equal('/');
      });
    }

    it('goes home when no page to go back to is given', async () => {
      const res = await supertest(portal.app).get('/language/en').expect(303);
      expect(res.headers.location).to.equal('/');
    });

    it('answers an unknown language with the 404 page, in the reader’s language, and sets no cookie', async () => {
      const res = await supertest(portal.app).get('/language/de?back=/login').expect(404);
      expect(res.headers['set-cookie'] ?? []).to.satisfy((cookies: string[]) => !cookies.some((c) => c.startsWith('tajrobe.lang=')));
      expect(res.text).to.include('<html lang="fa" dir="rtl">').and.include('صفحه یا سندی که خواستید پیدا نشد.');
      const english = await supertest(portal.app).get('/language/de').set(EN).expect(404);
      expect(english.text).to.include('<html lang="en" dir="ltr">').and.include('The page or document you asked for was not found.');
    });

    it('ignores a language cookie that names a language the portal does not speak', async () => {
      const res = await supertest(portal.app).get('/login').set('Cookie', 'tajrobe.lang=de').expect(200);
      expect(res.text).to.include('<html lang="fa" dir="rtl">');
    });
  });

  describe('the font', function () {
    it('serves Vazirmatn itself as font/woff2, cached for a year', async () => {
      const res = await supertest(portal.app).get('/static/fonts/Vazirmatn%5Bwght%5D.woff2').buffer(true).expect(200);
      expect(res.headers['content-type']).to.equal('font/woff2');
      expect(res.headers['cache-control']).to.match(/max-age=31536000/).and.include('immutable');
      expect((res.body as Buffer).subarray(0, 4).toString('latin1')).to.equal('wOF2');
      const regular = await supertest(portal.app).get('/static/fonts/Vazirmatn-Regular.woff2').expect(200);
      expect(regular.headers['content-type']).to.equal('font/woff2');
    });

    it('is named by the stylesheet with font-display: swap, and nothing is fetched from another site', async () => {
      const css = (await supertest(portal.app).get('/static/portal.css').expect(200)).text;
      expect(css).to.match(/@font-face\s*{[^}]*font-family: Vazirmatn;[^}]*url\("\/static\/fonts\/Vazirmatn%5Bwght%5D\.woff2"\)[^}]*font-display: swap;/);
      expect(css).to.match(/body\s*{[^}]*font-family: Vazirmatn,/);
      for (const url of css.match(/url\([^)]*\)/g) ?? []) expect(url).to.match(/^url\("\/static\//);
      expect(css).not.to.match(/@import/);
      const page = (await supertest(portal.app).get('/login').expect(200)).text;
      for (const [, url] of page.matchAll(/(?:href|src)="([^"]*)"/g)) expect(url, 'a page links only inside the portal').to.match(/^(\/|#)/);
    });

    it('the stylesheet works in both directions, shows focus, respects reduced motion and prints only the content', async () => {
      const css = (await supertest(portal.app).get('/static/portal.css').expect(200)).text;
      expect(css, 'physical left/right margins and paddings break one of the two directions').not.to.match(/(?:margin|padding)-(?:left|right)\s*:/);
      expect(css).to.match(/:focus-visible\s*{[^}]*outline: 3px solid/);
      expect(css).to.match(/\.visually-hidden\s*{[^}]*position: absolute/);
      expect(css).to.match(/@media \(prefers-reduced-motion: reduce\)/);
      const print = css.slice(css.indexOf('@media print'));
      expect(print).to.match(/\.skip-link, \.site-header, \.main-nav[^{]*\bform, button\b[^{]*{ display: none !important; }/);
      expect(print).to.include('a[href^="https://"]::after { content: " (" attr(href) ")"');
      expect(print).to.match(/tr, li[^{]*{ break-inside: avoid/);
      expect(print).to.match(/thead { display: table-header-group; }/);
    });

    it('answers a font that does not exist with the 404 page, in English for an English reader', async () => {
      const res = await supertest(portal.app).get('/static/fonts/Comic-Sans.woff2').set(EN).set('Accept', 'text/html').expect(404);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.include('<html lang="en" dir="ltr">').and.include('<h1>Not found</h1>');
    });
  });

  describe('error pages', function () {
    function expectErrorPage(html: string, locale: 'fa' | 'en', heading: string, message: string) {
      expect(html).to.include(locale === 'fa' ? '<html lang="fa" dir="rtl">' : '<html lang="en" dir="ltr">');
      expect(html.match(/<h1[\s>]/g), 'exactly one h1').to.have.length(1);
      expect(html).to.include(`<h1>${heading}</h1>`);
      expect(html).to.include(message);
      expect(firstFocusable(html)).to.match(/^<a class="skip-link" href="#content">/);
      expect(html).to.include('href="/">').and.include('id="content"');
      expect(html, 'no stack trace').not.to.match(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error:/);
      const other = locale === 'fa' ? 'en' : 'fa';
      expect(html).to.match(new RegExp(`<a class="language-switch" href="/language/${other}\\?back=[^"]+" lang="${other}" hreflang="${other}">`));
    }

    it('404 in Persian and in English, with a way home and to search', async () => {
      const agent = await signIn('reader');
      const fa = await agent.get('/no-such-page').expect(404);
      expectErrorPage(fa.text, 'fa', 'پیدا نشد', 'صفحه یا سندی که خواستید پیدا نشد.');
      expect(fa.text).to.include('خطای ۴۰۴').and.include('href="/search"');
      expect(fa.text).to.include(`href="/language/en?back=${encodeURIComponent('/no-such-page')}"`);

      const en = await agent.get('/no-such-page').set(EN).expect(404);
      expectErrorPage(en.text, 'en', 'Not found', 'The page or document you asked for was not found.');
      expect(en.text).to.include('Error 404').and.include('>Search the documents</a>');
      expect(en.text).to.include('>Sign out</button>');
      expect(en.text).not.to.match(PERSIAN_DIGIT);
    });

    it('404 for a visitor who is not signed in offers the sign-in page instead of search', async () => {
      const res = await supertest(portal.app).get('/static/nothing-here.css').set('Accept', 'text/html').expect(404);
      expectErrorPage(res.text, 'fa', 'پیدا نشد', 'صفحه یا سندی که خواستید پیدا نشد.');
      expect(res.text).to.include('href="/login"').and.not.include('href="/search"');
      expect(res.text).not.to.include('class="main-nav"');
    });

    it('403 in both languages', async () => {
      const agent = await signIn('reader');
      const fa = await agent.get('/dashboard').expect(403);
      expectErrorPage(fa.text, 'fa', 'اجازهٔ دسترسی ندارید', 'شما اجازهٔ این کار را ندارید.');
      expect(fa.text).to.include('خطای ۴۰۳');
      const en = await agent.get('/dashboard').set(EN).expect(403);
      expectErrorPage(en.text, 'en', 'You do not have access', 'You are not allowed to do this.');
      expect(en.text).to.include('Error 403');
    });

    it('401 and 400 pages in English', async () => {
      const unauthenticated = await supertest(portal.app).post('/notifications/read').set(EN).expect(401);
      expectErrorPage(unauthenticated.text, 'en', 'Please sign in first', 'Sign in to see this page.');
      const agent = await signIn('sec');
      const bad = await agent.get('/audit?page=0').set(EN).expect(400);
      expectErrorPage(bad.text, 'en', 'The request was not accepted', 'Some of the form is missing or not valid.');
    });

    it('500 in both languages shows neither the stack nor the internal message, and logs the error in full', async () => {
      const logged: unknown[] = [];
      const app = createApp(portal.services, (error) => logged.push(error));
      const agent = await signIn('sec', 'fa', app);
      const users = portal.services.users;
      const list = users.list;
      users.list = () => {
        throw new Error('secret internal detail: database file /var/lib/tajrobe is locked');
      };
      try {
        const fa = await agent.get('/users').expect(500);
        expectErrorPage(fa.text, 'fa', 'خطایی در سامانه رخ داد', 'خطایی در سامانه رخ داد. دوباره امتحان کنید.');
        expect(fa.text).to.include('خطای ۵۰۰').and.not.include('secret internal detail').and.not.include('/var/lib');
        const en = await agent.get('/users').set(EN).expect(500);
        expectErrorPage(en.text, 'en', 'Something went wrong on our side', 'Something went wrong. Try again.');
        expect(en.text).to.include('Error 500').and.not.include('secret internal detail');
        expect(en.text, 'the shell still knows who is signed in').to.include('>Sign out</button>');
      } finally {
        users.list = list;
      }
      expect(logged.map(String)).to.deep.equal([
        'Error: secret internal detail: database file /var/lib/tajrobe is locked',
        'Error: secret internal detail: database file /var/lib/tajrobe is locked',
      ]);
    });

    it('500 raised before the page helpers ran still gets a whole page in the reader’s language', async () => {
      const logged: unknown[] = [];
      const app = createApp(portal.services, (error) => logged.push(error));
      const agent = await signIn('sec', 'en', app);
      const notifications = portal.services.notifications;
      const unreadCount = notifications.unreadCount;
      notifications.unreadCount = () => {
        throw new Error('boom inside the view helpers');
      };
      try {
        const res = await agent.get('/dashboard').expect(500);
        expectErrorPage(res.text, 'en', 'Something went wrong on our side', 'Something went wrong. Try again.');
        expect(res.text).not.to.include('boom');
      } finally {
        notifications.unreadCount = unreadCount;
      }
      expect(logged).to.have.length(1);
    });

    it('API clients still get JSON errors, never the page', async () => {
      const res = await supertest(portal.app).get('/api/v1/no-such-route').set(c.reader.auth).set(EN).expect(404);
      expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'no such API route' } });
    });
  });

  describe('the sign-in page in English', function () {
    it('is left to right, in English, with labelled fields and a way back to Persian', async () => {
      const res = await supertest(portal.app).get('/login').set(EN).expect(200);
      const html = res.text;
      expect(html).to.include('<html lang="en" dir="ltr">');
      expect(html).to.include('<title>Sign in · Tajrobe</title>');
      expect(html).to.include('<h1>Sign in to the portal</h1>');
      expect(html).to.include('<label for="login-username">Username</label>').and.include('id="login-username"');
      expect(html).to.include('<label for="login-password">Password</label>').and.include('id="login-password"');
      expect(html).to.include('<a class="language-switch" href="/language/fa?back=%2Flogin" lang="fa" hreflang="fa">فارسی</a>');
      expect(firstFocusable(html)).to.equal('<a class="skip-link" href="#content">');
      expect(html).to.include('>Skip to main content</a>');
      expect(html).not.to.match(/ورود|نام کاربری|گذرواژه/);
    });

    it('refuses a wrong password in English (401) and signs in with the right one, keeping the language', async () => {
      const agent = supertest.agent(portal.app);
      await agent.get('/language/en').expect(303);
      const login = await agent.get('/login').expect(200);
      const wrong = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'reader', password: 'not-the-password' }).expect(401);
      expect(wrong.text).to.include('The username or password is wrong.').and.include('<html lang="en" dir="ltr">');
      const ok = await agent.post('/login').type('form').send({ _csrf: csrfFrom(wrong.text), username: 'reader', password: PASSWORD }).expect(303);
      expect(ok.headers.location).to.equal('/');
      const page = await agent.get('/notifications').expect(200);
      expect(page.text).to.include('<html lang="en" dir="ltr">').and.include('<h1>Notifications</h1>');
    });

    it('returns to the page asked for before signing in, never to another site', async () => {
      const agent = supertest.agent(portal.app);
      await agent.get('/notifications?page=1').expect(303);
      const login = await agent.get('/login').expect(200);
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'reader', password: PASSWORD }).expect(303);
      expect(res.headers.location).to.equal('/notifications?page=1');
    });
  });
});


/** The opening tag of the first element a keyboard reaches in the body. */
function firstFocusable(html: string): string {
  const body = html.slice(html.indexOf('<body'));
  const match = /<(?:a\s[^>]*href|button|select|textarea|input(?![^>]*type="hidden"))[^>]*>/.exec(body);
  return match?.[0] ?? '';
}
