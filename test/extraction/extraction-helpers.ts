import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { normalizeQueryText } from '../../search/persian';
import { CHROMIUM_FLAGS as HEADLESS_CHROMIUM_FLAGS } from '../helpers/chromium';

const run = promisify(execFile);

/** Finds an executable on PATH (or at an absolute path). */
export function toolPath(name: string): string | undefined {
  const candidates = name.startsWith('/') ? [name] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((folder) => join(folder, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * Skips the test, with the reason printed, when a system tool is missing; in CI (CI=true) a missing tool fails
 * the test instead, since .ci/run installs them all.
 */
export function requireTools(test: Mocha.Context, ...tools: string[]): void {
  const missing = tools.filter((tool) => !toolPath(tool));
  if (missing.length === 0) return;
  const reason = `${missing.join(', ')} not installed (Debian: poppler-utils, tesseract-ocr, tesseract-ocr-fas, chromium)`;
  if (process.env.CI === 'true') throw new Error(`required in CI: ${reason}`);
  console.log(`      skipped: ${reason}`);
  test.skip();
}

export const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'].find((name) => toolPath(name)) ?? 'chromium';

const CHROMIUM_FLAGS = [...HEADLESS_CHROMIUM_FLAGS, '--hide-scrollbars'];

export class ScratchDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<ScratchDir> {
    return new ScratchDir(await mkdtemp(join(tmpdir(), 'tajrobe-extraction-test-')));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  async write(name: string, content: string | Buffer): Promise<string> {
    const path = this.file(name);
    await writeFile(path, content);
    return path;
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }

  /** Prints an HTML page to PDF with headless Chromium. */
  async printPdf(name: string, html: string): Promise<string> {
    const source = await this.write(`${name}.html`, html);
    const output = this.file(`${name}.pdf`);
    await run(CHROMIUM, [...CHROMIUM_FLAGS, '--no-pdf-header-footer', `--user-data-dir=${this.file('chromium-profile')}`, `--print-to-pdf=${output}`, source], {
      timeout: 60_000,
    });
    return output;
  }

  /** Renders an HTML page to a screenshot with headless Chromium; the extension chooses PNG or JPEG. */
  async screenshot(name: string, html: string, format: 'png' | 'jpg' = 'png', size = '1000,420'): Promise<string> {
    const source = await this.write(`${name}.html`, html);
    const output = this.file(`${name}.${format}`);
    await run(
      CHROMIUM,
      [...CHROMIUM_FLAGS, `--window-size=${size}`, `--user-data-dir=${this.file('chromium-profile')}`, `--screenshot=${output}`, source],
      { timeout: 60_000 },
    );
    return output;
  }
}

/** A right-to-left HTML page in a font with Persian glyphs; each page of `pages` starts a new printed page. */
export function persianHtml(pages: string[], fontSize = '16pt'): string {
  const body = pages.map((page, index) => `<section${index < pages.length - 1 ? ' class="page"' : ''}>${page}</section>`).join('\n');
  return `<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>
    body { font-family: 'DejaVu Sans', 'Noto Naskh Arabic', 'Vazirmatn', sans-serif; font-size: ${fontSize}; margin: 24px; color: #000; background: #fff; }
    .page { break-after: page; }
  </style></head><body>${body}</body></html>`;
}

/**
 * Eye-level comparison of extracted text through the portal's own normalization (persian.md rules 1–4, ZWNJ
 * deleted: presentation forms, diacritics, tatweel, bidi controls, yeh/kaf, digits, Latin case), spaces
 * collapsed. Enough to say "the word came back, as search will see it".
 */
export function fold(text: string): string {
  return normalizeQueryText(text).replace(/\s+/g, ' ').trim();
}

/**
 * Windows-1256 bytes for a string, by inverting Node's decoder table (no encoder ships with Node). The code
 * page has no Persian yeh (ی); Persian text written in it uses the Arabic yeh (ي), and so does this.
 */
export function windows1256Form(text: string): string {
  return text.replace(/ی/g, 'ي');
}

export function encodeWindows1256(text: string): Buffer {
  text = windows1256Form(text);
  const decoder = new TextDecoder('windows-1256');
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(Uint8Array.of(byte)), byte);
  return Buffer.from(
    Array.from(text, (char) => {
      const byte = table.get(char);
      if (byte === undefined) throw new Error(`${char} has no Windows-1256 byte`);
      return byte;
    }),
  );
}
