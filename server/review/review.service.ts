import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { AppError, ConflictError, ForbiddenError } from '../http/errors';
import { canReview } from '../documents/access.policy';
import { pendingRevision, type DocumentStatus, type DocumentVersion, type PortalDocument } from '../documents/document';
import type { DocumentsRepository } from '../documents/documents.repository';
import type { DocumentsService } from '../documents/documents.service';
import type { JobsQueue } from '../jobs/jobs.queue';
import type { DocumentChangeListener } from '../documents/document-changes';
import { shortened, type NotificationInput, type NotificationsService, type NotificationText } from '../notifications/notifications.service';

export type ReviewAction = 'submit' | 'publish' | 'return' | 'withdraw' | 'restore';

/** Where `restore` leads: the status the document had when it was withdrawn. */
const BEFORE_WITHDRAWAL = 'before-withdrawal';

/** One id's answer in a bulk action: the new status, or the refusal its own call would have met. */
export type BulkResult = { id: string; status: DocumentStatus } | { id: string; error: { status: number; code: string; message: string } };

/** The review workflow: which action moves which status where, and who may take it. */
const TRANSITIONS: Record<ReviewAction, { from: readonly DocumentStatus[]; to: DocumentStatus | typeof BEFORE_WITHDRAWAL; by: 'manager' | 'reviewer' }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: 'manager' },
  publish: { from: ['submitted', 'withdrawn'], to: 'published', by: 'reviewer' },
  return: { from: ['submitted'], to: 'returned', by: 'reviewer' },
  withdraw: { from: ['draft', 'submitted', 'published', 'returned'], to: 'withdrawn', by: 'manager' },
  restore: { from: ['withdrawn'], to: BEFORE_WITHDRAWAL, by: 'reviewer' },
};

/** The actions that decide on a revision when the document is published and one waits. */
const REVISION_DECISIONS: readonly ReviewAction[] = ['publish', 'return'];

const PAST_TENSE: Record<ReviewAction, string> = { submit: 'submitted', publish: 'published', return: 'returned', withdraw: 'withdrawn', restore: 'restored' };

export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly repository: DocumentsRepository,
    private readonly audit: AuditLog,
    private readonly jobs: JobsQueue,
    private readonly notifications: NotificationsService,
    private readonly changes: DocumentChangeListener,
  ) {}

  /**
   * 404 if the actor cannot see the document, 403 if they may not take the action, 409 if the status does not allow it.
   * `note` is the comment of a return and the reason of a withdrawal. On a published document whose revision waits,
   * `publish` and `return` decide on the revision; the document stays published.
   */
  async apply(actor: User, id: string, action: ReviewAction, note?: string): Promise<PortalDocument> {
    this.db.transaction(() => {
      const doc = this.authorize(actor, id, action);
      const revision = revisionUnderDecision(doc, action);
      if (revision) this.decideRevision(actor, doc, revision, action as 'publish' | 'return', note);
      else this.move(actor, doc, action, note);
    })();
    await this.changes.documentChanged(id);
    return this.documents.getVisible(actor, id);
  }

  /**
   * The same `apply` for each id in turn, each in its own transaction: one refusal (404, 403, 409) is that id's
   * answer and stops nothing else. Ids are answered once each, in the order first named. An error that is not
   * a refusal (a broken database) is thrown, after the ids before it were done.
   */
  async applyMany(actor: User, ids: readonly string[], action: ReviewAction, comment?: string): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (const id of new Set(ids)) {
      try {
        const doc = await this.apply(actor, id, action, comment);
        results.push({ id, status: doc.status });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({ id, error: { status: error.status, code: error.code, message: error.message } });
      }
    }
    return results;
  }

  /** The document, if `actor` may take `action` on it now: 404, 403 and 409 exactly as `apply` would answer. */
  assertCanApply(actor: User, id: string, action: ReviewAction): PortalDocument {
    const doc = this.authorize(actor, id, action);
    if (!revisionUnderDecision(doc, action)) assertTransition(doc, action);
    return doc;
  }

  private move(actor: User, doc: PortalDocument, action: ReviewAction, note: string | undefined): void {
    const transition = TRANSITIONS[action];
    assertTransition(doc, action);
    const to = transition.to === BEFORE_WITHDRAWAL ? statusToRestore(doc) : transition.to;
    const reviewComment = action === 'return' ? (note ?? null) : action === 'submit' ? null : doc.reviewComment;
    this.repository.setStatus(doc.id, to, reviewComment, nowIso());
    this.jobs.enqueue('index', doc.id);
    const noted = note ? (action === 'withdraw' ? { reason: note } : action === 'return' ? { comment: note } : {}) : {};
    this.audit.record(actor, `document.${PAST_TENSE[action]}`, { documentId: doc.id, details: { from: doc.status, to, ...noted } });
    const notice = noticeOf(actor, action, doc, note, () => this.otherReviewers(actor));
    if (notice) this.notifications.notify(notice);
  }

  /** Publishing makes the revision the current version (its text is extracted anew); returning sends only the revision back. */
  private decideRevision(actor: User, doc: PortalDocument, revision: DocumentVersion, action: 'publish' | 'return', comment: string | undefined): void {
    const link = `/documents/${doc.id}`;
    const title = doc.title;
    if (action === 'publish') {
      this.repository.publishRevision(doc.id, revision.number, nowIso());
      this.jobs.enqueue('index', doc.id);
      this.jobs.enqueue('extract', doc.id);
      this.audit.record(actor, 'document.revision_published', { documentId: doc.id, details: { version: revision.number } });
      this.notifications.notify({ to: { cities: [doc.city] }, kind: 'document.revision_published', message: { key: 'revisionPublished', params: { title } }, link });
      return;
    }
    this.repository.returnRevision(doc.id, revision.number, comment ?? '');
    this.audit.record(actor, 'document.revision_returned', { documentId: doc.id, details: { version: revision.number, ...(comment ? { comment } : {}) } });
    const message: NotificationText = comment ? { key: 'revisionReturnedWithNote', params: { title, note: shortened(comment) } } : { key: 'revisionReturned', params: { title } };
    this.notifications.notify({ to: { cities: [doc.city] }, kind: 'document.revision_returned', message, link });
  }

  private otherReviewers(actor: User): number[] {
    return this.db.prepare("SELECT id FROM users WHERE role = 'secretariat' AND disabled = 0 AND id != ?").pluck().all(actor.id) as number[];
  }

  /** The document, if `actor` may take `action` on it at all: 404 when they cannot see it, 403 when they may not act. */
  authorize(actor: User, id: string, action: ReviewAction): PortalDocument {
    if (TRANSITIONS[action].by === 'manager') return this.documents.getManageable(actor, id);
    const doc = this.documents.getVisible(actor, id);
    if (!canReview(actor)) throw new ForbiddenError(`only the secretariat may ${action} a document`);
    return doc;
  }

  allowedActions(actor: User, doc: PortalDocument, canManageDoc: boolean): ReviewAction[] {
    return (Object.keys(TRANSITIONS) as ReviewAction[]).filter((action) => {
      const t = TRANSITIONS[action];
      const permitted = t.by === 'reviewer' ? canReview(actor) : canManageDoc;
      return permitted && (t.from.includes(doc.status) || revisionUnderDecision(doc, action) !== undefined);
    });
  }

  /** Whether `action` on `doc` would decide on its pending revision rather than move the document. */
  decidesRevision(doc: PortalDocument, action: ReviewAction): boolean {
    return revisionUnderDecision(doc, action) !== undefined;
  }

  /** The status `restore` would bring `doc` back to. */
  restoresTo(doc: PortalDocument): DocumentStatus {
    return statusToRestore(doc);
  }

  /** Published documents whose revision waits for the secretariat, for the review desk. */
  revisionQueue(actor: User, city?: string): PortalDocument[] {
    if (!canReview(actor)) throw new ForbiddenError('only the secretariat reviews revisions');
    return this.repository.withPendingRevision(city);
  }
}

function assertTransition(doc: PortalDocument, action: ReviewAction): void {
  if (!TRANSITIONS[action].from.includes(doc.status)) {
    throw new ConflictError(`a ${doc.status} document cannot be ${PAST_TENSE[action]}`, 'invalid_transition');
  }
}

/** The revision `action` decides on: the pending one of a published document, for publish and return. */
function revisionUnderDecision(doc: PortalDocument, action: ReviewAction): DocumentVersion | undefined {
  if (doc.status !== 'published' || !REVISION_DECISIONS.includes(action)) return undefined;
  return pendingRevision(doc);
}

/** A document withdrawn before its previous status was kept goes back to published if it ever was, else to draft. */
function statusToRestore(doc: PortalDocument): DocumentStatus {
  return doc.statusBeforeWithdrawal ?? (doc.firstPublishedAt ? 'published' : 'draft');
}

/** Who hears of a step: the uploading city of a return, a publication, a withdrawal or a restore it did not make; the secretariat of a submission. */
function noticeOf(
  actor: User,
  action: ReviewAction,
  doc: PortalDocument,
  note: string | undefined,
  reviewers: () => number[],
): NotificationInput | null {
  const link = `/documents/${doc.id}`;
  const title = doc.title;
  switch (action) {
    case 'return': {
      const message: NotificationText = note ? { key: 'documentReturnedWithNote', params: { title, note: shortened(note) } } : { key: 'documentReturned', params: { title } };
      return { to: { cities: [doc.city] }, kind: 'document.returned', message, link };
    }
    case 'publish':
      return { to: { cities: [doc.city] }, kind: 'document.published', message: { key: 'documentPublished', params: { title } }, link };
    case 'withdraw': {
      if (actor.role === 'city' && actor.city === doc.city) return null;
      const message: NotificationText = note ? { key: 'documentWithdrawnWithReason', params: { title, reason: shortened(note) } } : { key: 'documentWithdrawn', params: { title } };
      return { to: { cities: [doc.city] }, kind: 'document.withdrawn', message, link };
    }
    case 'restore':
      return { to: { cities: [doc.city] }, kind: 'document.restored', message: { key: 'documentRestored', params: { title } }, link };
    case 'submit':
      return { to: { userIds: reviewers() }, kind: 'document.submitted', message: { key: 'documentSubmitted', params: { title } }, link };
  }
}
