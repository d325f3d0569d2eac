import type { ExtractionContext } from './extraction-context';
import { findTool, runTool } from './external-tools';
import { removeBidiControls } from './text-quality';

/** One tesseract run, single-threaded: several OpenMP threads make a page slower, not faster, on a shared machine. */
const OCR_TIMEOUT_PER_IMAGE_MS = 90_000;
const OCR_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const LIST_LANGS_TIMEOUT_MS = 10_000;

export type OcrOutcome = { ok: true; pages: string[] } | { ok: false; why: string };

export class TesseractOcr {
  private constructor(
    private readonly executable: string,
    readonly languages: string,
    /** Set when Persian data is missing, so that the result says why Persian text was not read. */
    readonly limitation: string | undefined,
  ) {}

  /** Undefined when tesseract is not installed, or has no language data at all. */
  static async find(): Promise<TesseractOcr | undefined> {
    const executable = await findTool('tesseract');
    if (!executable) return undefined;
    const run = await runTool(executable, ['--list-langs'], { timeoutMs: LIST_LANGS_TIMEOUT_MS, maxStdoutBytes: 64 * 1024 });
    const listed = new Set(
      `${run.stdout.toString('utf8')}\n${run.stderr}`
        .split('\n')
        .slice(1)
        .map((line) => line.trim())
        .filter(Boolean),
    );
    const languages = ['fas', 'eng'].filter((language) => listed.has(language));
    if (languages.length === 0) return undefined;
    const limitation = listed.has('fas') ? undefined : 'Persian OCR data (tesseract-ocr-fas) is not installed; OCR read Latin script only';
    return new TesseractOcr(executable, languages.join('+'), limitation);
  }

  /** Reads every page of an image file (a multi-page TIFF gives several). */
  async recognize(imagePath: string, context: ExtractionContext): Promise<OcrOutcome> {
    const timeoutMs = Math.min(context.timeLeft(), OCR_TIMEOUT_PER_IMAGE_MS);
    if (timeoutMs <= 0) return { ok: false, why: 'time limit reached' };
    const run = await runTool(this.executable, [imagePath, 'stdout', '-l', this.languages], {
      timeoutMs,
      maxStdoutBytes: OCR_MAX_OUTPUT_BYTES,
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    if (run.timedOut) return { ok: false, why: context.timeLeft() <= 0 ? 'time limit reached' : 'OCR took too long' };
    if (run.code !== 0 && !run.outputCapped) return { ok: false, why: `tesseract failed: ${lastLine(run.stderr)}` };
    // tesseract ends every page with a form feed.
    const pages = run.stdout.toString('utf8').split('\f');
    if (pages.length > 1 && pages.at(-1)!.trim() === '') pages.pop();
    return { ok: true, pages: pages.map(tidyOcrText) };
  }
}

/** tesseract wraps Latin words inside Persian lines in LRM/RLM marks; they are layout, not content. */
function tidyOcrText(text: string): string {
  return removeBidiControls(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'no message';
}
