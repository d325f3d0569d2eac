import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { combineMethods, type ExtractionContext, type Extractor } from './extraction-context';
import { ExtractionError } from './extraction.types';
import { findTool, runTool } from './external-tools';
import { TesseractOcr } from './ocr';
import { PageWarnings } from './page-warnings';
import { openWithPdfjs, type PdfjsDocument } from './pdfjs-text';
import { assessText, logicalPdftotextRuns, MIN_LETTERS, qualityScore, removeBidiControls, type TextQuality } from './text-quality';

/**
 * PDF, page by page: pdftotext (poppler) first, since it keeps word spaces and logical order best; pages whose
 * text fails the quality checks go to pdf.js, and pages that still fail — or have no text but a large image,
 * i.e. scans — to OCR (pdftoppm at up to 300 dpi, grey, then tesseract fas+eng, one process per page).
 * pdfinfo and pdftotext run once for the whole file and are bounded only by the hard time limit; OCR, the slow
 * part, starts no new page after the soft deadline, so a long scan still returns the pages read so far.
 */

const METHOD_ORDER = ['pdftotext', 'pdfjs', 'ocr'] as const;
type PdfMethod = (typeof METHOD_ORDER)[number];

const INFO_TIMEOUT_MS = 30_000;
const RENDER_TIMEOUT_MS = 60_000;
/** Longest side of a page image for OCR: 300 dpi for up to A3, less for larger pages (a hostile page can be huge). */
const MAX_OCR_SIDE_PX = 5_000;
const OCR_DPI = 300;
/** Images smaller than this (logos, stamps) do not make an empty page a scan worth OCR. */
const MIN_SCAN_IMAGE_PIXELS = 200_000;
/** pdf.js needs the whole file in its heap, with room to work; larger files skip it. */
const PDFJS_SHARE_OF_HEAP = 0.25;

type Candidate = { method: PdfMethod; text: string; quality: TextQuality };

export const extractPdf: Extractor = async (input, context) => {
  const [pdfinfo, pdftotext, pdftoppm, pdfimages] = await Promise.all(
    (['pdfinfo', 'pdftotext', 'pdftoppm', 'pdfimages'] as const).map((tool) => findTool(tool)),
  );
  const pdfjs = new LazyPdfjs(input.path, (context.limits.maxMemoryMb * 1024 * 1024 * PDFJS_SHARE_OF_HEAP) | 0);
  try {
    const info = pdfinfo ? await readPdfInfo(pdfinfo, input.path, context) : undefined;
    if (!pdfinfo || !pdftotext) context.warn('poppler-utils not installed: PDF text read with pdf.js only');

    const pageCount = info?.pages ?? (await pdfjs.get())?.numPages;
    if (pageCount === undefined) {
      throw new ExtractionError('unreadable PDF', `not a readable PDF: ${info?.error ?? pdfjs.failure ?? 'unknown error'}`);
    }
    const last = Math.min(pageCount, context.limits.maxPages);
    if (pageCount > last) context.collector.skip(pageCount - last);

    const popplerPages = info && pdftotext ? await runPdftotext(pdftotext, input.path, last, context) : [];
    const ocr = pdftoppm ? await TesseractOcr.find() : undefined;
    if (ocr?.limitation) context.warn(ocr.limitation);
    const scannedPages = pdfimages && info ? await pagesWithLargeImages(pdfimages, input.path, last, context) : new Set<number>();

    const used = new Set<PdfMethod>();
    const remarks = new PageWarnings();
    for (let page = 1; page <= last; page++) {
      if (context.collector.full) {
        context.collector.skip(last - page + 1);
        break;
      }
      const chosen = await readPage(page, {
        poppler: popplerPages[page - 1],
        pdfjs,
        ocr: ocr && pdftoppm ? { ocr, pdftoppm, path: input.path, size: info?.sizes.get(page) } : undefined,
        scanned: scannedPages.has(page),
        context,
        remarks,
      });
      if (chosen && chosen.quality.letters > 0) used.add(chosen.method);
      context.collector.add(page, chosen?.text ?? '');
    }
    if (pdfjs.failure) context.warn(`pdf.js could not read the file (no fallback, no ligature check): ${pdfjs.failure}`);
    for (const remark of remarks.list()) context.warn(remark);
    return combineMethods(used.size ? used : ['pdftotext'], METHOD_ORDER);
  } finally {
    await pdfjs.close();
  }
};

type PageSources = {
  poppler: string | undefined;
  pdfjs: LazyPdfjs;
  ocr: { ocr: TesseractOcr; pdftoppm: string; path: string; size: [number, number] | undefined } | undefined;
  scanned: boolean;
  context: ExtractionContext;
  remarks: PageWarnings;
};

async function readPage(page: number, sources: PageSources): Promise<Candidate | undefined> {
  const { context, remarks } = sources;
  const candidates: Candidate[] = [];

  if (sources.poppler !== undefined) {
    const text = removeBidiControls(logicalPdftotextRuns(sources.poppler)).replace(/^[ \t]+|[ \t]+$/gm, '').trim();
    const candidate: Candidate = { method: 'pdftotext', text, quality: assessText(sources.poppler) };
    if (candidate.quality.problems.length === 0) {
      if (context.timeLeft() > 0) candidate.text = await repairSwappedPairs(text, page, sources.pdfjs);
      else if (text.includes(REVERSED_LAM_ALEF)) remarks.add('ligature check skipped: time limit reached', page);
      return candidate;
    }
    candidates.push(candidate);
  }

  const fromPdfjs = await sources.pdfjs.pageText(page);
  if (fromPdfjs !== undefined) {
    const candidate: Candidate = { method: 'pdfjs', text: fromPdfjs, quality: assessText(fromPdfjs) };
    if (candidate.quality.problems.length === 0) return candidate;
    candidates.push(candidate);
  }

  const best = candidates.sort((a, b) => qualityScore(b.quality) - qualityScore(a.quality))[0];
  const noText = !best || best.quality.letters < MIN_LETTERS;
  const doubt = best && !noText ? `doubtful text (${best.quality.problems.join(', ')})` : undefined;
  if (noText && !sources.scanned) return best; // a blank page, or one with a page number only
  if (!sources.ocr) {
    remarks.add(doubt ? `${doubt}; OCR not available` : 'scanned page not read: OCR not available', page);
    return best;
  }
  if (context.timeLeft() <= 0) {
    remarks.add(doubt ? `${doubt}; OCR skipped: time limit reached` : 'OCR skipped: time limit reached', page);
    return best;
  }
  const read = await ocrPage(page, sources.ocr, context);
  if (read.ok) {
    const candidate: Candidate = { method: 'ocr', text: read.text, quality: assessText(read.text) };
    if (candidate.quality.letters >= MIN_LETTERS || noText) return candidate;
  } else {
    remarks.add(`OCR failed: ${read.why}`, page);
  }
  if (doubt) remarks.add(doubt, page);
  return best;
}

// --- pdftotext, pdfinfo, pdfimages ---

type PdfInfo = { pages: number | undefined; sizes: Map<number, [number, number]>; error?: string };

async function readPdfInfo(pdfinfo: string, path: string, context: ExtractionContext): Promise<PdfInfo | undefined> {
  const first = await runTool(pdfinfo, [path], { timeoutMs: INFO_TIMEOUT_MS, maxStdoutBytes: 1024 * 1024 });
  const output = first.stdout.toString('utf8');
  if (/incorrect password/i.test(first.stderr)) throw new ExtractionError('encrypted PDF', 'the PDF needs a password');
  const pages = /^Pages:\s+(\d+)/m.exec(output);
  if (first.code !== 0 || !pages) {
    return { pages: undefined, sizes: new Map(), error: lastLine(first.stderr) || (first.timedOut ? 'pdfinfo timed out' : 'no page count') };
  }
  const count = Number(pages[1]);
  const sizes = new Map<number, [number, number]>();
  const last = Math.min(count, context.limits.maxPages);
  if (last > 0) {
    const perPage = await runTool(pdfinfo, ['-f', '1', '-l', String(last), path], {
      timeoutMs: INFO_TIMEOUT_MS,
      maxStdoutBytes: 16 * 1024 * 1024,
    });
    for (const match of perPage.stdout.toString('utf8').matchAll(/^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)/gm)) {
      sizes.set(Number(match[1]), [Number(match[2]), Number(match[3])]);
    }
  }
  return { pages: count, sizes };
}

/** One pdftotext run for all pages; it ends each page with a form feed. */
async function runPdftotext(pdftotext: string, path: string, last: number, context: ExtractionContext): Promise<string[]> {
  if (last === 0) return [];
  const run = await runTool(pdftotext, ['-enc', 'UTF-8', '-f', '1', '-l', String(last), path, '-'], {
    timeoutMs: context.limits.timeoutMs,
    maxStdoutBytes: context.limits.maxChars * 4 + 1024 * 1024,
  });
  const pages = run.stdout.toString('utf8').split('\f');
  const complete = run.code === 0 && !run.timedOut && !run.outputCapped;
  // Text after the last form feed belongs to a page pdftotext did not finish.
  if (!complete || pages.at(-1)!.trim() === '') pages.pop();
  if (!complete) {
    const why = run.timedOut ? 'timed out' : run.outputCapped ? 'printed too much' : `failed: ${lastLine(run.stderr)}`;
    context.warn(`pdftotext ${why} after ${pages.length} of ${last} pages`);
  }
  return pages.slice(0, last);
}

async function pagesWithLargeImages(pdfimages: string, path: string, last: number, context: ExtractionContext): Promise<Set<number>> {
  const run = await runTool(pdfimages, ['-list', '-f', '1', '-l', String(last), path], {
    timeoutMs: INFO_TIMEOUT_MS,
    maxStdoutBytes: 8 * 1024 * 1024,
  });
  const pages = new Set<number>();
  for (const line of run.stdout.toString('utf8').split('\n').slice(2)) {
    const [page, , type, width, height] = line.trim().split(/\s+/);
    if (type !== 'image') continue;
    if (Number(width) * Number(height) >= MIN_SCAN_IMAGE_PIXELS) pages.add(Number(page));
  }
  return pages;
}

// --- OCR ---

async function ocrPage(
  page: number,
  { ocr, pdftoppm, path, size }: NonNullable<PageSources['ocr']>,
  context: ExtractionContext,
): Promise<{ ok: true; text: string } | { ok: false; why: string }> {
  const longestSide = size ? Math.max(size[0], size[1]) : 842;
  const dpi = Math.max(36, Math.min(OCR_DPI, Math.floor((MAX_OCR_SIDE_PX * 72) / longestSide)));
  const base = join(context.tempDir, `page-${page}`);
  try {
    const render = await runTool(
      pdftoppm,
      ['-r', String(dpi), '-gray', '-png', '-f', String(page), '-l', String(page), '-singlefile', path, base],
      { timeoutMs: Math.min(context.timeLeft(), RENDER_TIMEOUT_MS), maxStdoutBytes: 64 * 1024 },
    );
    if (render.timedOut) return { ok: false, why: context.timeLeft() <= 0 ? 'time limit reached' : 'rendering the page took too long' };
    if (render.code !== 0) return { ok: false, why: `pdftoppm failed: ${lastLine(render.stderr)}` };
    const read = await ocr.recognize(`${base}.png`, context);
    if (!read.ok) return read;
    return { ok: true, text: read.pages.join('\n\n') };
  } finally {
    await rm(`${base}.png`, { force: true });
  }
}

// --- pdf.js ---

class LazyPdfjs {
  private document: PdfjsDocument | undefined;
  private opening: Promise<PdfjsDocument | undefined> | undefined;
  failure: string | undefined;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
  ) {}

  get(): Promise<PdfjsDocument | undefined> {
    this.opening ??= openWithPdfjs(this.path, this.maxBytes).then(
      (document) => (this.document = document),
      (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error);
        return undefined;
      },
    );
    return this.opening;
  }

  async pageText(page: number): Promise<string | undefined> {
    const document = await this.get();
    if (!document || page > document.numPages) return undefined;
    try {
      return await document.pageText(page);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.document?.close().catch(() => undefined);
  }
}

/**
 * pdftotext reverses the characters a ligature glyph stands for when the text runs right to left: the lam-alef
 * ligature of «کلان» comes out as «کالن». pdf.js keeps the ligature as one presentation-form character, which
 * folds to the right order. Where a pdftotext word is not among pdf.js's words of the page but the same word
 * with two neighbouring letters swapped is, the swapped form is taken. Words are compared without ZWNJ, which
 * pdf.js often loses; the ZWNJ of the pdftotext word is kept.
 */
async function repairSwappedPairs(text: string, page: number, pdfjs: LazyPdfjs): Promise<string> {
  if (!text.includes(REVERSED_LAM_ALEF)) return text;
  const reference = await pdfjs.pageText(page);
  if (!reference) return text;
  const known = new Set<string>();
  for (const word of reference.match(WORD) ?? []) {
    known.add(withoutZwnj(word));
    for (const part of word.split(ZWNJ)) known.add(part);
  }
  const repair = (word: string): string | undefined => {
    if (known.has(withoutZwnj(word))) return word;
    for (let index = 0; index + 1 < word.length; index++) {
      if (word[index] === ZWNJ || word[index + 1] === ZWNJ) continue;
      const swapped = word.slice(0, index) + word[index + 1] + word[index] + word.slice(index + 2);
      if (known.has(withoutZwnj(swapped))) return swapped;
    }
    return undefined;
  };
  return text.replace(WORD, (word) => {
    if (word.length < 2) return word;
    const whole = repair(word);
    if (whole !== undefined) return whole;
    if (!word.includes(ZWNJ)) return word;
    return word
      .split(ZWNJ)
      .map((part) => repair(part) ?? part)
      .join(ZWNJ);
  });
}

const ZWNJ = '\u200C';
/** What a reversed lam-alef looks like; a page without it needs no check. */
const REVERSED_LAM_ALEF = 'ال';
const withoutZwnj = (word: string) => word.replaceAll(ZWNJ, '');
const WORD = /[\p{Script=Arabic}\u200C]+/gu;

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}
