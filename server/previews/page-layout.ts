/** Where each word of a page stands, in PDF points from the page's top left corner. */
export interface PlacedWord {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageLayout {
  width: number;
  height: number;
  /** The page's lines, each with its words as pdftotext gives them: left to right, a right-to-left word's letters reversed. */
  lines: PlacedWord[][];
}

const PAGE = /<page\s+width="([\d.]+)"\s+height="([\d.]+)"/;
const LINE = /<line\b[^>]*>([\s\S]*?)<\/line>/g;
const WORD = /<word\s+xMin="([-\d.]+)"\s+yMin="([-\d.]+)"\s+xMax="([-\d.]+)"\s+yMax="([-\d.]+)">([\s\S]*?)<\/word>/g;

/** Reads the XHTML of `pdftotext -bbox-layout` for one page; undefined when it names no page. */
export function parsePageLayout(xhtml: string): PageLayout | undefined {
  const page = PAGE.exec(xhtml);
  if (!page) return undefined;
  const lines: PlacedWord[][] = [];
  for (const line of xhtml.matchAll(LINE)) {
    const words: PlacedWord[] = [];
    for (const [, xMin, yMin, xMax, yMax, text] of line[1]!.matchAll(WORD)) {
      const x = Number(xMin);
      const y = Number(yMin);
      words.push({ text: decodeEntities(text!), x: round(x), y: round(y), width: round(Number(xMax) - x), height: round(Number(yMax) - y) });
    }
    if (words.length > 0) lines.push(words);
  }
  return { width: round(Number(page[1])), height: round(Number(page[2])), lines };
}

const round = (value: number): number => Math.round(value * 10) / 10;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
