import type { Request } from 'express';
import type { User } from '../auth/roles';
import { firstString, formStrings } from '../http/form';
import { NotFoundError } from '../http/errors';
import type { Translate } from '../i18n/index';
import { currentVersion, type DocumentStatus, type DocumentVersion } from '../documents/document';
import type { DocumentsService } from '../documents/documents.service';
import type { BulkResult, ReviewAction } from './review.service';
import { BULK_LIMIT } from './review.schema';

/**
 * The pages' side of bulk actions (the review desk, "my documents", "submit all" after an upload): reading the
 * form, explaining a form that cannot be run, and the list of what happened to each document, kept in the
 * session for the page the browser is sent back to.
 */

/** One document's line in the result list: what it is (if the actor may still see it) and what happened. */
export interface BulkOutcomeEntry {
  id: string;
  title: string | null;
  version: Pick<DocumentVersion, 'filename' | 'contentType' | 'size'> | null;
  /** The new status when the action was taken. */
  status?: DocumentStatus;
  /** The refusal (its code), and the status that caused a 409. */
  error?: { code: string; now: DocumentStatus | null };
}

export interface BulkOutcome {
  action: ReviewAction;
  entries: BulkOutcomeEntry[];
}

declare module 'express-session' {
  interface SessionData {
    bulkOutcome?: BulkOutcome;
  }
}

export interface BulkForm {
  action: string;
  ids: string[];
  comment: string;
}

export function readBulkForm(body: Record<string, unknown>): BulkForm {
  return { action: firstString(body.action), ids: [...new Set(formStrings(body.ids))], comment: firstString(body.comment).trim() };
}

/**
 * Why the form cannot be run, in the reader's language, or null. `reasonFor` lists the actions whose comment
 * the page requires (a return's note; on the desk, a withdrawal's reason).
 */
export function bulkFormProblem(t: Translate, form: BulkForm, allowed: readonly ReviewAction[], reasonFor: readonly ReviewAction[]): string | null {
  if (!(allowed as readonly string[]).includes(form.action)) return t('review.bulk.unknownAction');
  if (form.ids.length === 0) return t('review.bulk.noneSelected');
  if (form.ids.length > BULK_LIMIT) return t('review.bulk.tooMany', { max: BULK_LIMIT });
  if (form.comment.length > 5000) return t('review.bulk.commentTooLong');
  if (reasonFor.includes(form.action as ReviewAction) && !form.comment) {
    return form.action === 'return' ? t('review.bulk.commentRequired') : t('review.bulk.reasonRequired');
  }
  return null;
}

/** The results as the actor may read them: a refused id they cannot see stays an id, nothing more. */
export function bulkOutcomeOf(documents: DocumentsService, actor: User, action: ReviewAction, results: readonly BulkResult[]): BulkOutcome {
  const entries = results.map((result): BulkOutcomeEntry => {
    const seen = visible(documents, actor, result.id);
    const version = seen ? currentVersion(seen) : undefined;
    const about = {
      id: result.id,
      title: seen?.title ?? null,
      version: version ? { filename: version.filename, contentType: version.contentType, size: version.size } : null,
    };
    if ('status' in result) return { ...about, status: result.status };
    return { ...about, error: { code: result.error.code, now: seen?.status ?? null } };
  });
  return { action, entries };
}

/** The outcome waiting for this page, once: a reload shows the page without it. */
export function takeBulkOutcome(req: Request): BulkOutcome | null {
  const outcome = req.session.bulkOutcome ?? null;
  delete req.session.bulkOutcome;
  return outcome;
}

function visible(documents: DocumentsService, actor: User, id: string) {
  try {
    return documents.getVisible(actor, id);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
