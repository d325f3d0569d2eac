import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import type { NextFunction, Request, Response } from 'express';
import type { Role, User } from './roles';
import type { TokensService } from './tokens.service';
import type { UsersService } from '../users/users.service';
import { ForbiddenError, UnauthenticatedError } from '../http/errors';

type PortalUser = User;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends PortalUser {}
    /** Set by the API's bearer authentication: which token the call came with. */
    interface AuthInfo {
      tokenId?: number;
    }
  }
}

/** What a page session records of its user: who, and the user's session epoch when they signed in. */
interface SessionUser {
  id: number;
  epoch: number;
}

/**
 * Passport with two ways in: the session (set by the sign-in page, see auth.pages.ts) for pages,
 * and bearer tokens for the API. Credentials are checked in UsersService; the sign-in page calls
 * it itself so that it can throttle failures and answer in Persian.
 */
export function configurePassport(users: UsersService, tokens: TokensService): passport.PassportStatic {
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.use(
    new BearerStrategy((token, done) => {
      const resolved = tokens.resolve(token);
      if (!resolved) return done(null, false);
      const info: Express.AuthInfo & { scope: string[] } = { scope: [], tokenId: resolved.tokenId };
      done(null, resolved.user, info);
    }),
  );
  // A session names its user and the epoch it signed in at: changing or resetting the password raises the epoch
  // and so ends every session signed in before. (Sessions from before epochs stored the bare id: epoch 0.)
  instance.serializeUser((user, done) => done(null, { id: user.id, epoch: users.sessionEpoch(user.id) } satisfies SessionUser));
  instance.deserializeUser((stored: number | SessionUser, done) => {
    const { id, epoch } = typeof stored === 'number' ? { id: stored, epoch: 0 } : stored;
    done(null, users.findSignedIn(id, epoch) ?? false);
  });
  return instance;
}

/** API: a valid bearer token, or a JSON 401. Never falls back to the cookie. */
export function requireApiUser(instance: passport.PassportStatic) {
  return (req: Request, res: Response, next: NextFunction): void => {
    instance.authenticate('bearer', { session: false }, (error: unknown, user: User | false, info?: Express.AuthInfo) => {
      if (error) return next(error);
      if (!user) {
        res.set('WWW-Authenticate', 'Bearer realm="tajrobe"');
        return next(new UnauthenticatedError('a valid bearer token is required'));
      }
      req.user = user;
      req.authInfo = info;
      next();
    })(req, res, next);
  };
}

/** Pages: a signed-in session, or a redirect to the sign-in page that comes back here. */
export function requirePageUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (req.method === 'GET') {
    req.session.returnTo = req.originalUrl;
    return res.redirect(303, '/login');
  }
  next(new UnauthenticatedError());
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user) return next(new UnauthenticatedError());
    if (!roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}

export function currentUser(req: Request): User {
  if (!req.user) throw new UnauthenticatedError();
  return req.user;
}
