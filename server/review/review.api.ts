import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { presentDocument } from '../documents/documents.presenter';
import { returnSchema, withdrawSchema } from '../documents/documents.schema';
import type { ReviewAction } from './review.service';
import { bulkSchema } from './review.schema';

/** The workflow steps of API.md: submit, publish, return with a comment, withdraw with an optional reason, restore; and any of the first four for many documents at once. */
export function reviewApi({ review }: Services): Router {
  const router = Router();

  // Before any /documents/:id/... route, so that `bulk` is never read as an id.
  router.post('/documents/bulk', async (req, res) => {
    const user = currentUser(req);
    const { action, ids, comment } = parseInput(bulkSchema, req.body ?? {});
    res.json({ results: await review.applyMany(user, ids, action, comment) });
  });

  for (const action of ['submit', 'publish', 'restore'] as const satisfies ReviewAction[]) {
    router.post(`/documents/:id/${action}`, async (req, res) => {
      const user = currentUser(req);
      res.json(presentDocument(await review.apply(user, req.params.id as string, action), user));
    });
  }

  router.post('/documents/:id/return', async (req, res) => {
    const user = currentUser(req);
    review.authorize(user, req.params.id, 'return');
    const { comment } = parseInput(returnSchema, req.body ?? {});
    res.json(presentDocument(await review.apply(user, req.params.id, 'return', comment), user));
  });

  router.post('/documents/:id/withdraw', async (req, res) => {
    const user = currentUser(req);
    review.authorize(user, req.params.id, 'withdraw');
    const { reason } = parseInput(withdrawSchema, req.body ?? {});
    res.json(presentDocument(await review.apply(user, req.params.id, 'withdraw', reason), user));
  });

  return router;
}
