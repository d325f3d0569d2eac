/** Collects per-page remarks and reports each once, with its pages as ranges: "scanned page not read (pages 3–7, 9)". */
export class PageWarnings {
  private readonly byMessage = new Map<string, number[]>();

  add(message: string, page: number): void {
    const pages = this.byMessage.get(message);
    if (pages) pages.push(page);
    else this.byMessage.set(message, [page]);
  }

  list(): string[] {
    return [...this.byMessage].map(([message, pages]) => `${message} (${pages.length === 1 ? 'page' : 'pages'} ${ranges(pages)})`);
  }
}

function ranges(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let index = 0; index < sorted.length; index++) {
    const start = sorted[index]!;
    let end = start;
    while (sorted[index + 1] === end + 1) end = sorted[++index]!;
    parts.push(end === start ? `${start}` : `${start}–${end}`);
  }
  return parts.join(', ');
}
