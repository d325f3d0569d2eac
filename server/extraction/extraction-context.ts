import type { ExtractionInput, ResolvedLimits } from './extraction.types';
import { PageCollector } from './page-collector';

/** What every extractor gets: the limits, the clock, a scratch folder and the place to put pages and warnings. */
export class ExtractionContext {
  readonly collector: PageCollector;
  private readonly warningList: string[] = [];

  constructor(
    readonly limits: ResolvedLimits,
    /** Epoch ms after which no new work starts, so the worker can still answer before it is killed. */
    readonly softDeadline: number,
    /** Removed by the parent process when the worker ends, however it ends. */
    readonly tempDir: string,
  ) {
    this.collector = new PageCollector(limits);
  }

  timeLeft(): number {
    return this.softDeadline - Date.now();
  }

  warn(message: string): void {
    if (!this.warningList.includes(message)) this.warningList.push(message);
  }

  warnings(): string[] {
    return [...this.warningList, ...this.collector.warnings()];
  }
}

/** Puts the file's pages into `context.collector` and returns the method used ('pdftotext', 'ocr', …). */
export type Extractor = (input: ExtractionInput, context: ExtractionContext) => Promise<string>;

/** Joins the methods pages needed, in a fixed order, into one `method` string. */
export function combineMethods(used: Iterable<string>, order: readonly string[]): string {
  const set = new Set(used);
  const known = order.filter((method) => set.has(method));
  const others = [...set].filter((method) => !order.includes(method));
  return [...known, ...others].join('+') || 'none';
}
