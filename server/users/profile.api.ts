import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { passwordChangeSchema, preferencesUpdateSchema, profileUpdateSchema } from './users.schema';
import { changeOwnPassword } from './password-change';

/** The caller's own account: `GET`/`PATCH /me` (the directory's fields) and `POST /me/password`. */
export function profileApi(services: Services): Router {
  const { users } = services;
  const router = Router();

  router.get('/me', (req, res) => {
    res.json(users.person(currentUser(req).id));
  });

  router.patch('/me', (req, res) => {
    const input = parseInput(profileUpdateSchema, req.body ?? {});
    res.json(users.updateProfile(currentUser(req), input));
  });

  router.get('/me/preferences', (req, res) => {
    res.json(users.preferences(currentUser(req).id));
  });

  router.patch('/me/preferences', (req, res) => {
    res.json(users.updatePreferences(currentUser(req), parseInput(preferencesUpdateSchema, req.body ?? {})));
  });

  /** The calling token stays valid; every other token and every page session of the caller ends. */
  router.post('/me/password', async (req, res) => {
    const passwords = parseInput(passwordChangeSchema, req.body ?? {});
    await changeOwnPassword(services, currentUser(req), req.ip ?? 'unknown', passwords, req.authInfo?.tokenId ?? null);
    res.status(204).end();
  });

  return router;
}
