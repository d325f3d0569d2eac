import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { AppError, ConflictError, ForbiddenError } from '../http/errors';
import { canReview } from '../documents/access.policy';
import type { DocumentStatus, PortalDocument } from '../documents/document';
import type { DocumentsRepository } from '../documents/documents.repository';
import type { DocumentsService } from '../documents/documents.service';
import type { JobsQueue } from '../jobs/jobs.queue';
import type { DocumentChangeListener } from '../documents/document-changes';
import type { NotificationInput, NotificationsService, NotificationText } from '../notifications/notifications.service';

export type ReviewAction = 'submit' | 'publish' | 'return' | 'withdraw';

/** One id's answer in a bulk action: the new status, or the refusal its own call would have met. */
export type BulkResult = { id: string; status: DocumentStatus } | { id: string; error: { status: number; code: string; message: string } };

/** The review workflow: which action moves which status where, and who may take it. */
const TRANSITIONS: Record<ReviewAction, { from: readonly DocumentStatus[]; to: DocumentStatus; by: 'manager' | 'reviewer' }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: 'manager' },
  publish: { from: ['submitted', 'withdrawn'], to: 'published', by: 'reviewer' },
  return: { from: ['submitted'], to: 'returned', by: 'reviewer' },
  withdraw: { from: ['draft', 'submitted', 'published', 'returned'], to: 'withdrawn', by: 'manager' },
};

const PAST_TENSE: Record<ReviewAction, string> = { submit: 'submitted', publish: 'published', return: 'returned', withdraw: 'withdrawn' };

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

  /** 404 if the actor cannot see the document, 403 if they may not take the action, 409 if the status does not allow it. */
  async apply(actor: User, id: string, action: ReviewAction, comment?: string): Promise<PortalDocument> {
    const transition = TRANSITIONS[action];
    this.db.transaction(() => {
      const doc = this.authorize(actor, id, action);
      if (!transition.from.includes(doc.status)) {
        throw new ConflictError(`a ${doc.status} document cannot be ${PAST_TENSE[action]}`, 'invalid_transition');
      }
      const reviewComment = action === 'return' ? (comment ?? null) : action === 'submit' ? null : doc.reviewComment;
      this.repository.setStatus(id, transition.to, reviewComment, nowIso());
      this.jobs.enqueue('index', id);
      this.audit.record(actor, `document.${PAST_TENSE[action]}`, {
        documentId: id,
        details: { from: doc.status, to: transition.to, ...(comment ? { comment } : {}) },
      });
      const notice = noticeOf(actor, action, doc, comment, () => this.otherReviewers(actor));
      if (notice) this.notifications.notify(notice);
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
      return permitted && t.from.includes(doc.status);
    });
  }
}

const COMMENT_IN_TITLE = 300;

/** Who hears of a step: the uploading city of a return, a publication or a withdrawal it did not make; the secretariat of a submission. */
function noticeOf(
  actor: User,
  action: ReviewAction,
  doc: PortalDocument,
  comment: string | undefined,
  reviewers: () => number[],
): NotificationInput | null {
  const link = `/documents/${doc.id}`;
  const title = doc.title;
  switch (action) {
    case 'return': {
      const note = comment && comment.length > COMMENT_IN_TITLE ? `${comment.slice(0, COMMENT_IN_TITLE)}…` : comment;
      const message: NotificationText = note ? { key: 'documentReturnedWithNote', params: { title, note } } : { key: 'documentReturned', params: { title } };
      return { to: { cities: [doc.city] }, kind: 'document.returned', message, link };
    }
    case 'publish':
      return { to: { cities: [doc.city] }, kind: 'document.published', message: { key: 'documentPublished', params: { title } }, link };
    case 'withdraw':
      if (actor.role === 'city' && actor.city === doc.city) return null;
      return { to: { cities: [doc.city] }, kind: 'document.withdrawn', message: { key: 'documentWithdrawn', params: { title } }, link };
    case 'submit':
      return { to: { userIds: reviewers() }, kind: 'document.submitted', message: { key: 'documentSubmitted', params: { title } }, link };
  }
}
