import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { synonymGroupSchema, synonymIdSchema } from './synonyms.schema';

/** `GET /api/v1/synonyms` for everyone signed in; `POST` and `DELETE /api/v1/synonyms/:id` for the secretariat (API.md). */
export function synonymsApi({ synonyms }: Services): Router {
  const router = Router();
  router.get('/synonyms', (_req, res) => {
    res.json(synonyms.list());
  });
  router.post('/synonyms', requireRole('secretariat'), async (req, res) => {
    const input = parseInput(synonymGroupSchema, req.body ?? {});
    res.status(201).json(await synonyms.create(currentUser(req), input));
  });
  router.delete('/synonyms/:id', requireRole('secretariat'), async (req, res) => {
    const { id } = parseInput(synonymIdSchema, req.params);
    await synonyms.remove(currentUser(req), id);
    res.status(204).end();
  });
  return router;
}
