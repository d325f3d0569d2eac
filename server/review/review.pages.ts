import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { returnSchema, withdrawSchema } from '../documents/documents.schema';
import { documentPageRenderer, renderConfirmation } from '../documents/documents.pages';
import { firstString, isFormError, withoutArraySuffix, withoutEmptyStrings } from '../http/form';
import type { PortalDocument } from '../documents/document';
import type { ReviewAction } from './review.service';
import { localPath } from '../http/local-path';
import { bulkFormProblem, bulkOutcomeOf, readBulkForm, takeBulkOutcome, type BulkOutcome } from './bulk-outcome';

const queueQuerySchema = z.object({ city: z.string().max(64).optional(), kind: z.string().max(64).optional() });

/** What the desk does to many submitted documents at once. */
const DESK_ACTIONS = ['publish', 'return', 'withdraw'] as const satisfies readonly ReviewAction[];

const RECENTLY_RETURNED = 10;

/** The secretariat's review queue, and the workflow buttons of the document page. */
export function reviewPages(services: Services): Router {
  const { documents, review } = services;
  const renderDocument = documentPageRenderer(services);
  const router = Router();

  router.get('/review', requirePageUser, requireRole('secretariat'), (req, res) => {
    const query = req.query as Record<string, unknown>;
    renderDesk(req, res, query, { selectAll: query.select === 'all', outcome: takeBulkOutcome(req) });
  });

  /**
   * Publish, return (one note) or withdraw (one reason) the documents ticked on the desk: each through the same
   * `apply` in its own transaction (ReviewService.applyMany), then back to the desk with each one's result.
   * A form that cannot be run shows the desk again with the ticks and the note as they were (400).
   */
  router.post('/review/bulk', requirePageUser, requireRole('secretariat'), verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const body = { ...(req.body as Record<string, unknown> | undefined) };
    const named = localPath(body._back, '/review');
    const back = named === '/review' || named.startsWith('/review?') ? named : '/review';
    const form = readBulkForm(body);
    const problem = bulkFormProblem(res.locals.t, form, DESK_ACTIONS, ['return', 'withdraw']);
    if (problem) {
      renderDesk(req, res, queryOf(back), { status: 400, problem, selected: form.ids, comment: form.comment });
      return;
    }
    const action = form.action as (typeof DESK_ACTIONS)[number];
    const results = await review.applyMany(user, form.ids, action, action === 'publish' ? undefined : form.comment);
    req.session.bulkOutcome = bulkOutcomeOf(documents, user, action, results);
    res.redirect(303, back);
  });

  for (const action of ['submit', 'publish', 'restore'] as const satisfies ReviewAction[]) {
    router.post(`/documents/:id/${action}`, requirePageUser, verifyCsrf, async (req, res) => {
      const user = currentUser(req);
      const id = req.params.id as string;
      const revision = review.decidesRevision(review.authorize(user, id, action), action);
      await review.apply(user, id, action);
      req.session.flash = res.locals.t(revision ? 'documents.revision.flashPublished' : `review.flash.${action}`);
      res.redirect(303, `/documents/${id}`);
    });
  }

  // Withdrawing asks first, with a reason that goes into the document's history.
  router.get('/documents/:id/withdraw', requirePageUser, (req, res) => {
    const doc = review.assertCanApply(currentUser(req), req.params.id as string, 'withdraw');
    renderWithdrawal(res, doc, '');
  });

  router.post('/documents/:id/withdraw', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const doc = review.assertCanApply(user, id, 'withdraw');
    const typed = firstString((req.body as Record<string, unknown> | undefined)?.reason);
    let reason: string | undefined;
    try {
      ({ reason } = parseInput(withdrawSchema, { reason: typed }));
    } catch (error) {
      if (!isFormError(error)) throw error;
    }
    if (!reason) {
      renderWithdrawal(res, doc, typed, 400, res.locals.t('documents.withdrawal.reasonRequired'));
      return;
    }
    await review.apply(user, id, 'withdraw', reason);
    req.session.flash = res.locals.t('review.flash.withdraw');
    res.redirect(303, `/documents/${id}`);
  });

  router.post('/documents/:id/return', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const doc = review.authorize(user, id, 'return');
    let comment: string;
    try {
      ({ comment } = parseInput(returnSchema, withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) })));
    } catch (error) {
      if (!isFormError(error)) throw error;
      await renderDocument(req, res, doc, 400, { return: res.locals.t('review.returnCommentRequired') });
      return;
    }
    const revision = review.decidesRevision(doc, 'return');
    await review.apply(user, id, 'return', comment);
    req.session.flash = res.locals.t(revision ? 'documents.revision.flashReturned' : 'review.flash.return');
    res.redirect(303, `/documents/${id}`);
  });

  return router;

  function renderDesk(req: Request, res: Response, query: Record<string, unknown>, bulk: DeskBulkState): void {
    const user = currentUser(req);
    const filter = parseInput(queueQuerySchema, withoutEmptyStrings(query));
    const queue = allWithStatus('submitted', filter.city)
      .filter((doc) => !filter.kind || doc.kind === filter.kind)
      // A submitted document takes no new version or edit by its city, so its last change is its submission.
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    const returned = documents.list(user, { status: 'returned', page: 1, perPage: RECENTLY_RETURNED }).documents;
    const revisions = review.revisionQueue(user, filter.city).filter((doc) => !filter.kind || doc.kind === filter.kind);
    res.status(bulk.status ?? 200).render('review', {
      title: res.locals.t('review.title'),
      filter,
      queue,
      returned,
      revisions,
      lessonQueue: services.lessons.waitingForReview(user),
      bulkOutcome: bulk.outcome ?? null,
      bulk: { problem: bulk.problem ?? null, selected: bulk.selected ?? [], comment: bulk.comment ?? '', selectAll: bulk.selectAll ?? false },
      back: deskHref(filter),
      selectAllHref: deskHref(filter, { select: 'all' }),
      scripts: ['/static/js/select-all.js'],
    });

    function allWithStatus(status: 'submitted', city: string | undefined): PortalDocument[] {
      const { total } = documents.list(user, { status, city, page: 1, perPage: 1 });
      return total === 0 ? [] : documents.list(user, { status, city, page: 1, perPage: total }).documents;
    }
  }

  function renderWithdrawal(res: Response, doc: PortalDocument, reason: string, status = 200, error?: string): void {
    const { t } = res.locals;
    renderConfirmation(res, doc, {
      action: 'withdraw',
      heading: t('documents.withdrawal.title'),
      question: t('documents.withdrawal.question', { title: doc.title }),
      paragraphs: [t('documents.withdrawal.explain')],
      reasonLabel: t('documents.withdrawal.reason'),
      reasonHint: t('documents.withdrawal.reasonHint'),
      reasonRequired: true,
      confirm: t('documents.withdrawal.confirm'),
    }, reason, status, error);
  }
}

/** What the desk shows of a bulk action: the results of the last one, or a form that could not be run, as it was. */
interface DeskBulkState {
  status?: number;
  outcome?: BulkOutcome | null;
  problem?: string;
  selected?: string[];
  comment?: string;
  selectAll?: boolean;
}

/** The desk with its filters (and anything else asked for). */
function deskHref(filter: z.infer<typeof queueQuerySchema>, more: Record<string, string> = {}): string {
  const params = new URLSearchParams(Object.entries({ ...filter, ...more }).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  const query = params.toString();
  return query ? `/review?${query}` : '/review';
}

/** The query of a local URL (the desk's filters the bulk form came from). */
function queryOf(path: string): Record<string, unknown> {
  return Object.fromEntries(new URL(path, 'http://portal').searchParams);
}
