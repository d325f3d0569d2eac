import { ExtractionContext } from './extraction-context';
import type { ExtractionInput, ExtractionResult, ResolvedLimits } from './extraction.types';
import { extractorFor } from './extractors';

export type ExtractionRequest = { input: ExtractionInput; limits: ResolvedLimits; softDeadline: number; tempDir: string };

/** Runs the extractor for one file in this process; the worker calls it, and tests that need no isolation. */
export async function runExtraction(request: ExtractionRequest): Promise<ExtractionResult> {
  const { input, limits, softDeadline, tempDir } = request;
  const context = new ExtractionContext(limits, softDeadline, tempDir);
  const extractor = await extractorFor(input.contentType, input.filename);
  if (!extractor) {
    return { pages: [], method: 'none', warnings: [`no text extractor for ${input.contentType || input.filename}`] };
  }
  const method = await extractor(input, context);
  if (context.timeLeft() <= 0) context.warn('time limit reached: the text may be incomplete');
  const pages = context.collector.pages;
  const warnings = context.warnings();
  if (method !== 'none' && warnings.length === 0 && pages.every((page) => page.text.trim() === '')) warnings.push('no text found');
  return { pages, method, warnings };
}
