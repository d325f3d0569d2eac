import type { User } from '../auth/roles';
import { canManage } from './access.policy';
import type { PortalDocument } from './document';

/** The API form of a document (API.md): storage keys never leave the server; review notes and sharing only reach those who manage it. */
export function presentDocument(doc: PortalDocument, viewer: User) {
  const managing = canManage(viewer, doc);
  return {
    id: doc.id,
    title: doc.title,
    summary: doc.summary,
    city: doc.city,
    kind: doc.kind,
    hazards: doc.hazards,
    year: doc.year,
    keywords: doc.keywords,
    resolutions: doc.resolutions,
    access: doc.access,
    status: doc.status,
    ...(managing ? { sharedWith: doc.sharedWith, reviewComment: doc.reviewComment } : {}),
    versions: doc.versions.map((v) => ({
      number: v.number,
      filename: v.filename,
      size: v.size,
      sha256: v.sha256,
      contentType: v.contentType,
      createdAt: v.createdAt,
    })),
    indexing: doc.indexing.state === 'failed' ? { state: doc.indexing.state, reason: doc.indexing.reason } : { state: doc.indexing.state },
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
