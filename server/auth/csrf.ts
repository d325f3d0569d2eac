import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../http/errors';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    returnTo?: string;
    flash?: string;
  }
}

/** Synchronizer token: one per session, in every form; checked on every state-changing page request. */
export function csrfToken(req: Request, res: Response, next: NextFunction): void {
  if (!req.session.csrfToken) req.session.csrfToken = crypto.randomBytes(24).toString('base64url');
  res.locals.csrfToken = req.session.csrfToken;
  next();
}

/** Multipart forms carry the token in the query string so it is checked before any byte is stored. */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  const expected = req.session.csrfToken;
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.query._csrf ?? req.get('x-csrf-token');
  if (!expected || typeof sent !== 'string' || !equal(sent, expected)) {
    next(new AppError(403, 'csrf', 'missing or wrong CSRF token'));
    return;
  }
  next();
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
