import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { returnSchema } from '../documents/documents.schema';
import { documentPageRenderer } from '../documents/documents.pages';
import { isFormError, withoutArraySuffix, withoutEmptyStrings } from '../http/form';
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

  for (const action of ['submit', 'publish', 'withdraw'] as const satisfies ReviewAction[]) {
    router.post(`/documents/:id/${action}`, requirePageUser, verifyCsrf, async (req, res) => {
      const id = req.params.id as string;
      await review.apply(currentUser(req), id, action);
      req.session.flash = res.locals.t(`review.flash.${action}`);
      res.redirect(303, `/documents/${id}`);
    });
  }

  router.post('/documents/:id/return', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const doc = review.authorize(user, id, 'return');
    let comment: string;
    try {
      ({ comment } = parseInput(returnSchema, withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) })));
    } catch (error) {
      if (!isFormError(error)) throw error;
      renderDocument(req, res, doc, 400, { return: res.locals.t('review.returnCommentRequired') });
      return;
    }
    await review.apply(user, id, 'return', comment);
    req.session.flash = res.locals.t('review.flash.return');
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
    res.status(bulk.status ?? 200).render('review', {
      title: res.locals.t('review.title'),
      filter,
      queue,
      returned,
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
