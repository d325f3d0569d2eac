import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { createUserSchema, temporaryPasswordSchema } from './users.schema';

export function usersApi({ users }: Services): Router {
  const router = Router();
  router.use('/users', requireRole('secretariat'));
  router.get('/users', (_req, res) => {
    res.json(users.list());
  });
  router.post('/users', async (req, res) => {
    const input = parseInput(createUserSchema, req.body ?? {});
    res.status(201).json(await users.create(input, currentUser(req)));
  });
  router.post('/users/:id/disable', (req, res) => {
    const { id } = parseInput(z.object({ id: z.coerce.number().int().positive() }), req.params);
    users.setDisabled(id, true, currentUser(req));
    res.status(204).end();
  });
  router.post('/users/:id/enable', (req, res) => {
    const { id } = parseInput(z.object({ id: z.coerce.number().int().positive() }), req.params);
    users.setDisabled(id, false, currentUser(req));
    res.status(204).end();
  });
  /** A temporary password: the user's sessions and tokens end, and they must choose a new one before anything else. */
  router.post('/users/:id/password', async (req, res) => {
    const { id } = parseInput(z.object({ id: z.coerce.number().int().positive() }), req.params);
    const { password } = parseInput(temporaryPasswordSchema, req.body ?? {});
    await users.setTemporaryPassword(currentUser(req), id, password);
    res.status(204).end();
  });
  return router;
}
