import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';
import type { RouteTable } from '../http/route-table';
import { requestPath } from '../http/route-table';

/** An incoming `X-Request-Id` is kept when it looks like an id (a proxy's or a client's); anything else gets a new one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:;=@/+-]{0,127}$/;
/** Query parameters and route parameters whose values are credentials (the CSRF token of a multipart form, a feed's token…). */
const SECRET_NAME = /^(_csrf|csrf.*|.*token.*|password|secret|.*key|sig(nature)?)$/i;

const bytesAtStart = Symbol('bytesAtStart');
type Tracked = ServerResponse & { [bytesAtStart]?: number };

/**
 * One JSON line per answered request: its id (also sent back as `X-Request-Id`), the route pattern, the
 * user, the status, how long it took and the bytes sent. Headers, bodies and cookies are never written; a
 * credential in the URL (the multipart form's `_csrf`, a token in a path) is replaced by `[redacted]`.
 */
export function requestLog(logger: Logger, routes: RouteTable): RequestHandler {
  const log = pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    customSuccessMessage(req, res) {
      const what = `${req.method} ${routeLabel(routes, req as Request)} ${res.statusCode}`;
      return res.writableFinished ? what : `${what} (the client went away before the answer was complete)`;
    },
    customErrorMessage(req, res) {
      return `${req.method} ${routeLabel(routes, req as Request)} ${res.statusCode}`;
    },
    customSuccessObject: (req, res, val: { responseTime: number }) => describe(routes, req as Request, res, val.responseTime),
    customErrorObject: (req, res, error, val: { responseTime: number }) => ({
      ...describe(routes, req as Request, res, val.responseTime),
      // A 5xx the error handler answered has no error of its own here: it is logged there, with its stack, under this reqId.
      ...(res.statusCode >= 500 && error.message.startsWith('failed with status code') ? {} : { err: error }),
    }),
  });
  return (req: Request, res: Response, next: NextFunction) => {
    (res as Tracked)[bytesAtStart] = req.socket?.bytesWritten ?? 0;
    log(req, res, next);
  };
}

/** The route pattern (`/api/v1/documents/:id`), never a raw id: `/static/*` for the static files, `unmatched` for an unknown path. */
export function routeLabel(routes: RouteTable, req: Request): string {
  const pattern = routes.patternOf(req);
  if (pattern) return pattern;
  return requestPath(req).startsWith('/static/') ? '/static/*' : 'unmatched';
}

function describe(routes: RouteTable, req: Request, res: ServerResponse, responseTime: number) {
  const user = req.user as { id?: number } | undefined;
  const file = (req as Request & { file?: { stored?: { size: number } } }).file?.stored;
  const sent = (req.socket?.bytesWritten ?? 0) - ((res as Tracked)[bytesAtStart] ?? 0);
  const route = routeLabel(routes, req);
  return {
    method: req.method,
    route,
    url: loggableUrl(req, route),
    status: res.statusCode,
    userId: user?.id ?? null,
    durationMs: responseTime,
    bytes: Math.max(0, sent),
    ip: req.ip,
    ...(file ? { upload: { bytes: file.size } } : {}),
  };
}

/** The URL as requested, with the values of credential-like query and path parameters replaced. */
function loggableUrl(req: Request, route: string): string {
  const original = req.originalUrl || req.url;
  const queryAt = original.indexOf('?');
  const path = queryAt === -1 ? original : original.slice(0, queryAt);
  const query = queryAt === -1 ? '' : original.slice(queryAt + 1);
  return redactPath(path, route) + (query ? `?${redactQuery(query)}` : '');
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = safeDecode(equals === -1 ? pair : pair.slice(0, equals));
      return equals !== -1 && SECRET_NAME.test(name) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    })
    .join('&');
}

function redactPath(path: string, route: string): string {
  const names = route.split('/');
  const secretSegments = names.map((segment) => segment.startsWith(':') && SECRET_NAME.test(segment.slice(1).replace(/[?*]$/, '')));
  if (!secretSegments.some(Boolean)) return path;
  const segments = path.split('/');
  // A pattern whose segments do not line up with the path (wildcards) gives the pattern itself: nothing of the path is kept.
  if (segments.length !== names.length) return route;
  return segments.map((segment, i) => (secretSegments[i] ? '[redacted]' : segment)).join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
