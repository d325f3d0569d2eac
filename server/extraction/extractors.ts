import { extname } from 'node:path';
import { ALLOWED_TYPES } from '../documents/file-type';
import { extractDocx } from './docx.extractor';
import type { Extractor } from './extraction-context';
import { extractHtml } from './html.extractor';
import { extractImage } from './image.extractor';
import { extractOdp, extractOds, extractOdt } from './odf.extractor';
import { extractPdf } from './pdf.extractor';
import { extractPptx } from './pptx.extractor';
import { extractPlainText } from './text.extractor';
import { extractXlsx } from './xlsx.extractor';

/** Old binary Office files (OLE): no extractor; the result says so instead of pretending the file has no text. */
const extractLegacyOffice: Extractor = async (_input, context) => {
  context.warn('legacy binary format: text not extracted');
  return 'none';
};

/** Video: nothing to read; the document's metadata is all that is searchable. */
const extractNothing: Extractor = async () => 'none';

const EXTRACTORS: Record<string, Extractor> = {
  pdf: extractPdf,
  docx: extractDocx,
  xlsx: extractXlsx,
  pptx: extractPptx,
  odt: extractOdt,
  ods: extractOds,
  odp: extractOdp,
  txt: extractPlainText,
  md: extractPlainText,
  csv: extractPlainText,
  html: extractHtml,
  jpeg: extractImage,
  png: extractImage,
  tiff: extractImage,
  doc: extractLegacyOffice,
  xls: extractLegacyOffice,
  ppt: extractLegacyOffice,
  mp4: extractNothing,
};

/**
 * Chooses by the content type the upload was sniffed as (its parameters, such as charset, ignored); a generic
 * or unknown content type falls back to the filename's extension.
 */
export function extractorFor(contentType: string, filename: string): Extractor | undefined {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  const byContent = ALLOWED_TYPES.find((type) => type.contentType === base);
  if (byContent) return EXTRACTORS[byContent.id];
  const extension = extname(filename).slice(1).toLowerCase();
  const byExtension = ALLOWED_TYPES.find((type) => type.extensions.includes(extension));
  return byExtension ? EXTRACTORS[byExtension.id] : undefined;
}
