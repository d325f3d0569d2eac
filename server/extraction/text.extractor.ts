import { createReadStream } from 'node:fs';
import type { ExtractionContext, Extractor } from './extraction-context';
import { paginate } from './page-collector';

/**
 * Plain text, Markdown and CSV: decoded as UTF-8 unless it is not valid UTF-8 (or the upload was sniffed as
 * Windows-1256), in which case it is legacy Persian Windows-1256 ("Arabic (Windows)"), which Node's full ICU
 * decodes. Pages of about 3,000 characters at paragraph boundaries.
 */
export const extractPlainText: Extractor = async (input, context) => {
  const text = await readDecoded(input.path, input.contentType, context);
  // A form feed is a page break (text exported from PDFs and printers has them); long pages are split further.
  const pages = text
    .replace(/\r\n?/g, '\n')
    .split('\f')
    .flatMap((page) => paginate(page));
  pages.forEach((page, index) => context.collector.add(index + 1, page));
  return 'text';
};

export type Charset = 'utf-8' | 'windows-1256';

/**
 * Streams and decodes the file, reading no more than the character limit allows (a character is at most four
 * bytes of UTF-8 and one of Windows-1256). Invalid UTF-8 anywhere restarts the decoding as Windows-1256.
 */
export async function readDecoded(
  path: string,
  contentType: string,
  context: ExtractionContext,
  maxChars = context.collector.charsLeft,
): Promise<string> {
  const declared = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  const first: Charset = declared === 'windows-1256' || declared === 'cp1256' ? 'windows-1256' : 'utf-8';
  try {
    return await decodeFile(path, first, maxChars, context);
  } catch (error) {
    if (!(error instanceof TypeError) || first !== 'utf-8') throw error;
    context.warn('not valid UTF-8: decoded as Windows-1256');
    return decodeFile(path, 'windows-1256', maxChars, context);
  }
}

async function decodeFile(path: string, charset: Charset, maxChars: number, context: ExtractionContext): Promise<string> {
  const decoder = new TextDecoder(charset, { fatal: charset === 'utf-8' });
  const maxBytes = charset === 'utf-8' ? maxChars * 4 : maxChars;
  const parts: string[] = [];
  let bytes = 0;
  let cut = false;
  for await (const chunk of createReadStream(path, { end: maxBytes })) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) {
      parts.push(decoder.decode(buffer.subarray(0, buffer.length - (bytes - maxBytes)), { stream: true }));
      cut = true;
      break;
    }
    parts.push(decoder.decode(buffer, { stream: true }));
  }
  // A character cut by the byte limit is not invalid UTF-8; the end of the whole file is checked strictly.
  if (!cut) parts.push(decoder.decode());
  let text = parts.join('');
  if (text.length > maxChars || cut) {
    text = text.slice(0, maxChars);
    context.warn(`text truncated at ${maxChars} characters (limit)`);
  }
  return text;
}
