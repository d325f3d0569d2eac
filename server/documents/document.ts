export const DOCUMENT_STATUSES = ['draft', 'submitted', 'published', 'returned', 'withdrawn'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const ACCESS_LEVELS = ['portal', 'restricted'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type IndexingState = 'queued' | 'running' | 'done' | 'failed';
/** A version of a published document under review: waiting for the secretariat, or sent back with a comment. */
export type RevisionState = 'pending' | 'returned';

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
  /** null for a version readers may get; a revision only its document's managers see. */
  revision: RevisionState | null;
  /** The secretariat's comment on a returned revision. */
  reviewComment: string | null;
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
  /** When it was first published (kept through withdrawal); null for a document never published. */
  firstPublishedAt: string | null;
  /** What a restore brings back, while the document is withdrawn. */
  statusBeforeWithdrawal: DocumentStatus | null;
}

/** The version readers get: what the page, a plain download, search and packages serve (never a revision under review). */
export function currentVersion(doc: Pick<PortalDocument, 'versions'>): DocumentVersion | undefined {
  return doc.versions.findLast((v) => v.revision === null);
}

/** The revision of a published document waiting for the secretariat, if there is one (at most one at a time). */
export function pendingRevision(doc: Pick<PortalDocument, 'versions'>): DocumentVersion | undefined {
  return doc.versions.find((v) => v.revision === 'pending');
}

/** The newest revision, pending or returned, if it is newer than the current version. */
export function latestRevision(doc: Pick<PortalDocument, 'versions'>): DocumentVersion | undefined {
  const newest = doc.versions.at(-1);
  return newest?.revision ? newest : undefined;
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
