import { Router } from 'express';
import type { Services } from '../services';

/** Cities and vocabulary; the resolutions register lives in `server/resolutions/`. */
export function referenceApi({ reference }: Services): Router {
  const router = Router();
  router.get('/cities', (_req, res) => {
    res.json(reference.cities().map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn, newMetropolis: c.newMetropolis })));
  });
  router.get('/vocabulary', (_req, res) => {
    res.json(reference.vocabulary());
  });
  return router;
}
