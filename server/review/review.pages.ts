import { Router } from 'express';
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

const queueQuerySchema = z.object({ city: z.string().max(64).optional(), kind: z.string().max(64).optional() });

const RECENTLY_RETURNED = 10;

/** The secretariat's review queue, and the workflow buttons of the document page. */
export function reviewPages(services: Services): Router {
  const { documents, review } = services;
  const renderDocument = documentPageRenderer(services);
  const router = Router();

  router.get('/review', requirePageUser, requireRole('secretariat'), (req, res) => {
    const user = currentUser(req);
    const filter = parseInput(queueQuerySchema, withoutEmptyStrings(req.query as Record<string, unknown>));
    const queue = allWithStatus('submitted', filter.city)
      .filter((doc) => !filter.kind || doc.kind === filter.kind)
      // A submitted document takes no new version or edit, so its last change is its submission.
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    const returned = documents.list(user, { status: 'returned', page: 1, perPage: RECENTLY_RETURNED }).documents;
    res.render('review', { title: res.locals.t('review.title'), filter, queue, returned });

    function allWithStatus(status: 'submitted', city: string | undefined): PortalDocument[] {
      const { total } = documents.list(user, { status, city, page: 1, perPage: 1 });
      return total === 0 ? [] : documents.list(user, { status, city, page: 1, perPage: total }).documents;
    }
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
      await renderDocument(req, res, doc, 400, { return: res.locals.t('review.returnCommentRequired') });
      return;
    }
    await review.apply(user, id, 'return', comment);
    req.session.flash = res.locals.t('review.flash.return');
    res.redirect(303, `/documents/${id}`);
  });

  return router;
}
