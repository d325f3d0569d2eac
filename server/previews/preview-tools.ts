import { findTool, runTool, type ToolRun } from '../extraction/external-tools';
import { imageSize } from '../extraction/image.extractor';
import { parsePageLayout, type PageLayout } from './page-layout';

/**
 * The command-line tools that turn a stored file into page images, each run without a shell, under the
 * extraction's limits: killed (SIGKILL) after the time limit or when the portal stops, and, where util-linux's
 * `prlimit` is present (Debian always has it), with its address space capped, so a hostile file can neither hang
 * nor exhaust the machine. Poppler (pdfinfo, pdftoppm, pdftotext) reads PDFs; tesseract, already installed for
 * OCR, wraps a JPEG, PNG or TIFF in a PDF (its `pdf` output), which poppler then renders like any other.
 */

export interface ToolLimits {
  timeoutMs: number;
  /** Address space a tool may map, in MiB (its code and libraries included). */
  memoryMb: number;
}

/** What a tool said when it could not read the file: the file is the problem, and trying again changes nothing. */
export class UnreadableFileError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** A tool is missing, was stopped, or ran out of time or memory: another attempt may succeed. */
export class RenderFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderFailedError';
  }
}

/** A page count this large is a hostile or broken file, not a document. */
const MAX_PAGES = 100_000;
const INFO_OUTPUT_BYTES = 1024 * 1024;
const LAYOUT_OUTPUT_BYTES = 16 * 1024 * 1024;
const RENDER_OUTPUT_BYTES = 64 * 1024;
/** A small file can declare an enormous bitmap: larger pictures are not drawn (as OCR does not read them). */
const MAX_IMAGE_PIXELS = 100_000_000;

export class PreviewTools {
  constructor(private readonly limits: ToolLimits) {}

  /** Whether poppler is installed (without it nothing can be previewed). */
  async available(): Promise<boolean> {
    return (await findTool('pdftoppm')) !== undefined && (await findTool('pdfinfo')) !== undefined;
  }

  /** The number of pages of a PDF; UnreadableFileError when poppler cannot open it (damaged, not a PDF, encrypted). */
  async pageCount(pdf: string, signal?: AbortSignal): Promise<number> {
    const run = await this.run('pdfinfo', [pdf], INFO_OUTPUT_BYTES, signal);
    if (/incorrect password/i.test(run.stderr)) throw new UnreadableFileError('the PDF needs a password');
    const pages = /^Pages:\s+(\d+)/m.exec(run.stdout.toString('utf8'));
    if (run.code === 0 && pages) {
      const count = Number(pages[1]);
      if (count < 1) throw new UnreadableFileError('the PDF has no pages');
      if (count > MAX_PAGES) throw new UnreadableFileError(`the PDF declares ${count} pages`);
      return count;
    }
    this.assertFinished(run, 'pdfinfo');
    throw new UnreadableFileError(`not a readable PDF: ${lastLine(run.stderr) || 'no page count'}`);
  }

  /** Renders one page as PNG, its longer side `longSide` pixels, into `outBase.png`. */
  async renderPage(pdf: string, page: number, longSide: number, outBase: string, signal?: AbortSignal): Promise<string> {
    const run = await this.run(
      'pdftoppm',
      ['-f', String(page), '-l', String(page), '-scale-to', String(longSide), '-png', '-singlefile', pdf, outBase],
      RENDER_OUTPUT_BYTES,
      signal,
    );
    this.assertFinished(run, 'pdftoppm');
    if (run.code !== 0) throw new UnreadableFileError(`page ${page} cannot be drawn: ${lastLine(run.stderr) || `exit code ${run.code}`}`);
    return `${outBase}.png`;
  }

  /** The size of one page and the position of each of its words (`pdftotext -bbox-layout`), in PDF points. */
  async pageLayout(pdf: string, page: number, signal?: AbortSignal): Promise<PageLayout> {
    const run = await this.run('pdftotext', ['-bbox-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), pdf, '-'], LAYOUT_OUTPUT_BYTES, signal);
    this.assertFinished(run, 'pdftotext');
    if (run.code !== 0) throw new UnreadableFileError(`the words of page ${page} cannot be read: ${lastLine(run.stderr) || `exit code ${run.code}`}`);
    const layout = parsePageLayout(run.stdout.toString('utf8'));
    if (!layout) throw new UnreadableFileError(`pdftotext gave no size for page ${page}`);
    return layout;
  }

  /**
   * A PDF of an image (every page of a multi-page TIFF), as `outBase.pdf`. Tesseract's PDF output embeds the
   * picture; the smallest language it has (orientation data, `osd`) keeps the text recognition it does on the way
   * short, and that text is never used. RenderFailedError when tesseract is not installed.
   */
  async imageToPdf(image: string, outBase: string, signal?: AbortSignal): Promise<string> {
    const tesseract = await findTool('tesseract');
    if (!tesseract) throw new RenderFailedError('tesseract is not installed: images have no preview');
    const size = await imageSize(image);
    if (size && size.width * size.height > MAX_IMAGE_PIXELS) throw new UnreadableFileError(`an image of ${size.width}×${size.height} pixels is too large to draw`);
    const language = await this.cheapestLanguage(tesseract);
    const run = await this.run('tesseract', [image, outBase, '-l', language, '--psm', '3', 'pdf'], RENDER_OUTPUT_BYTES, signal, { OMP_THREAD_LIMIT: '1' });
    this.assertFinished(run, 'tesseract');
    if (run.code !== 0) throw new UnreadableFileError(`the image cannot be read: ${lastLine(run.stderr) || `exit code ${run.code}`}`);
    return `${outBase}.pdf`;
  }

  private languages: Promise<string> | undefined;

  private cheapestLanguage(tesseract: string): Promise<string> {
    this.languages ??= runTool(tesseract, ['--list-langs'], { timeoutMs: 10_000, maxStdoutBytes: 64 * 1024 }).then((run) => {
      const listed = `${run.stdout.toString('utf8')}\n${run.stderr}`.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
      return ['osd', 'eng', ...listed].find((language) => listed.includes(language)) ?? 'eng';
    });
    return this.languages;
  }

  /** A run that was cut short says nothing about the file: it is a failure to try again. */
  private assertFinished(run: ToolRun, tool: string): void {
    if (run.timedOut) throw new RenderFailedError(`${tool} was stopped after ${this.limits.timeoutMs} ms or by the portal`);
    if (run.outputCapped) throw new UnreadableFileError(`${tool} printed more than a page can hold`);
    if (run.code === null) throw new RenderFailedError(`${tool} was killed (${this.limits.memoryMb} MiB of memory is its limit)`);
  }

  private async run(tool: string, args: string[], maxStdoutBytes: number, signal: AbortSignal | undefined, env: Record<string, string> = {}): Promise<ToolRun> {
    const executable = await findTool(tool);
    if (!executable) throw new RenderFailedError(`${tool} is not installed (Debian: poppler-utils)`);
    const prlimit = await findTool('prlimit');
    const [command, commandArgs] = prlimit
      ? [prlimit, [`--as=${this.limits.memoryMb * 1024 * 1024}`, '--', executable, ...args]]
      : [executable, args];
    return runTool(command, commandArgs, { timeoutMs: this.limits.timeoutMs, maxStdoutBytes, signal, env: { ...process.env, ...env } });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}
