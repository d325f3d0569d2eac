import { extname } from 'node:path';
import { ALLOWED_TYPES } from '../documents/file-type';
import type { Extractor } from './extraction-context';

/** Old binary Office files (OLE): no extractor; the result says so instead of pretending the file has no text. */
const extractLegacyOffice: Extractor = async (_input, context) => {
  context.warn('legacy binary format: text not extracted');
  return 'none';
};

/** Video: nothing to read; the document's metadata is all that is searchable. */
const extractNothing: Extractor = async () => 'none';

/** Loaded on demand: a worker handles one file, and pdf.js or mammoth take a while to load. */
const pdf = () => import('./pdf.extractor').then((module) => module.extractPdf);
const plainText = () => import('./text.extractor').then((module) => module.extractPlainText);
const image = () => import('./image.extractor').then((module) => module.extractImage);

const EXTRACTORS: Record<string, () => Promise<Extractor>> = {
  pdf,
  docx: () => import('./docx.extractor').then((module) => module.extractDocx),
  xlsx: () => import('./xlsx.extractor').then((module) => module.extractXlsx),
  pptx: () => import('./pptx.extractor').then((module) => module.extractPptx),
  odt: () => import('./odf.extractor').then((module) => module.extractOdt),
  ods: () => import('./odf.extractor').then((module) => module.extractOds),
  odp: () => import('./odf.extractor').then((module) => module.extractOdp),
  txt: plainText,
  md: plainText,
  csv: plainText,
  html: () => import('./html.extractor').then((module) => module.extractHtml),
  jpeg: image,
  png: image,
  tiff: image,
  doc: async () => extractLegacyOffice,
  xls: async () => extractLegacyOffice,
  ppt: async () => extractLegacyOffice,
  mp4: async () => extractNothing,
};

/**
 * Chooses by the content type the upload was sniffed as (its parameters, such as charset, ignored); a generic
 * or unknown content type falls back to the filename's extension.
 */
export async function extractorFor(contentType: string, filename: string): Promise<Extractor | undefined> {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  const extension = extname(filename).slice(1).toLowerCase();
  const type =
    ALLOWED_TYPES.find((candidate) => candidate.contentType === base) ??
    ALLOWED_TYPES.find((candidate) => candidate.extensions.includes(extension));
  const load = type ? EXTRACTORS[type.id] : undefined;
  return load?.();
}
