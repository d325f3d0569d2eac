import { createRequire } from 'node:module';
import { expect } from 'chai';
import supertest from 'supertest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { packageCreateSchema } from '../../server/packages/packages.schema';
import { addDocument, indexed, printPdf, signIn, useBrowser } from './browser';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BLOCKING = ['serious', 'critical'];

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

describe('browser: accessibility (axe-core, serious and critical violations)', function () {
  this.timeout(90_000);
  const suite = useBrowser();
  let signedIn: BrowserContextOptions['storageState'];
  const paths: Record<string, string> = {};

  before(async function () {
    const { owner, secretariat } = suite.people;
    const text = (words: string) => ({ content: Buffer.from(`${words}\n`, 'utf8'), name: 'گزارش.txt' });
    const published = await addDocument(suite, owner, { title: 'مطالعهٔ خطر زلزلهٔ تهران', summary: 'آسیب‌پذیری مدارس' }, text('گزارش میدانی زلزله در مدارس'));
    const waiting = await addDocument(suite, owner, { title: 'گزارش مانور زلزله', kind: 'training-material' }, text('مانور'), 'submitted');
    const returned = await addDocument(suite, owner, { title: 'برنامهٔ برگشت‌خورده', kind: 'other' }, text('برنامه'), 'submitted');
    await suite.portal.services.review.apply(secretariat.user, returned, 'return', 'عنوان و نوع سند را اصلاح کنید');
    await addDocument(suite, owner, { title: 'پیش‌نویس آمادگی' }, text('پیش‌نویس'), 'draft');
    const revised = await addDocument(suite, owner, { title: 'برنامهٔ آمادگی سیلاب', kind: 'health-safety-plan' }, text('سیلاب'));
    const pdf = await addDocument(suite, owner, { title: 'نقشهٔ پناهگاه‌های محله', kind: 'other' }, { content: await printPdf(suite.browser, ['پیشگفتار', 'پناهگاه اضطراری مدرسهٔ محله']), name: 'پناهگاه.pdf' });
    await indexed(suite, published, waiting, revised, pdf);
    await supertest(suite.portal.app).post(`/api/v1/documents/${revised}/versions`).set(owner.auth).attach('file', text('سیلاب بازنگری‌شده').content, { filename: 'بازنگری.txt' }).expect(201);
    const pkg = suite.portal.services.packages.create(
      secretariat.user,
      packageCreateSchema.parse({ title: 'بستهٔ آموزشی زلزله', note: 'برای همهٔ شهرها', documents: [{ id: published, note: '' }], audience: { all: true } }),
    );
    suite.portal.services.resolutions.addFollowup(secretariat.user, 9, 2, { note: 'یادآوری به شهرها' });
    // A published lesson with an action to do (the secretariat sees the form to plan more), another waiting for review.
    const lesson = await suite.portal.services.lessons.create(owner.user, {
      title: 'آب‌گرفتگی زیرگذرها در باران بهاری',
      observation: 'زیرگذرهای مرکز شهر ساعت‌ها زیر آب ماند.',
      analysis: 'دریچه‌ها لایروبی نشده بود.',
      recommendation: 'لایروبی پیش از فصل باران.',
      hazards: ['flood'],
      documents: [{ documentId: published, page: 1 }],
      resolutions: ['9/2'],
      access: 'portal',
      sharedWith: [],
    });
    await suite.portal.services.lessons.review(owner.user, lesson.id, 'submit');
    await suite.portal.services.lessons.review(secretariat.user, lesson.id, 'publish');
    await suite.portal.services.lessons.addAction(secretariat.user, lesson.id, { description: 'نصب مولد برای پمپ‌ها', city: 'shiraz', due: '1405-12-20' });
    await suite.portal.services.subscriptions.create(secretariat.user, { q: 'زلزله', filters: { hazard: ['earthquake'] }, email: true, digest: 'none' });
    // The city page lists its people with their contact details.
    suite.portal.services.users.updateProfile(owner.user, { fullName: 'مریم احمدی', jobTitle: 'کارشناس مدیریت بحران', phone: '021-88776655', email: 'm.ahmadi@example.ir' });
    Object.assign(paths, {
      'sign-in': '/login',
      search: `/search?q=${encodeURIComponent('زلزله')}`,
      upload: '/documents/new',
      document: `/documents/${published}`,
      revision: `/documents/${revised}`,
      withdraw: `/documents/${published}/withdraw`,
      delete: `/documents/${published}/delete`,
      package: `/packages/${pkg.id}`,
      review: '/review',
      edit: `/documents/${returned}/edit`,
      documents: '/documents',
      resolutions: '/resolutions',
      dashboard: '/dashboard',
      profile: '/me',
      password: '/me/password',
      users: '/users',
      'city-admin': '/cities/manage',
      city: '/cities/tehran',
      synonyms: '/synonyms',
      packages: '/packages',
      'new package': `/packages/new?add=${published}`,
      compliance: '/resolutions/compliance',
      audit: '/audit',
      notifications: '/notifications',
      'nothing found': `/search?q=${encodeURIComponent('فضاپیما')}&city=karaj`,
      lessons: '/lessons',
      lesson: `/lessons/${lesson.id}`,
      'lesson form': `/lessons/new?document=${published}`,
      'lessons matrix': '/lessons/matrix',
      subscriptions: '/subscriptions',
      'partial results': `/search?q=${encodeURIComponent('زلزله فضاپیما')}`,
      reader: `/documents/${pdf}/read?page=2&q=${encodeURIComponent('پناهگاه')}`,
      'not-found': '/no-such-page',
    });

    const context = await suite.browser.newContext({ baseURL: suite.baseURL });
    const page = await context.newPage();
    await page.goto('/login');
    await signIn(page, 'sec');
    signedIn = await context.storageState();
    await context.close();
  });

  async function open(name: string, locale: 'fa' | 'en', colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    // axe is injected as an inline script, which the portal's Content-Security-Policy rightly forbids.
    const context = await suite.newContext({ bypassCSP: true, colorScheme, storageState: name === 'sign-in' ? undefined : signedIn });
    await context.addCookies([{ name: 'tajrobe.lang', value: locale, url: suite.baseURL }]);
    const page = await context.newPage();
    const response = await page.goto(paths[name]!);
    expect(response?.status(), `${name} answers`).to.equal(name === 'not-found' ? 404 : 200);
    expect(await page.locator('html').getAttribute('lang')).to.equal(locale);
    if (name !== 'sign-in') expect(new URL(page.url()).pathname, 'signed in').to.not.equal('/login');
    await page.evaluate('document.fonts.ready.then(() => true)');
    return page;
  }

  async function blockingViolations(page: Page): Promise<AxeViolation[]> {
    await page.addScriptTag({ path: AXE_SCRIPT });
    const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: AxeViolation[] };
    return result.violations.filter((v) => BLOCKING.includes(v.impact ?? ''));
  }

  it('the check itself finds violations on a page built to have them', async function () {
    const { page } = suite;
    await page.setContent('<!doctype html><html lang="fa" dir="rtl"><head><title>x</title></head><body><main><img src="data:,"><input type="text"><button></button></main></body></html>');
    const found = (await blockingViolations(page)).map((v) => v.id);
    expect(found).to.include.members(['image-alt', 'label', 'button-name']);
    expect(describeViolations('the test page', await blockingViolations(page))).to.include('image-alt (critical)');
  });

  const PAGES = ['sign-in', 'search', 'partial results', 'nothing found', 'upload', 'document', 'revision', 'withdraw', 'delete', 'package', 'packages', 'new package', 'review', 'edit', 'documents', 'resolutions', 'compliance', 'dashboard', 'audit', 'notifications', 'profile', 'password', 'users', 'city-admin', 'city', 'synonyms', 'reader', 'lessons', 'lesson', 'lesson form', 'lessons matrix', 'subscriptions', 'not-found'];
  for (const locale of ['fa', 'en'] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      for (const name of PAGES) {
        it(`${name} page (${locale}${scheme === 'dark' ? ', dark' : ''}) has no serious or critical violations`, async function () {
          const page = await open(name, locale, scheme);
          if (name === 'search') await page.locator('#search-results article.hit').first().waitFor();
          if (name === 'partial results') await page.locator('#search-results .relaxed-notice').waitFor();
          if (name === 'reader') await page.locator('svg.reader-marks rect').first().waitFor({ state: 'attached' });
          if (scheme === 'dark') expect(await page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches"), 'the dark scheme is on').to.equal(true);
          const blocking = await blockingViolations(page);
          expect(blocking, describeViolations(`${name} (${locale}, ${scheme}) ${paths[name]}`, blocking)).to.deep.equal([]);
        });
      }
    }

    it(`upload page with three files chosen, each with its title (${locale}), has no serious or critical violations`, async function () {
      const page = await open('upload', locale);
      await page.locator('[data-dropzone] input[type=file]').setInputFiles([
        { name: 'گزارش_زلزله-۱۴۰۲.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('یادداشت\n') },
        { name: 'program.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
      ]);
      await page.locator('li.upload-item').nth(2).waitFor();
      const blocking = await blockingViolations(page);
      expect(blocking, describeViolations(`upload with files (${locale})`, blocking)).to.deep.equal([]);
    });
  }
});

/** One readable paragraph per violation: the rule, its impact, what it asks for, and each offending element. */
function describeViolations(page: string, violations: AxeViolation[]): string {
  if (violations.length === 0) return page;
  const lines = violations.flatMap((v) => [
    `  ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`,
    ...v.nodes.map((n) => `    at ${n.target.join(' ')}: ${n.html.slice(0, 160)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`),
  ]);
  return `\naxe found ${violations.length} serious or critical violation(s) on ${page}:\n${lines.join('\n')}\n`;
}
