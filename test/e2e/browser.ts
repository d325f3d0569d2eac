import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Role } from '../../server/auth/roles';
import { CHROMIUM_FLAGS } from '../helpers/chromium';
import { bring, DEFAULT_FIELDS, PASSWORD, startPortal, uploadRequest, type Actor, type Cast, type TestPortal, type UploadFields } from '../helpers/portal';

/** Debian's Chromium; the browser tests never download one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');

/**
 * Skips the suite, with the reason printed, when Chromium is not installed; in CI (CI=true) that fails instead,
 * since .ci/run installs it.
 */
export function requireChromium(context: Mocha.Context): void {
  if (isExecutable(CHROMIUM_PATH)) return;
  const reason = `${CHROMIUM_PATH} not installed (Debian: apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`required in CI: ${reason}`);
  console.log(`      skipped: the browser tests need Chromium; ${reason}`);
  context.skip();
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS] });
}

/** A portal on the embedded engines behind a real HTTP listener, its background worker running, and the test cast. */
export interface BrowserPortal {
  portal: TestPortal;
  baseURL: string;
  people: Cast;
  close(): Promise<void>;
}

export async function startBrowserPortal(env: Record<string, string> = {}): Promise<BrowserPortal> {
  const portal = await startPortal(env);
  const people = await browserCast(portal);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = portal.app.listen(0, '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  server.requestTimeout = 0;
  portal.services.worker.start();
  const { port } = server.address() as AddressInfo;
  return {
    portal,
    baseURL: `http://127.0.0.1:${port}`,
    people,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await portal.close();
    },
  };
}

/**
 * The cast of test/helpers/portal.ts (same usernames, roles and cities), with tokens issued by the service rather
 * than through the sign-in API: each sign-in costs a deliberately slow password hash, and the browser tests sign
 * in through the form often enough.
 */
async function browserCast(portal: TestPortal): Promise<Cast> {
  const make = async (username: string, role: Role, city: string | null = null): Promise<Actor> => {
    const user = await portal.services.users.create({ username, password: PASSWORD, role, city }, null);
    const { token } = portal.services.tokens.issue(user);
    return { user, token, auth: { Authorization: `Bearer ${token}` } };
  };
  const [secretariat, owner, otherCity, sharedCity, reader] = await Promise.all([
    make('sec', 'secretariat'),
    make('tehran-staff', 'city', 'tehran'),
    make('shiraz-staff', 'city', 'shiraz'),
    make('isfahan-staff', 'city', 'isfahan'),
    make('reader', 'reader'),
  ]);
  return { secretariat, owner, otherCity, sharedCity, reader };
}

export interface BrowserSuite {
  /** The browser of this file, launched in `before`. */
  readonly browser: Browser;
  readonly portal: TestPortal;
  readonly baseURL: string;
  readonly people: Cast;
  /** The page of the running test, in a fresh context of its own. */
  readonly page: Page;
  readonly context: BrowserContext;
  /** Another fresh context (a second person at another computer); closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Mocha hooks for one test file: one portal and one browser for the file, a fresh context and page per test, and a
 * full-page screenshot of every page still open after each test, passed or failed.
 */
export function useBrowser(options: BrowserContextOptions = {}, portalEnv: Record<string, string> = {}): BrowserSuite {
  let browser: Browser | undefined;
  let served: BrowserPortal | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let extra: BrowserContext[] = [];
  const newContext = async (more: BrowserContextOptions = {}) => {
    const created = await browser!.newContext({ baseURL: served!.baseURL, locale: 'fa-IR', ...options, ...more });
    created.setDefaultTimeout(15_000);
    return created;
  };

  before(async function () {
    this.timeout(60_000);
    requireChromium(this);
    served = await startBrowserPortal(portalEnv);
    browser = await launchChromium();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await served?.close();
  });

  beforeEach(async function () {
    context = await newContext();
    page = await context.newPage();
    extra = [];
  });

  afterEach(async function () {
    const name = screenshotName(this.currentTest);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const contexts = [context, ...extra].filter((c): c is BrowserContext => c !== undefined);
    const pages: Page[] = [];
    for (const open of contexts.flatMap((c) => c.pages())) if (await wasUsed(open)) pages.push(open);
    for (const [index, open] of pages.entries()) {
      const file = path.join(SCREENSHOT_DIR, `${name}${index === 0 ? '' : `-${index + 1}`}.png`);
      await open.screenshot({ path: file, fullPage: true, timeout: 10_000 }).catch((error: unknown) => console.log(`      (no screenshot ${file}: ${String(error)})`));
    }
    for (const c of contexts) await c.close();
    context = undefined;
    page = undefined;
  });

  return {
    get browser() {
      return browser!;
    },
    get portal() {
      return served!.portal;
    },
    get baseURL() {
      return served!.baseURL;
    },
    get people() {
      return served!.people;
    },
    get page() {
      return page!;
    },
    get context() {
      return context!;
    },
    async newContext(more?: BrowserContextOptions) {
      const created = await newContext(more);
      extra.push(created);
      return created;
    },
  };
}

/** A page the test left empty (the default page of a test that worked in other contexts) is not worth a picture. */
async function wasUsed(page: Page): Promise<boolean> {
  if (page.url() !== 'about:blank') return true;
  return page.evaluate('document.body !== null && document.body.childElementCount > 0').then(Boolean, () => false);
}

/** `<file>--<test title>` in letters, digits and dashes, so a screenshot's name says which test took it. */
export function screenshotName(test: Mocha.Runnable | undefined): string {
  const file = path.basename(test?.file ?? 'e2e', '.test.ts');
  const title = (test?.fullTitle() ?? 'test')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
  return `${file}--${title}`;
}

/** Signs in through the Persian form on the sign-in page, from whatever page the portal sent the visitor to. */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/login')) await page.goto('/login');
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'ورود' }).click()]);
}

/** A right-to-left HTML page in a font with Persian glyphs, each section on a printed page of its own. */
export function persianHtml(pages: string[]): string {
  const body = pages.map((text, index) => `<section${index < pages.length - 1 ? ' class="page"' : ''}><p>${text}</p></section>`).join('\n');
  return `<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>
    body { font-family: 'DejaVu Sans', 'Vazirmatn', sans-serif; font-size: 16pt; margin: 24px; }
    .page { break-after: page; }
  </style></head><body>${body}</body></html>`;
}

/** Prints Persian text to a PDF with the suite's own browser (one printed page per entry of `pages`). */
export async function printPdf(browser: Browser, pages: string[]): Promise<Buffer> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.setContent(persianHtml(pages));
    return await page.pdf({ format: 'A4' });
  } finally {
    await context.close();
  }
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A document uploaded through the API by `who`, brought to `status` by the secretariat, and (if asked) indexed. */
export async function addDocument(
  suite: Pick<BrowserSuite, 'portal' | 'people'>,
  who: Actor,
  fields: UploadFields,
  file: { content: Buffer; name: string },
  status: 'draft' | 'submitted' | 'published' = 'published',
): Promise<string> {
  const res = await uploadRequest(suite.portal, who, { ...DEFAULT_FIELDS, ...fields }, file);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id = (res.body as { id: string }).id;
  await bring(suite.portal, suite.people, id, status);
  return id;
}

/** Waits until the background worker has extracted and indexed the text of every document named. */
export async function indexed(suite: Pick<BrowserSuite, 'portal' | 'people'>, ...ids: string[]): Promise<void> {
  const state = (id: string) => suite.portal.services.documents.getVisible(suite.people.secretariat.user, id).indexing;
  await eventually(`documents ${ids.join(', ')} are indexed`, () => ids.every((id) => ['done', 'failed'].includes(state(id).state)));
  for (const id of ids) if (state(id).state !== 'done') throw new Error(`indexing ${id} failed: ${state(id).reason}`);
}
