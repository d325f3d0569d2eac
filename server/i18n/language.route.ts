import express, { type Request, type Response } from 'express';
import { isLocale, LOCALE_COOKIE } from './locale';
import { NotFoundError } from '../http/errors';
import { localPath } from '../http/local-path';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * `GET /language/en?back=/search?q=…` keeps the reader's choice of language in a cookie and returns to
 * the page they were reading. A plain link, so it works without JavaScript; it changes nothing but
 * the reader's own preference, and `back` may only point inside the portal.
 */
export function languageRoute(cookieSecure: boolean): express.Router {
  const router = express.Router();
  router.get('/language/:locale', (req: Request, res: Response) => {
    const locale = req.params.locale;
    if (!isLocale(locale)) throw new NotFoundError('no such language');
    res.cookie(LOCALE_COOKIE, locale, { maxAge: ONE_YEAR_MS, sameSite: 'lax', secure: cookieSecure, httpOnly: false, path: '/' });
    res.redirect(303, localPath(req.query.back));
  });
  return router;
}
