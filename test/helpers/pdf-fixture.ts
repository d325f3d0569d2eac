import fs from 'node:fs';
import { once } from 'node:events';

/**
 * Valid PDFs written by hand (no browser needed): one page per entry of `pages`, each line of its text in
 * Helvetica, top to bottom. `padBytes` adds a stream no page uses (a large file whose pages stay cheap to draw),
 * written in chunks, so a file of hundreds of megabytes never sits in memory.
 */
export interface PdfSpec {
  pages: string[][];
  padBytes?: number;
}

/** The PDF as bytes (for small files). */
export function pdfBytes(pages: string[][]): Buffer {
  const chunks: Buffer[] = [];
  for (const chunk of pdfChunks({ pages })) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `count` pages, page n saying `Page n` and then `lines(n)`. */
export function numberedPages(count: number, lines: (n: number) => string[] = () => []): string[][] {
  return Array.from({ length: count }, (_, index) => [`Page ${index + 1}`, ...lines(index + 1)]);
}

/** Writes the PDF to `file` chunk by chunk. */
export async function writePdf(file: string, spec: PdfSpec): Promise<void> {
  const out = fs.createWriteStream(file);
  for (const chunk of pdfChunks(spec)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function* pdfChunks({ pages, padBytes = 0 }: PdfSpec): Generator<Buffer> {
  const offsets: number[] = [];
  let at = 0;
  const emit = function* (text: string | Buffer): Generator<Buffer> {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    at += bytes.length;
    yield bytes;
  };
  const object = function* (id: number, body: string): Generator<Buffer> {
    offsets[id] = at;
    yield* emit(`${id} 0 obj\n${body}\nendobj\n`);
  };
  // 1 catalog, 2 pages, 3 font, then per page: page object and its content stream; then the padding.
  const pageIds = pages.map((_, index) => 4 + index * 2);
  yield* emit('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  yield* object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  yield* object(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  yield* object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (const [index, lines] of pages.entries()) {
    const id = pageIds[index]!;
    const content = lines.map((line, k) => `BT /F1 24 Tf 72 ${740 - k * 40} Td (${escapePdfText(line)}) Tj ET`).join('\n');
    yield* object(id, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`);
    yield* object(id + 1, `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  }
  const size = 4 + pages.length * 2 + (padBytes > 0 ? 1 : 0);
  if (padBytes > 0) {
    const id = size - 1;
    offsets[id] = at;
    yield* emit(`${id} 0 obj\n<< /Length ${padBytes} >>\nstream\n`);
    const block = Buffer.alloc(1024 * 1024);
    let state = 0x9e3779b9;
    for (let written = 0; written < padBytes; written += block.length) {
      for (let i = 0; i < block.length; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        block.writeUInt32LE(state >>> 0, i);
      }
      yield* emit(Buffer.from(block.subarray(0, Math.min(block.length, padBytes - written))));
    }
    yield* emit('\nendstream\nendobj\n');
  }
  const xref = at;
  const rows = ['0000000000 65535 f \n'];
  for (let id = 1; id < size; id++) rows.push(`${String(offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`);
  yield* emit(`xref\n0 ${size}\n${rows.join('')}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
}

function escapePdfText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
