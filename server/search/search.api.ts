import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { searchQuerySchema } from './search.service';

/**
 * `GET /api/v1/search` (API.md): hits per document with the best page, facets and totals, all within what the caller may see;
 * `GET /api/v1/documents/:id/related`: up to five documents like one the caller may see, other cities' first.
 */
export function searchApi({ search }: Services): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    const input = parseInput(searchQuerySchema, req.query);
    res.json(await search.search(currentUser(req), input));
  });
  router.get('/documents/:id/related', async (req, res) => {
    res.json({ hits: await search.related(currentUser(req), req.params.id as string) });
  });
  return router;
}
