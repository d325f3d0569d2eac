import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { foldPresentationForms } from './text-quality';

/**
 * Page text through pdf.js, for pages whose pdftotext text is poor. pdf.js hands back positioned fragments,
 * RTL text often one glyph per fragment and without spaces, so lines and word spaces are rebuilt here from the
 * glyph positions and the fragments put back into logical order, right to left where the line is Persian.
 */

export type Glyph = { str: string; x: number; y: number; width: number; height: number };

export type PdfjsDocument = {
  numPages: number;
  pageText(pageNumber: number): Promise<string>;
  close(): Promise<void>;
};

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export async function openWithPdfjs(path: string, maxBytes: number): Promise<PdfjsDocument> {
  const data = await readCapped(path, maxBytes);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data,
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
    wasmUrl: join(pdfjsRoot, 'wasm') + '/',
  });
  const document = await task.promise;
  return {
    numPages: document.numPages,
    async pageText(pageNumber) {
      const page = await document.getPage(pageNumber);
      try {
        const content = await page.getTextContent();
        const glyphs: Glyph[] = [];
        for (const item of content.items) {
          if (!('str' in item) || item.str === '') continue;
          const [a, b, c, d, x, y] = item.transform as number[];
          const height = Math.hypot(c!, d!) || Math.hypot(a!, b!) || item.height || 1;
          glyphs.push({ str: item.str, x: x!, y: y!, width: item.width, height });
        }
        return layoutText(glyphs);
      } finally {
        page.cleanup();
      }
    },
    close: () => task.destroy(),
  };
}

async function readCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new Error(`file of ${size} bytes is too large for pdf.js under the memory limit`);
    const data = new Uint8Array(size);
    await handle.read(data, 0, size, 0);
    return data;
  } finally {
    await handle.close();
  }
}

// --- Layout ---

type Direction = 'rtl' | 'ltr' | 'neutral';

const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]/u;
const LTR_CHAR = /[\p{L}0-9\u0660-\u0669\u06F0-\u06F9]/u;
/** A gap wider than this share of the font size between two glyphs is a word space. */
const SPACE_GAP = 0.18;
/** Baselines closer than this share of the font size belong to one line. */
const SAME_LINE = 0.45;
/** A vertical step wider than this many line heights starts a new paragraph. */
const PARAGRAPH_STEP = 1.9;

export function layoutText(glyphs: Glyph[]): string {
  const lines = groupLines(glyphs);
  const out: string[] = [];
  let previous: { y: number; height: number } | undefined;
  for (const line of lines) {
    if (previous && previous.y - line.y > PARAGRAPH_STEP * Math.max(previous.height, line.height)) out.push('');
    out.push(lineText(line.glyphs));
    previous = line;
  }
  return foldPresentationForms(out.join('\n')).trim();
}

type Line = { y: number; height: number; glyphs: Glyph[] };

function groupLines(glyphs: Glyph[]): Line[] {
  const sorted = [...glyphs].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const glyph of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line.y - glyph.y) <= SAME_LINE * Math.max(line.height, glyph.height)) {
      line.glyphs.push(glyph);
      line.height = Math.max(line.height, glyph.height);
    } else {
      lines.push({ y: glyph.y, height: glyph.height, glyphs: [glyph] });
    }
  }
  return lines;
}

type Token = { text: string; direction: Direction };

function lineText(glyphs: Glyph[]): string {
  const visual = visualTokens(glyphs.sort((a, b) => a.x - b.x));
  const rtlCount = visual.filter((token) => token.direction === 'rtl').length;
  const ltrCount = visual.filter((token) => token.direction === 'ltr').length;
  const base: Direction = rtlCount >= ltrCount && rtlCount > 0 ? 'rtl' : 'ltr';
  return toLogical(visual, base).replace(/\s+/g, ' ').trim();
}

/** Left to right, with a space token wherever the gap between two glyphs is as wide as a space. */
function visualTokens(glyphs: Glyph[]): Token[] {
  const tokens: Token[] = [];
  let previous: Glyph | undefined;
  for (const glyph of glyphs) {
    if (previous) {
      const duplicate = glyph.str === previous.str && Math.abs(glyph.x - previous.x) < 0.1 * glyph.height;
      if (duplicate) continue; // fake bold: the same text drawn twice, slightly shifted
      const previousWidth = previous.width > 0 ? previous.width : 0.5 * previous.height * previous.str.length;
      const gap = glyph.x - (previous.x + previousWidth);
      const spaced = /\s$/.test(previous.str) || /^\s/.test(glyph.str);
      if (!spaced && gap > SPACE_GAP * Math.min(glyph.height, previous.height)) tokens.push({ text: ' ', direction: 'neutral' });
    }
    tokens.push({ text: glyph.str, direction: directionOf(glyph.str) });
    previous = glyph;
  }
  return tokens;
}

function directionOf(text: string): Direction {
  let rtl = 0;
  let ltr = 0;
  for (const char of text) {
    if (RTL_CHAR.test(char)) rtl++;
    else if (LTR_CHAR.test(char)) ltr++;
  }
  if (rtl === 0 && ltr === 0) return 'neutral';
  return rtl >= ltr ? 'rtl' : 'ltr';
}

/**
 * Visual to logical order for one line: neutrals take the direction of their neighbours when both agree, else
 * the line's; runs of the line's direction keep their order, the others are reversed as wholes. pdf.js already
 * gives each fragment's own characters in logical order.
 */
function toLogical(visual: Token[], base: Direction): string {
  const resolved = visual.map((token, index) => {
    if (token.direction !== 'neutral') return token.direction;
    const before = nearestStrong(visual, index, -1);
    const after = nearestStrong(visual, index, 1);
    return before && before === after ? before : base;
  });
  const runs: { direction: Direction; texts: string[] }[] = [];
  visual.forEach((token, index) => {
    const direction = resolved[index]!;
    const run = runs.at(-1);
    if (run && run.direction === direction) run.texts.push(token.text);
    else runs.push({ direction, texts: [token.text] });
  });
  const ordered = base === 'rtl' ? runs.reverse() : runs;
  return ordered.map((run) => (run.direction === 'rtl' ? [...run.texts].reverse() : run.texts).join('')).join('');
}

function nearestStrong(tokens: Token[], from: number, step: 1 | -1): Direction | undefined {
  for (let index = from + step; index >= 0 && index < tokens.length; index += step) {
    const direction = tokens[index]!.direction;
    if (direction !== 'neutral') return direction;
  }
  return undefined;
}
