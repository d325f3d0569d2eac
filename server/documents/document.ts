export const DOCUMENT_STATUSES = ['draft', 'submitted', 'published', 'returned', 'withdrawn'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const ACCESS_LEVELS = ['portal', 'restricted'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type IndexingState = 'queued' | 'running' | 'done' | 'failed';

export interface DocumentVersion {
  number: number;
  filename: string;
  size: number;
  sha256: string;
  contentType: string;
  store: 'fs' | 'minio';
  objectKey: string;
  createdAt: string;
  createdBy: string | null;
}

export interface PortalDocument {
  id: string;
  city: string;
  title: string;
  summary: string;
  kind: string;
  hazards: string[];
  year: number;
  keywords: string[];
  /** `meeting/number`, e.g. `9/2`. */
  resolutions: string[];
  access: AccessLevel;
  status: DocumentStatus;
  reviewComment: string | null;
  sharedWith: string[];
  versions: DocumentVersion[];
  indexing: { state: IndexingState; reason: string | null };
  createdBy: number;
  createdAt: string;
  updatedAt: string;
}

/** The version readers get: what the page, a plain download, search and packages serve. */
export function currentVersion(doc: Pick<PortalDocument, 'versions'>): DocumentVersion | undefined {
  return doc.versions.at(-1);
}

/** What an upload hands to the documents service once the bytes are safely stored. */
export interface StoredFile {
  filename: string;
  size: number;
  sha256: string;
  contentType: string;
  store: 'fs' | 'minio';
  objectKey: string;
}
