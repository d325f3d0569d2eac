import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';
import type { StoreRegistry } from '../../storage/store-registry';
import type { DocumentVersion } from '../documents/document';
import { NotFoundError } from '../http/errors';
import type { Pattern } from '../../search/snippet';
import type { LocalCopies } from './local-copies';
import type { PageLayout } from './page-layout';
import type { PreviewsRepository } from './previews.repository';
import { pageMarks, type Mark } from './page-marks';
import { previewKeys, previewPrefix, previewSourceOf, type PreviewSource } from './preview-keys';
import { RenderFailedError, UnreadableFileError, type PreviewTools } from './preview-tools';

/** What is known of a version's pages. */
export type PreviewInfo =
  | { state: 'ready'; source: PreviewSource; pages: number }
  /** `lasting`: the bytes themselves cannot be drawn (kept with the previews); otherwise a try later may succeed. */
  | { state: 'unavailable'; reason: string; lasting: boolean }
  /** A format the portal has no way to draw (Word, Excel, …). */
  | { state: 'none' };

/** Why a version shows no page: it cannot be drawn (now or ever), or its format has no preview. */
export type NoPreview = Exclude<PreviewInfo, { state: 'ready' }>;

/** One page as the reader shows it: its size in points and the boxes of the words a query marks. */
export interface PageView {
  page: number;
  pages: number;
  width: number;
  height: number;
  /** Whether the page has words to mark (a scan or an image has none). */
  hasWords: boolean;
  marks: Mark[];
}

export interface PreviewOptions {
  /** Renders (tools running) at once; further requests wait their turn. */
  concurrency?: number;
  /** Requests that may wait for a render before the next one is told to come back later. */
  maxWaiting?: number;
  thumbnailSide?: number;
  pageSide?: number;
}

/** The longer side of a thumbnail and of a page image, in pixels (a phone's screen at 3× is about 1200 px wide). */
export const THUMBNAIL_SIDE = 320;
export const PAGE_SIDE = 1600;
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * Page images of stored versions, made when first asked for and then kept in the store beside the file (see
 * preview-keys.ts): a 500-page PDF gets its page count and a thumbnail of page 1 in the background, and any other
 * page only when someone turns to it. Renders are bounded (`concurrency`), and two requests for the same image
 * share one render. A file that cannot be drawn is remembered as such; the callers show a placeholder instead.
 * Access is the caller's business: it hands in only versions the reader may see.
 */
export class PreviewService {
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly limiter: Limiter;
  private readonly thumbnailSide: number;
  private readonly pageSide: number;

  constructor(
    private readonly stores: Pick<StoreRegistry, 'for'>,
    private readonly tools: PreviewTools,
    private readonly copies: LocalCopies,
    private readonly tempRoot: string,
    private readonly repository: PreviewsRepository,
    options: PreviewOptions = {},
  ) {
    this.limiter = new Limiter(options.concurrency ?? 2, options.maxWaiting ?? 64);
    this.thumbnailSide = options.thumbnailSide ?? THUMBNAIL_SIDE;
    this.pageSide = options.pageSide ?? PAGE_SIDE;
  }

  /** The version's page count, or why it has none; found out (and kept) the first time it is asked. */
  async info(version: DocumentVersion, signal?: AbortSignal): Promise<PreviewInfo> {
    const source = previewSourceOf(version.contentType);
    if (!source) return { state: 'none' };
    const store = this.stores.for(version.store);
    const key = previewKeys(version).info;
    const kept = await readJson<PreviewInfo>(store, key);
    if (kept) return kept;
    return this.once(store, key, async () => {
      let info: PreviewInfo;
      try {
        info = { state: 'ready', source, pages: await this.withPdf(version, source, (pdf) => this.limiter.run(() => this.tools.pageCount(pdf, signal)), signal) };
      } catch (error) {
        if (error instanceof RenderFailedError) return { state: 'unavailable', reason: error.message, lasting: false } satisfies PreviewInfo;
        if (!(error instanceof UnreadableFileError)) throw error;
        info = { state: 'unavailable', reason: error.message, lasting: true };
      }
      await this.keep(version, store, key, Readable.from([JSON.stringify(info)]));
      return info;
    });
  }

  /** Page 1, small, as PNG bytes from the store (made now if it was not yet). */
  async thumbnail(version: DocumentVersion, signal?: AbortSignal): Promise<Readable | NoPreview> {
    return this.image(version, 1, previewKeys(version).thumbnail, this.thumbnailSide, signal);
  }

  /** Page `n` as PNG bytes from the store (made now if it was not yet); NotFound past the last page. */
  async page(version: DocumentVersion, n: number, signal?: AbortSignal): Promise<Readable | NoPreview> {
    return this.image(version, n, previewKeys(version).page(n), this.pageSide, signal);
  }

  /**
   * Page `n`'s size and the boxes of the words `patterns` find on it. The words come from the PDF's own text; an
   * image (or a scanned page) has none to mark. NotFound past the last page; the info when there is no page.
   */
  async pageView(version: DocumentVersion, n: number, patterns: Pattern[], signal?: AbortSignal): Promise<PageView | NoPreview> {
    const info = await this.info(version, signal);
    if (info.state !== 'ready') return info;
    if (n > info.pages) throw new NotFoundError(`the document has ${info.pages} pages`);
    let layout: PageLayout;
    try {
      layout = await this.layout(version, info.source, n, signal);
    } catch (error) {
      if (error instanceof RenderFailedError) return { state: 'unavailable', reason: error.message, lasting: false };
      if (error instanceof UnreadableFileError) return { state: 'unavailable', reason: error.message, lasting: false };
      throw error;
    }
    const hasWords = layout.lines.length > 0;
    return { page: n, pages: info.pages, width: layout.width, height: layout.height, hasWords, marks: pageMarks(layout, patterns) };
  }

  /** What the background job does for a version: its page count and its thumbnail, nothing more. */
  async prepare(version: DocumentVersion, signal?: AbortSignal): Promise<PreviewInfo> {
    const info = await this.info(version, signal);
    if (info.state === 'ready') {
      const made = await this.thumbnail(version, signal);
      if (made instanceof Readable) made.destroy();
      else if (made.state === 'unavailable' && !made.lasting) throw new RenderFailedError(made.reason);
    }
    if (info.state === 'unavailable' && !info.lasting) throw new RenderFailedError(info.reason);
    return info;
  }

  /** The text the portal extracted from page `n` of this version of the document, if it keeps that version's text. */
  pageText(documentId: string, version: DocumentVersion, n: number): string | undefined {
    return this.repository.pageText(documentId, version.number, n);
  }

  /** Removes every preview of the version from its store (its document is deleted). */
  async forget(version: DocumentVersion): Promise<void> {
    const store = this.stores.for(version.store);
    await store.deletePrefix(previewPrefix(version));
    await this.copies.drop(store, version.objectKey);
    await this.copies.drop(store, previewKeys(version).rendition);
  }

  private async image(version: DocumentVersion, n: number, key: string, side: number, signal: AbortSignal | undefined): Promise<Readable | NoPreview> {
    const info = await this.info(version, signal);
    if (info.state !== 'ready') return info;
    if (n > info.pages) throw new NotFoundError(`the document has ${info.pages} pages`);
    const store = this.stores.for(version.store);
    const kept = await openIfStored(store, key);
    if (kept) return kept;
    try {
      await this.once(store, key, () =>
        this.inTempFolder(async (folder) => {
          const png = await this.withPdf(version, info.source, (pdf) => this.limiter.run(() => this.tools.renderPage(pdf, n, side, path.join(folder, 'page'), signal)), signal);
          await this.keep(version, store, key, fs.createReadStream(png));
        }),
      );
    } catch (error) {
      if (error instanceof RenderFailedError) return { state: 'unavailable', reason: error.message, lasting: false };
      if (error instanceof UnreadableFileError) return { state: 'unavailable', reason: error.message, lasting: false };
      throw error;
    }
    return store.get(key);
  }

  private async layout(version: DocumentVersion, source: PreviewSource, n: number, signal: AbortSignal | undefined): Promise<PageLayout> {
    const store = this.stores.for(version.store);
    const key = previewKeys(version).layout(n);
    const kept = await readJson<PageLayout>(store, key);
    if (kept) return kept;
    return this.once(store, key, async () => {
      const read = await this.withPdf(version, source, (pdf) => this.limiter.run(() => this.tools.pageLayout(pdf, n, signal)), signal);
      // The words of a PDF made from an image are the guesses of its maker, not the picture's: only the size is kept.
      const layout: PageLayout = source === 'pdf' ? read : { ...read, lines: [] };
      await this.keep(version, store, key, Readable.from([JSON.stringify(layout)]));
      return layout;
    });
  }

  /** Runs `work` on a local PDF of the version: the file itself, or the PDF made of an image (made and kept first). */
  private async withPdf<T>(version: DocumentVersion, source: PreviewSource, work: (pdf: string) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const store = this.stores.for(version.store);
    if (source === 'pdf') return this.copies.use(store, version.objectKey, work, signal);
    const rendition = previewKeys(version).rendition;
    if (!(await store.stat(rendition))) {
      await this.once(store, rendition, () =>
        this.inTempFolder(async (folder) => {
          const pdf = await this.copies.use(store, version.objectKey, (image) => this.limiter.run(() => this.tools.imageToPdf(image, path.join(folder, 'rendition'), signal)), signal);
          await this.keep(version, store, rendition, fs.createReadStream(pdf));
        }),
      );
    }
    return this.copies.use(store, rendition, work, signal);
  }

  /** Stores a preview object; if the version was deleted meanwhile, its previews go at once and the caller gets NotFound. */
  private async keep(version: DocumentVersion, store: ObjectStore, key: string, body: Readable): Promise<void> {
    await store.put(key, body);
    // A render that ends after its document was deleted leaves nothing behind.
    if (!this.repository.versionExists(version.objectKey)) {
      await store.deletePrefix(previewPrefix(version));
      throw new NotFoundError('the document was deleted');
    }
  }

  /** One producer per object at a time: a second request for the same image waits for the first one's render. */
  private once<T>(store: ObjectStore, key: string, make: () => Promise<T>): Promise<T> {
    const id = `${store.kind}:${key}`;
    const running = this.inflight.get(id) as Promise<T> | undefined;
    if (running) return running;
    const started = make().finally(() => this.inflight.delete(id));
    this.inflight.set(id, started);
    return started;
  }

  private async inTempFolder<T>(work: (folder: string) => Promise<T>): Promise<T> {
    fs.mkdirSync(this.tempRoot, { recursive: true });
    const folder = await mkdtemp(path.join(this.tempRoot, 'render-'));
    try {
      return await work(folder);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}

/** At most `concurrency` tasks at once; beyond `maxWaiting` waiting, a new task is refused at once (come back later). */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new RenderFailedError('too many pages are being drawn; try again shortly');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

async function openIfStored(store: ObjectStore, key: string): Promise<Readable | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const body = await openIfStored(store, key);
  if (!body) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) {
      body.destroy();
      throw new Error(`${key} is larger than ${MAX_JSON_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}
