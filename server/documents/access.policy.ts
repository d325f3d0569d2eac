import type { User } from '../auth/roles';
import type { AuditEntry } from '../audit/audit.log';
import type { DocumentVersion, PortalDocument } from './document';

/**
 * Who sees and who changes a document. Every route, page and (later) the search index and
 * packages ask these same rules; `visibleDocumentsSql` is the same rule as a WHERE clause.
 */
export function canView(user: User, doc: Pick<PortalDocument, 'city' | 'status' | 'access' | 'sharedWith'>): boolean {
  if (user.role === 'secretariat') return true;
  if (user.role === 'city' && user.city === doc.city) return true;
  if (doc.status !== 'published') return false;
  if (doc.access === 'portal') return true;
  return user.role === 'city' && user.city !== null && doc.sharedWith.includes(user.city);
}

/** The owner city and the secretariat manage a document: metadata, versions, sharing, submission, withdrawal. */
export function canManage(user: User, doc: Pick<PortalDocument, 'city'>): boolean {
  return user.role === 'secretariat' || (user.role === 'city' && user.city === doc.city);
}

/**
 * Who may correct a document's details now: the owner city while it is a draft or returned (what it
 * submitted is the secretariat's to judge), the secretariat in any state.
 */
export function canEdit(user: User, doc: Pick<PortalDocument, 'city' | 'status'>): boolean {
  if (user.role === 'secretariat') return true;
  return canManage(user, doc) && (doc.status === 'draft' || doc.status === 'returned');
}

/**
 * The versions `user` may see and download: every one for those who manage the document (revisions under review
 * included), only the published line for everyone else, who never learn that a revision exists.
 */
export function visibleVersions(user: User, doc: Pick<PortalDocument, 'city' | 'versions'>): DocumentVersion[] {
  return canManage(user, doc) ? doc.versions : doc.versions.filter((v) => v.revision === null);
}

/** The owner city may delete only what was never published; the secretariat deletes anything (with a reason). */
export function canDelete(user: User, doc: Pick<PortalDocument, 'city' | 'firstPublishedAt'>): boolean {
  if (user.role === 'secretariat') return true;
  return canManage(user, doc) && doc.firstPublishedAt === null;
}

/** Events of a document's history that tell of a revision under review: only its managers read them. */
const REVISION_EVENTS = new Set(['document.revision_added', 'document.revision_returned']);

/** The history of `doc` as `user` may read it: without the events of revisions they may not see. */
export function historyVisibleTo(user: User, doc: Pick<PortalDocument, 'city'>, history: AuditEntry[]): AuditEntry[] {
  return canManage(user, doc) ? history : history.filter((entry) => !REVISION_EVENTS.has(entry.action));
}

export function canReview(user: User): boolean {
  return user.role === 'secretariat';
}

export function canUpload(user: User): boolean {
  return user.role === 'secretariat' || user.role === 'city';
}

/** The `canView` rule for a `documents` row aliased `d`, with its named parameters. */
export function visibleDocumentsSql(user: User): { sql: string; params: Record<string, string> } {
  if (user.role === 'secretariat') return { sql: '1 = 1', params: {} };
  if (user.role === 'city' && user.city) {
    return {
      sql: `(d.city_id = @viewerCity OR (d.status = 'published' AND (d.access = 'portal'
              OR EXISTS (SELECT 1 FROM document_shares s WHERE s.document_id = d.id AND s.city_id = @viewerCity))))`,
      params: { viewerCity: user.city },
    };
  }
  return { sql: `(d.status = 'published' AND d.access = 'portal')`, params: {} };
}

/** The `visibleVersions` rule for a `document_versions` row aliased `v` of a document aliased `d` (with `visibleDocumentsSql`'s parameters). */
export function visibleVersionsSql(user: User): string {
  if (user.role === 'secretariat') return '1 = 1';
  if (user.role === 'city' && user.city) return '(v.revision IS NULL OR d.city_id = @viewerCity)';
  return 'v.revision IS NULL';
}
