import type { DocumentVersion, PortalDocument } from '../documents/document';

export const PACKAGE_STATUSES = ['draft', 'published'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** Who a published package is addressed to; "new metropolises" follows the cities' flag at the time of reading. */
export type Audience = { kind: 'all' } | { kind: 'cities'; cities: string[] } | { kind: 'new-metropolises' };

export interface PackageItem {
  position: number;
  documentId: string;
  note: string;
}

export interface PortalPackage {
  id: string;
  title: string;
  note: string;
  status: PackageStatus;
  audience: Audience;
  items: PackageItem[];
  /** Linked resolutions as `meeting/number`, in register order. */
  resolutions: string[];
  downloads: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** An item as one reader receives it: the document as it is now and the version that goes into the ZIP. */
export interface DeliveredItem {
  position: number;
  note: string;
  document: PortalDocument;
  version: DocumentVersion;
}
