import type { User } from '../auth/roles';
import { canManage, visibleVersions } from './access.policy';
import { pendingRevision, type DocumentVersion, type PortalDocument } from './document';

/**
 * The API form of a document (API.md): storage keys never leave the server; review notes, sharing and revisions
 * under review only reach those who manage it (anyone else never learns a revision exists).
 */
export function presentDocument(doc: PortalDocument, viewer: User) {
  const managing = canManage(viewer, doc);
  const pending = managing ? pendingRevision(doc) : undefined;
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
    ...(pending ? { pendingVersion: pending.number } : {}),
    versions: visibleVersions(viewer, doc).map(presentVersion),
    indexing: doc.indexing.state === 'failed' ? { state: doc.indexing.state, reason: doc.indexing.reason } : { state: doc.indexing.state },
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function presentVersion(v: DocumentVersion) {
  return {
    number: v.number,
    filename: v.filename,
    size: v.size,
    sha256: v.sha256,
    contentType: v.contentType,
    createdAt: v.createdAt,
    ...(v.revision === 'pending' ? { pending: true } : {}),
    ...(v.revision === 'returned' ? { returned: true, reviewComment: v.reviewComment } : {}),
  };
}
