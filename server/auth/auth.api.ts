import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';

const credentialsSchema = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();

/**
 * `POST /api/v1/tokens`: credentials in, a bearer token out; failures are throttled per username and address.
 * A user with a temporary password still gets a token (`mustChangePassword: true`), good only for `POST /me/password`.
 */
export function tokensApi({ users, tokens, throttle }: Services): Router {
  const router = Router();
  router.post('/tokens', async (req, res) => {
    const { username, password } = parseInput(credentialsSchema, req.body ?? {});
    const address = req.ip ?? 'unknown';
    throttle.check(username, address);
    const user = await users.authenticate(username, password);
    if (!user) {
      throttle.recordFailure(username, address);
      throw new AppError(401, 'invalid_credentials', 'wrong username or password');
    }
    throttle.recordSuccess(username);
    res.status(201).json({ ...tokens.issue(user), mustChangePassword: users.mustChangePassword(user.id) });
  });
  return router;
}
