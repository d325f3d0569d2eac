import type { User } from '../auth/roles';
import type { PortalDocument } from './document';

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
