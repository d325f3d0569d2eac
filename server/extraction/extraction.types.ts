/** What the extraction of one stored file gives back, and how it may fail. */

export type ExtractedPage = { page: number; text: string };

export type ExtractionResult = {
  pages: ExtractedPage[];
  /** The methods that produced the text, joined by '+' when pages needed different ones (e.g. 'pdftotext+ocr'). */
  method: string;
  /** Everything the caller should know about text that is missing, cut or doubtful. Never silent. */
  warnings: string[];
};

export type ExtractionInput = { path: string; contentType: string; filename: string };

export type ExtractionLimits = {
  timeoutMs?: number;
  maxMemoryMb?: number;
  maxPages?: number;
  maxChars?: number;
};

export type ResolvedLimits = Required<ExtractionLimits>;

export const DEFAULT_LIMITS: ResolvedLimits = {
  timeoutMs: 120_000,
  maxMemoryMb: 512,
  maxPages: 5_000,
  maxChars: 20_000_000,
};

export function resolveLimits(limits: ExtractionLimits = {}): ResolvedLimits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`extraction limit ${key} must be a positive number, got ${value}`);
    resolved[key] = Math.floor(value);
  }
  return resolved;
}

export type ExtractionFailure =
  | 'timeout'
  | 'out of memory'
  | 'file not found'
  | 'unreadable PDF'
  | 'encrypted PDF'
  | 'unreadable document'
  | 'corrupt archive'
  | 'archive limits exceeded'
  | 'worker crashed';

const PERMANENT_FAILURES: ReadonlySet<ExtractionFailure> = new Set([
  'unreadable PDF',
  'encrypted PDF',
  'unreadable document',
  'corrupt archive',
  'archive limits exceeded',
]);

/** A file whose text could not be extracted. `reason` is stable; the message says more for the logs. */
export class ExtractionError extends Error {
  readonly code = 'extraction_failed';

  /** The file itself is the problem: trying again would fail the same way. */
  get permanent(): boolean {
    return PERMANENT_FAILURES.has(this.reason);
  }

  constructor(
    readonly reason: ExtractionFailure,
    message: string = reason,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}
