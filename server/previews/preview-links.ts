import type { DocumentVersion } from '../documents/document';
import { previewSourceOf, versionTag } from './preview-keys';

type Version = Pick<DocumentVersion, 'number' | 'sha256' | 'contentType'>;

/** Where the reader asks to open: a page, the query whose words it marks, and a version other than the current one. */
export interface ReaderTarget {
  page?: number | null;
  q?: string | null;
  version?: number | null;
}

/**
 * The URLs of a version's previews. Image URLs name the version and its bytes (SHA-256), so they never change
 * meaning and are cached for a year; pages (session) and the API (bearer token) serve the same images.
 */
export function previewLinks(base: '' | '/api/v1' = '') {
  const images = (documentId: string, version: Version) => `${base}/documents/${documentId}/previews/${version.number}/${versionTag(version)}`;
  return {
    /** Whether the version's format can be previewed (PDF, JPEG, PNG, TIFF). */
    has: (version: Version | undefined | null): version is Version => Boolean(version && previewSourceOf(version.contentType)),
    thumbnail: (documentId: string, version: Version) => `${images(documentId, version)}/thumbnail.png`,
    page: (documentId: string, version: Version, page: number) => `${images(documentId, version)}/page-${page}.png`,
    reader: (documentId: string, target: ReaderTarget = {}) => {
      const params = new URLSearchParams();
      if (target.page && target.page > 1) params.set('page', String(target.page));
      if (target.q) params.set('q', target.q);
      if (target.version) params.set('version', String(target.version));
      const query = params.toString();
      return `/documents/${documentId}/read${query ? `?${query}` : ''}`;
    },
  };
}

export type PreviewLinks = ReturnType<typeof previewLinks>;
