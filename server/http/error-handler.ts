import type { NextFunction, Request, Response } from 'express';
import { AppError, TooManyRequestsError } from './errors';
import { ERROR_MESSAGES_FA } from './messages.fa';

/**
 * The one place errors become responses: JSON under /api and for clients that ask for it,
 * a Persian page otherwise. Unknown errors are logged in full and shown as a plain 500.
 */
export function errorHandler(logError: (error: unknown) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = asAppError(error);
    if (!known) logError(error);
    const status = known?.status ?? 500;
    const code = known?.code ?? 'internal';
    const message = known?.message ?? 'internal error';
    if (known instanceof TooManyRequestsError) res.set('Retry-After', String(known.retryAfterSeconds));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (wantsJson(req)) {
      res.status(status).json({ error: { code, message, ...(known?.details ? { details: known.details } : {}) } });
      return;
    }
    res.status(status).render('error', { title: 'خطا', status, message: ERROR_MESSAGES_FA[code] ?? ERROR_MESSAGES_FA.internal });
  };
}

export function wantsJson(req: Request): boolean {
  if (req.originalUrl.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

function asAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const status = (error as { status?: number; type?: string })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return new AppError(413, 'too_large', 'the request body is too large');
    if (type === 'entity.parse.failed') return new AppError(400, 'bad_request', 'the body is not valid JSON');
    return new AppError(status, 'bad_request', (error as Error).message);
  }
  return null;
}
