import type { NextFunction, Request, Response } from 'express';
import type { UsersService } from '../users/users.service';
import { AppError } from '../http/errors';

/**
 * Until someone given a temporary password chooses their own, they may do nothing else: the API answers
 * 403 `password_change_required` to every call but `POST /api/v1/me/password`; pages send them to
 * `/me/password` (signing out still works).
 */
export function apiPasswordGate(users: Pick<UsersService, 'mustChangePassword'>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user || !users.mustChangePassword(req.user.id)) return next();
    if (req.method === 'POST' && req.path === '/me/password') return next();
    next(passwordChangeRequired());
  };
}

const PAGES_ALLOWED = new Set(['/me/password', '/logout']);

export function pagePasswordGate(users: Pick<UsersService, 'mustChangePassword'>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.user || !users.mustChangePassword(req.user.id)) return next();
    res.locals.passwordChangeRequired = true;
    if (PAGES_ALLOWED.has(req.path)) return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, '/me/password');
    next(passwordChangeRequired());
  };
}

function passwordChangeRequired(): AppError {
  return new AppError(403, 'password_change_required', 'a temporary password was set for this account: choose a new one first (POST /api/v1/me/password)');
}
