import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';

export function referenceApi({ reference }: Services): Router {
  const router = Router();
  router.get('/cities', (_req, res) => {
    res.json(reference.cities().map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn, newMetropolis: c.newMetropolis })));
  });
  router.get('/vocabulary', (_req, res) => {
    res.json(reference.vocabulary());
  });
  router.get('/resolutions', (req, res) => {
    res.json(reference.resolutions(currentUser(req)));
  });
  return router;
}
