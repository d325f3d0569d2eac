import type { IndexedDocument } from '../../search/search-index';
import { currentVersion, type PortalDocument } from '../documents/document';
import { fileTypeOf } from '../documents/file-type';

/** The search index's view of a document: its metadata, who may see it, the extracted pages, and the names of its tags. */
export function toIndexedDocument(doc: PortalDocument, pages: { page: number; text: string }[], labels: string[]): IndexedDocument {
  return {
    id: doc.id,
    title: doc.title,
    summary: doc.summary,
    keywords: doc.keywords,
    city: doc.city,
    kind: doc.kind,
    hazards: doc.hazards,
    year: doc.year,
    resolutions: doc.resolutions,
    fileType: fileTypeOf(currentVersion(doc)?.contentType ?? ''),
    status: doc.status,
    access: doc.access,
    sharedWith: doc.sharedWith,
    updatedAt: doc.updatedAt,
    pages,
    labels,
  };
}

