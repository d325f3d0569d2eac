import mammoth from 'mammoth';
import type { Extractor } from './extraction-context';
import { ExtractionError } from './extraction.types';
import { paginate } from './page-collector';
import { ZipArchive } from './zip-archive';

/**
 * DOCX through mammoth, which keeps Persian text in logical order with its ZWNJ and original letters. A DOCX
 * has no fixed pages, so the text is cut into pages of about 3,000 characters at paragraph boundaries.
 * mammoth inflates the parts it reads in memory, so every XML part is first checked against the zip limits.
 */
export const extractDocx: Extractor = async (input, context) => {
  const archive = await ZipArchive.open(input.path);
  try {
    for (const name of archive.names()) if (/\.(xml|rels)$/i.test(name)) archive.check(name);
  } finally {
    archive.close();
  }

  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.extractRawText({ path: input.path });
  } catch (error) {
    throw new ExtractionError('unreadable document', `mammoth cannot read the document: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const message of result.messages) if (message.type === 'error') context.warn(`mammoth: ${message.message}`);
  paginate(result.value).forEach((text, index) => context.collector.add(index + 1, text));
  return 'mammoth';
};
