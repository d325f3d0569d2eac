import type { ExtractedPage, ResolvedLimits } from './extraction.types';

/**
 * Gathers pages under the page and character limits, and says so in warnings when it cuts anything.
 * Extractors ask `full` before doing expensive work for a page that would not be kept.
 */
export class PageCollector {
  readonly pages: ExtractedPage[] = [];
  private chars = 0;
  private cutAtPage: number | undefined;
  private droppedPages = 0;

  constructor(private readonly limits: Pick<ResolvedLimits, 'maxPages' | 'maxChars'>) {}

  get full(): boolean {
    return this.pages.length >= this.limits.maxPages || this.chars >= this.limits.maxChars;
  }

  get charsLeft(): number {
    return Math.max(0, this.limits.maxChars - this.chars);
  }

  /** Returns false when the page was not kept (or kept only in part) because a limit was reached. */
  add(page: number, text: string): boolean {
    if (this.pages.length >= this.limits.maxPages || this.chars >= this.limits.maxChars) {
      this.droppedPages++;
      return false;
    }
    const room = this.limits.maxChars - this.chars;
    if (text.length > room) {
      const kept = cutAt(text, room);
      this.pages.push({ page, text: kept });
      this.chars += kept.length;
      this.cutAtPage = page;
      return false;
    }
    this.pages.push({ page, text });
    this.chars += text.length;
    return true;
  }

  /** Pages the source has beyond those offered to `add` (e.g. a PDF longer than maxPages). */
  skip(count: number): void {
    this.droppedPages += count;
  }

  warnings(): string[] {
    const warnings: string[] = [];
    if (this.cutAtPage !== undefined) {
      warnings.push(`text truncated at ${this.limits.maxChars} characters (limit), in page ${this.cutAtPage}`);
    }
    if (this.droppedPages > 0) {
      const why = this.pages.length >= this.limits.maxPages ? `the limit of ${this.limits.maxPages} pages` : `the limit of ${this.limits.maxChars} characters`;
      warnings.push(`${this.droppedPages} more page(s) not extracted: ${why}`);
    }
    return warnings;
  }
}

/** Cuts to at most `length` UTF-16 units without splitting a surrogate pair. */
function cutAt(text: string, length: number): string {
  if (length <= 0) return '';
  const code = text.charCodeAt(length - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, length - 1) : text.slice(0, length);
}

export const PAGE_TARGET_CHARS = 3_000;

/**
 * Splits flowing text (plain text, HTML, word-processor documents) into pages of about `target` characters at
 * paragraph boundaries, so that a search hit points somewhere near its words. An overlong paragraph is split at
 * line ends, then at spaces, then anywhere.
 */
export function paginate(text: string, target = PAGE_TARGET_CHARS): string[] {
  const paragraphs = text.split(/\n[ \t]*\n+/).map((paragraph) => paragraph.replace(/^\n+|\s+$/g, '')).filter((p) => p.trim() !== '');
  const pages: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim() !== '') pages.push(current);
    current = '';
  };
  for (const paragraph of paragraphs) {
    for (const piece of splitLong(paragraph, target)) {
      if (current && current.length + 2 + piece.length > target) flush();
      current = current ? `${current}\n\n${piece}` : piece;
    }
  }
  flush();
  return pages;
}

function splitLong(paragraph: string, target: number): string[] {
  const limit = Math.floor(target * 1.5);
  if (paragraph.length <= limit) return [paragraph];
  const pieces: string[] = [];
  let rest = paragraph;
  while (rest.length > limit) {
    const window = rest.slice(0, target);
    let cut = window.lastIndexOf('\n');
    if (cut < target / 3) cut = window.search(/\s\S*$/);
    if (cut < target / 3) cut = target;
    const piece = rest.slice(0, cut);
    const code = piece.charCodeAt(piece.length - 1);
    const safeCut = code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
    pieces.push(rest.slice(0, safeCut).trimEnd());
    rest = rest.slice(safeCut).replace(/^\s+/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}
