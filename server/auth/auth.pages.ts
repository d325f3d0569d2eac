import { Router } from 'express';
import type { Services } from '../services';
import { verifyCsrf } from './csrf';
import { TooManyRequestsError } from '../http/errors';
import { localPath } from '../http/local-path';

/** Sign-in and sign-out pages. Signing in regenerates the session id (passport 0.7's `req.login`). */
export function authPages({ users, throttle }: Services): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    res.render('login', { title: res.locals.t('auth.title'), error: null, username: '' });
  });

  router.post('/login', verifyCsrf, async (req, res, next) => {
    const username = typeof req.body?.username === 'string' ? req.body.username : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const address = req.ip ?? 'unknown';
    try {
      throttle.check(username, address);
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      res.set('Retry-After', String(error.retryAfterSeconds));
      return res.status(429).render('login', { title: res.locals.t('auth.title'), error: res.locals.t('errors.too_many_requests'), username });
    }
    const user = username && password ? await users.authenticate(username, password) : null;
    if (!user) {
      throttle.recordFailure(username, address);
      return res.status(401).render('login', { title: res.locals.t('auth.title'), error: res.locals.t('errors.invalid_credentials'), username });
    }
    throttle.recordSuccess(username);
    const returnTo = localPath(req.session.returnTo);
    req.login(user, (error) => {
      if (error) return next(error);
      if (!users.mustChangePassword(user.id)) return res.redirect(303, returnTo);
      // A temporary password: the new one first, then where they were going.
      req.session.returnTo = returnTo;
      res.redirect(303, '/me/password');
    });
  });

  router.post('/logout', verifyCsrf, (req, res, next) => {
    req.logout((error) => {
      if (error) return next(error);
      req.session.destroy(() => {
        res.clearCookie('tajrobe.sid');
        res.redirect(303, '/login');
      });
    });
  });

  return router;
}
