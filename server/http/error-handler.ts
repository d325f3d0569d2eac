import type { NextFunction, Request, Response } from 'express';
import { StorageFullError as StoreFullError } from '../../storage/object-store';
import { isDatabaseBusy, isDatabaseFull } from '../db/database';
import { AppError, ServiceUnavailableError, StorageFullError, TooManyRequestsError } from './errors';
import { localize } from './view-helpers';
import { hasMessage, type MessageKey } from '../i18n/index';

/** The heading of the error page for each status the portal answers with. */
const HEADINGS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_type',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
  507: 'storage_full',
};

/**
 * The one place errors become responses: JSON under /api and for clients that ask for it,
 * a page in the reader's language otherwise. Unknown errors are logged in full and shown as a plain 500.
 */
export function errorHandler(logError: (error: unknown, req?: Request) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = asAppError(error);
    if (!known) logError(error, req);
    const status = known?.status ?? 500;
    const code = known?.code ?? 'internal';
    const message = known?.message ?? 'internal error';
    if (known instanceof TooManyRequestsError || known instanceof ServiceUnavailableError) res.set('Retry-After', String(known.retryAfterSeconds));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (wantsJson(req)) {
      res.status(status).json({ error: { code, message, ...(known?.details ? { details: known.details } : {}) } });
      return;
    }
    // The error may come before the view helpers ran (a missing static file, an unknown language): the page needs only these.
    const locale = localize(req, res);
    const t = res.locals.t;
    const heading = HEADINGS[status] ?? (status < 500 ? 'bad_request' : 'internal');
    const messageKey = hasMessage(locale, `errors.${code}`) ? (`errors.${code}` as MessageKey) : 'errors.internal';
    const page = {
      title: t(`shell.errorPage.headings.${heading}` as MessageKey),
      status,
      message: t(messageKey),
      user: res.locals.user ?? req.user ?? null,
    };
    res.status(status).render('error', page, (renderError: Error | null, html: string) => {
      if (!renderError) return void res.send(html);
      logError(renderError, req);
      res.type('text/plain').send(`${page.title}\n${page.message}`);
    });
  };
}

export function wantsJson(req: Request): boolean {
  if (req.originalUrl.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Codes for the client errors Express and its middleware raise themselves (a missing static file is a 404). */
const HTTP_ERROR_CODES: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 415: 'unsupported_type' };

/** Seconds a client should wait before sending again what met a busy database. */
const BUSY_RETRY_AFTER_SECONDS = 2;

function asAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isDatabaseBusy(error)) return new ServiceUnavailableError('busy', 'the database is busy; try again in a moment', BUSY_RETRY_AFTER_SECONDS);
  if (error instanceof StoreFullError || isDatabaseFull(error) || hasErrno(error, 'ENOSPC', 'EDQUOT')) return new StorageFullError();
  const status = (error as { status?: number; type?: string })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return new AppError(413, 'too_large', 'the request body is too large');
    if (type === 'entity.parse.failed') return new AppError(400, 'bad_request', 'the body is not valid JSON');
    return new AppError(status, HTTP_ERROR_CODES[status] ?? 'bad_request', (error as Error).message);
  }
  return null;
}

function hasErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
