import { Router } from 'express';
import type { Services } from '../services';

/** The vocabulary; cities are `server/cities/`, the resolutions register `server/resolutions/`. */
export function referenceApi({ reference }: Services): Router {
  const router = Router();
  router.get('/vocabulary', (_req, res) => {
    res.json(reference.vocabulary());
  });
  return router;
}
