import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import type { Catalogue } from '../../server/i18n/catalogue';
import { PASSWORD } from '../helpers/portal';
import { parseAtom } from '../helpers/atom';
import { startSmtpSinkIfAvailable, type SmtpSink } from '../helpers/smtp-sink';
import { addDocument, eventually, SCREENSHOT_DIR, screenshotName, useBrowser } from './browser';

/** Issue 14's journeys, on a desktop and a 390×844 phone, in Persian and in English. */
const VARIANTS: { name: string; locale: 'fa' | 'en'; options: BrowserContextOptions }[] = [
  { name: 'Persian desktop', locale: 'fa', options: { viewport: { width: 1280, height: 900 } } },
  { name: 'Persian phone', locale: 'fa', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  { name: 'English desktop', locale: 'en', options: { viewport: { width: 1280, height: 900 }, locale: 'en-GB' } },
  { name: 'English phone', locale: 'en', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' } },
];

const ASCII_DIGITS = /[0-9]/g;
const persianDigits = (text: string) => text.replace(ASCII_DIGITS, (d) => String.fromCharCode(0x06f0 + Number(d)));

describe('browser: lessons learned and subscriptions', function () {
  this.timeout(180_000);
  let sink: SmtpSink | null = null;
  const env: Record<string, string> = {};
  // Before the portal starts (useBrowser's hooks come after this one): a real SMTP server, when aiosmtpd is here.
  before(async function () {
    this.timeout(30_000);
    sink = await startSmtpSinkIfAvailable('the browser journeys check the e-mail of a subscription only with a real SMTP server');
    if (sink) Object.assign(env, { SMTP_URL: sink.url });
  });
  after(async () => {
    await sink?.stop();
  });
  const suite = useBrowser({}, env);
  const text = (words: string) => ({ content: Buffer.from(`${words}\n`, 'utf8'), name: 'گزارش.txt' });

  /** A page of a new context (a person at their own computer), signed in through the form, reading in `locale`. */
  async function personAt(variant: (typeof VARIANTS)[number], username: string, start: string): Promise<Page> {
    const page = await (await suite.newContext(variant.options)).newPage();
    if (variant.locale === 'en') await page.goto('/language/en?back=/login');
    await page.goto(start);
    if (new URL(page.url()).pathname === '/login') {
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.locator('form[action="/login"] button[type=submit]').click()]);
    }
    expect(await page.locator('html').getAttribute('lang')).to.equal(variant.locale);
    return page;
  }

  async function snap(page: Page, test: Mocha.Context, step: string): Promise<void> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screenshotName(test.test)}--${step}.png`), fullPage: true });
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    const [scrollWidth, innerWidth] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    expect(scrollWidth, `the page fits ${innerWidth} px`).to.be.at.most(innerWidth);
  }

  const catalogue = (locale: 'fa' | 'en'): Catalogue => (locale === 'fa' ? fa : en);
  const lessonOf = (id: string) => suite.portal.services.lessons.getVisible(suite.people.secretariat.user, id);
  /** A word of letters only (so it reads the same in either digits), unique to one test. */
  const word = () => `واژه${Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'ک')}`;

  for (const variant of VARIANTS) {
    describe(variant.name, function () {
      const t = catalogue(variant.locale);

      it(`${variant.name}: a city records a lesson from a study, sees a similar lesson of another city while writing, and sends it for review`, async function () {
        const w = word();
        const { owner, secretariat } = suite.people;
        const doc = await addDocument(suite, owner, { title: `مطالعهٔ آب‌گرفتگی ${w}`, hazards: ['flood'] }, text(`آب‌گرفتگی زیرگذرها ${w}`));
        const alike = await suite.portal.services.lessons.create(secretariat.user, {
          city: 'mashhad',
          title: `آب‌گرفتگی زیرگذرهای مشهد ${w}`,
          observation: `زیرگذرهای شهر در باران بهاری زیر آب ماند ${w}.`,
          analysis: 'دریچه‌های آبرو لایروبی نشده بود.',
          recommendation: 'لایروبی دریچه‌ها پیش از فصل باران.',
          hazards: ['flood'],
          documents: [],
          resolutions: [],
          access: 'portal',
          sharedWith: [],
        });
        await suite.portal.services.lessons.review(secretariat.user, alike.id, 'submit');
        await suite.portal.services.lessons.review(secretariat.user, alike.id, 'publish');

        const page = await personAt(variant, 'tehran-staff', `/documents/${doc}`);
        await Promise.all([page.waitForURL((url) => url.pathname === '/lessons/new'), page.getByRole('link', { name: t.lessons.fromDocument }).click()]);
        expect(await page.locator('input[name=documentId]').first().inputValue()).to.equal(doc);
        await page.locator('input[name=documentPage]').first().fill(variant.locale === 'fa' ? '۲' : '2');
        expect(await page.locator('input[name=hazards][value=flood]').isChecked(), 'the study\'s hazards come along').to.equal(true);
        await page.getByLabel(t.lessons.form.fieldTitle, { exact: true }).fill(`آب‌گرفتگی زیرگذرهای تهران ${w}`);
        await page.getByRole('textbox', { name: t.lessons.form.observation }).fill(`در باران بهاری زیرگذرهای شهر ساعت‌ها زیر آب ماند ${w}.`);
        await page.getByRole('textbox', { name: t.lessons.form.analysis }).fill('دریچه‌های آبرو لایروبی نشده بود و پمپ‌ها برق اضطراری نداشتند.');
        await page.getByRole('textbox', { name: t.lessons.form.recommendation }).fill('لایروبی دریچه‌ها پیش از فصل باران و مولد برق برای پمپ‌ها.');
        await Promise.all([page.waitForURL((url) => url.pathname === '/lessons/new'), page.getByRole('button', { name: t.lessons.form.check }).click()]);
        const similar = page.locator('.similar-box');
        await similar.waitFor();
        expect(await similar.getByRole('link', { name: `آب‌گرفتگی زیرگذرهای مشهد ${w}` }).count()).to.equal(1);
        expect(await page.getByLabel(t.lessons.form.fieldTitle, { exact: true }).inputValue(), 'what was typed stays').to.equal(`آب‌گرفتگی زیرگذرهای تهران ${w}`);
        await noSidewaysScroll(page);
        await snap(page, this, 'similar');
        await Promise.all([page.waitForURL(/\/lessons\/[0-9a-f-]{36}$/), page.getByRole('button', { name: t.lessons.form.saveAndSubmit }).click()]);
        const id = new URL(page.url()).pathname.split('/').pop()!;
        expect(lessonOf(id)).to.deep.include({ review: 'submitted', status: 'identified', city: 'tehran', documents: [{ documentId: doc, page: 2 }] });
        await page.getByRole('heading', { level: 1, name: `آب‌گرفتگی زیرگذرهای تهران ${w}` }).waitFor();
        expect(await page.locator('.flash').textContent()).to.equal(t.lessons.flash.createdAndSubmitted);
        expect(await page.locator('#similar-heading + .hint + ul').getByRole('link', { name: `آب‌گرفتگی زیرگذرهای مشهد ${w}` }).count()).to.equal(1);
        await noSidewaysScroll(page);
      });

      it(`${variant.name}: the secretariat publishes a lesson and plans an action for another city, that city completes it with evidence, and the secretariat marks it learned`, async function () {
        const w = word();
        const { owner } = suite.people;
        const lesson = await suite.portal.services.lessons.create(owner.user, {
          title: `برق اضطراری پمپ‌های زیرگذر ${w}`,
          observation: 'پمپ‌های تخلیه با قطع برق از کار افتادند.',
          analysis: 'پمپ‌ها مولد اضطراری نداشتند.',
          recommendation: 'برای هر ایستگاه پمپاژ مولد اضطراری نصب شود.',
          hazards: ['flood'],
          documents: [],
          resolutions: [],
          access: 'portal',
          sharedWith: [],
        });
        await suite.portal.services.lessons.review(owner.user, lesson.id, 'submit');

        const desk = await personAt(variant, 'sec', '/review');
        await Promise.all([desk.waitForURL(`**/lessons/${lesson.id}`), desk.getByRole('link', { name: `برق اضطراری پمپ‌های زیرگذر ${w}` }).click()]);
        await Promise.all([desk.waitForURL(`**/lessons/${lesson.id}`), desk.getByRole('button', { name: t.lessons.page.reviewAction.publish, exact: true }).click()]);
        await desk.getByRole('heading', { name: t.lessons.page.planHeading }).waitFor();
        await desk.getByRole('textbox', { name: t.lessons.page.actionDescription }).fill('نصب مولد اضطراری برای ایستگاه پمپاژ زیرگذر');
        await desk.getByRole('combobox', { name: t.lessons.page.actionCity }).selectOption('shiraz');
        const due = variant.locale === 'fa' ? persianDigits('1405/12/20') : '1405/12/20';
        await desk.getByRole('textbox', { name: t.lessons.page.actionDue }).fill(due);
        await Promise.all([desk.waitForURL(`**/lessons/${lesson.id}#actions`), desk.getByRole('button', { name: t.lessons.page.addAction }).click()]);
        expect(lessonOf(lesson.id).actions.map((a) => [a.city, a.due, a.status])).to.deep.equal([['shiraz', '1405-12-20', 'planned']]);
        expect(lessonOf(lesson.id).status).to.equal('planned');
        await desk.locator('.action-item').first().waitFor();
        expect(await desk.locator('.action-item').first().textContent()).to.include(variant.locale === 'fa' ? '۲۰ اسفند ۱۴۰۵' : 'Esfand 20, 1405');
        await noSidewaysScroll(desk);
        await snap(desk, this, 'planned');

        const shiraz = await personAt(variant, 'shiraz-staff', `/lessons/${lesson.id}`);
        const form = shiraz.locator('form.done-form');
        await form.getByRole('textbox', { name: t.lessons.page.evidence }).fill('دو مولد نصب و با قطع برق آزمایش شد.');
        await Promise.all([shiraz.waitForURL(`**/lessons/${lesson.id}#actions`), form.getByRole('button', { name: t.lessons.page.markDone }).click()]);
        await shiraz.locator('.action-item.action-done').waitFor();
        expect(lessonOf(lesson.id).status).to.equal('implemented');
        expect(await shiraz.locator('.lesson-status').first().textContent()).to.equal(t.lessons.status.implemented);
        await noSidewaysScroll(shiraz);
        await snap(shiraz, this, 'done');

        await desk.goto(`/lessons/${lesson.id}`);
        await desk.getByRole('textbox', { name: t.lessons.page.learnedNoteField }).fill('بارش اردیبهشت بی‌آب‌گرفتگی گذشت.');
        await Promise.all([desk.waitForURL(`**/lessons/${lesson.id}`), desk.getByRole('button', { name: t.lessons.page.markLearned }).click()]);
        expect(lessonOf(lesson.id).status).to.equal('learned');
        expect(await desk.locator('.learned-note').textContent()).to.include('بارش اردیبهشت بی‌آب‌گرفتگی گذشت.');
        await desk.goto('/lessons/matrix');
        expect(await desk.locator(`td[data-lesson="${lesson.id}"][data-city="shiraz"]`).getAttribute('class')).to.equal('lm-done');
        await noSidewaysScroll(desk);
        await snap(desk, this, 'matrix');
        await desk.goto(`/lessons/${lesson.id}`);
      });

      it(`${variant.name}: a manager follows a hazard from the search page and receives the new lesson by notification, feed and e-mail`, async function () {
        const w = word();
        const { owner, secretariat, reader } = suite.people;
        const address = `reader-${w.length}-${variant.locale}-${variant.options.viewport!.width}@example.ir`;
        suite.portal.services.users.updateProfile(reader.user, { email: address });
        suite.portal.services.users.updatePreferences(reader.user, { language: variant.locale });

        const page = await personAt(variant, 'reader', `/search?q=${encodeURIComponent(w)}&hazard=flood`);
        await page.getByRole('checkbox', { name: t.search.subscribe.email }).check();
        await Promise.all([page.waitForURL((url) => url.pathname === '/subscriptions'), page.getByRole('button', { name: t.search.subscribe.button }).click()]);
        expect(await page.locator('.flash').textContent()).to.equal(t.subscriptions.created);
        const feedUrl = await page.locator('.feed-address input').last().inputValue();
        expect(feedUrl).to.match(/\/feeds\/[A-Za-z0-9_-]{43}$/);
        expect(new URL(feedUrl).origin, 'without PUBLIC_URL the feed address is the one the page came from').to.equal(new URL(page.url()).origin);
        await noSidewaysScroll(page);
        await snap(page, this, 'subscribed');

        const lesson = await suite.portal.services.lessons.create(owner.user, {
          title: `پل‌های عابر در سیلاب ${w}`,
          observation: `پل‌های عابر کنار رودخانه در سیلاب آسیب دیدند ${w}.`,
          analysis: 'پایه‌ها برای سیلاب صدساله طراحی نشده بود.',
          recommendation: 'بازبینی طراحی پایه‌های پل‌ها.',
          hazards: ['flood'],
          documents: [],
          resolutions: [],
          access: 'portal',
          sharedWith: [],
        });
        await suite.portal.services.lessons.review(owner.user, lesson.id, 'submit');
        await suite.portal.services.lessons.review(secretariat.user, lesson.id, 'publish');

        const bell = page.locator('a.bell [data-unread]');
        await eventually('the reader is notified', async () => {
          await page.reload();
          return (await bell.count()) > 0;
        }, 60_000);
        await Promise.all([page.waitForURL((url) => url.pathname === '/notifications'), page.locator('a.bell').click()]);
        const notice = page.getByRole('link', { name: new RegExp(`پل‌های عابر در سیلاب ${w}`) });
        await notice.waitFor();
        await snap(page, this, 'notified');
        await Promise.all([page.waitForURL(`**/lessons/${lesson.id}`), notice.click()]);
        await page.getByRole('heading', { level: 1, name: `پل‌های عابر در سیلاب ${w}` }).waitFor();

        const feed = parseAtom(await (await page.request.get(new URL(feedUrl).pathname)).text());
        expect(feed.language).to.equal(variant.locale);
        expect(feed.entries.map((e) => [e.id, e.title, e.category?.term])).to.deep.equal([[`urn:uuid:${lesson.id}`, `پل‌های عابر در سیلاب ${w}`, 'lesson']]);

        if (sink) {
          await eventually('the e-mail arrives', () => sink!.messages().some((m) => m.rcptTos.includes(address)), 30_000);
          const mail = sink.messages().find((m) => m.rcptTos.includes(address))!;
          expect(mail.subject).to.include(`پل‌های عابر در سیلاب ${w}`);
          expect(mail.headers['Content-Language']).to.equal(variant.locale);
          expect(mail.parts.find((p) => p.type === 'text/html')!.content).to.include(`dir="${variant.locale === 'fa' ? 'rtl' : 'ltr'}"`);
        }
        await page.goto('/subscriptions');
        await noSidewaysScroll(page);
      });
    });
  }
});
