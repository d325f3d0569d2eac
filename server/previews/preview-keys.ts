import type { DocumentVersion } from '../documents/document';

/**
 * A version's previews live in the store that holds the version, under a prefix derived from its object key, so
 * they go with it (`deletePrefix`) and a new version — a published revision — has its own.
 */
export function previewPrefix(version: Pick<DocumentVersion, 'objectKey'>): string {
  return `previews/${version.objectKey}`;
}

export interface PreviewKeys {
  /** What is known of the file: its page count, or why it has no preview (JSON). */
  info: string;
  /** Page 1, small (PNG). */
  thumbnail: string;
  /** A PDF made of an image file, which the pages are drawn from. */
  rendition: string;
  /** Page n, large (PNG). */
  page(n: number): string;
  /** Page n's size and the place of each of its words (JSON). */
  layout(n: number): string;
}

export function previewKeys(version: Pick<DocumentVersion, 'objectKey'>): PreviewKeys {
  const prefix = previewPrefix(version);
  return {
    info: `${prefix}/info`,
    thumbnail: `${prefix}/thumbnail`,
    rendition: `${prefix}/rendition`,
    page: (n) => `${prefix}/page-${n}`,
    layout: (n) => `${prefix}/layout-${n}`,
  };
}

/** How a file's pages are drawn: a PDF directly, an image through a PDF made of it. Other formats have no preview. */
export type PreviewSource = 'pdf' | 'image';

const SOURCES: Record<string, PreviewSource> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/tiff': 'image',
};

/**
 * Word, Excel, PowerPoint and OpenDocument files would need a converter to PDF (LibreOffice), which the portal does
 * not install: they have no preview, and their pages stay in the original.
 */
export function previewSourceOf(contentType: string): PreviewSource | null {
  return SOURCES[contentType] ?? null;
}

/** The part of the immutable image URLs that names the bytes: a version's number and the start of its SHA-256. */
export function versionTag(version: Pick<DocumentVersion, 'sha256'>): string {
  return version.sha256.slice(0, 16);
}
