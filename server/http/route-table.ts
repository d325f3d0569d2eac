import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';

/** A route of the app: its full path pattern (`/api/v1/documents/:id`) and the methods it answers. */
export interface RouteEntry {
  path: string;
  /** Upper case, as declared (`GET` also answers `HEAD`, which is not listed here). */
  methods: string[];
  /** Whether this route answers `path` (the request's path, without the query string). */
  matches(path: string): boolean;
}

type Match = (path: string) => false | { path: string };
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
  matchers?: Match[];
}

/**
 * The routes of the app, read from Express's own router once every route is registered, so that what the
 * request log and the metrics call a route, and what answers 405, can never drift from what is served.
 */
export class RouteTable {
  private entries: RouteEntry[] = [];
  private readonly byRoute = new WeakMap<object, string>();

  /** Reads every route of `app` (call it after the last route is added). */
  load(app: unknown): this {
    const top = (app as { router?: { stack?: Layer[] } }).router?.stack;
    if (!top) throw new Error('the app has no router to read routes from');
    this.entries = [];
    this.walk(top, '', []);
    return this;
  }

  all(): readonly RouteEntry[] {
    return this.entries;
  }

  /** The pattern of the route that answered the request, or of the routes its path matches (a refusal before the route ran), or null. */
  patternOf(req: Request): string | null {
    const route = (req as Request & { route?: object }).route;
    const known = route ? this.byRoute.get(route) : undefined;
    if (known) return known;
    return this.matching(requestPath(req))[0]?.path ?? null;
  }

  /**
   * The routes whose pattern matches `path`, the most specific only: `/resolutions/compliance` is that resource,
   * not `/resolutions/:meeting` with a meeting called "compliance" (the fewer parameters, the more specific).
   */
  matching(path: string): RouteEntry[] {
    const found = this.entries.filter((entry) => entry.matches(path));
    const fewest = Math.min(...found.map((entry) => parameterCount(entry.path)));
    return found.filter((entry) => parameterCount(entry.path) === fewest);
  }

  /** The methods `path` answers, `HEAD` with `GET`, in a stable order; empty when no route has this path. */
  allowed(path: string): string[] {
    const methods = new Set(this.matching(path).flatMap((entry) => entry.methods));
    if (methods.has('GET')) methods.add('HEAD');
    if (methods.size > 0) methods.add('OPTIONS');
    return [...methods].sort();
  }

  private walk(stack: Layer[], prefix: string, mounts: Match[][]): void {
    for (const layer of stack) {
      if (layer.route) {
        const own = layer.matchers ?? [];
        const methods = Object.entries(layer.route.methods)
          .filter(([method, on]) => on && method !== '_all')
          .map(([method]) => method.toUpperCase());
        for (const path of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]) {
          const full = joinPath(prefix, path);
          this.entries.push({ path: full, methods, matches: (requested) => matchesThrough(requested, mounts, own) });
          if (!this.byRoute.has(layer.route)) this.byRoute.set(layer.route, full);
        }
      } else if (layer.handle?.stack && typeof layer.rawPath === 'string' && layer.matchers) {
        const mount = layer.slash ? '' : layer.rawPath;
        this.walk(layer.handle.stack, joinPath(prefix, mount), layer.slash ? mounts : [...mounts, layer.matchers]);
      }
    }
  }
}

/** Follows Express's own matching: each mount strips the prefix it matched, then the route matches the rest whole. */
function matchesThrough(path: string, mounts: Match[][], own: Match[]): boolean {
  let rest = path;
  for (const matchers of mounts) {
    const hit = matchers.map((match) => match(rest)).find((result) => result !== false);
    if (!hit) return false;
    rest = rest.slice(hit.path.length) || '/';
    if (!rest.startsWith('/')) return false;
  }
  return own.some((match) => match(rest) !== false);
}

function parameterCount(pattern: string): number {
  return (pattern.match(/[:*]/g) ?? []).length;
}

function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  return path === '/' ? prefix : `${prefix}${path}`;
}

export function requestPath(req: Request): string {
  const url = req.originalUrl || req.url;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export class MethodNotAllowedError extends AppError {
  constructor(
    method: string,
    path: string,
    readonly allow: string[],
  ) {
    super(405, 'method_not_allowed', `${method} is not answered on ${path}; it answers ${allow.join(', ')}`, { allow });
  }
}

/**
 * For a path the app serves, a method it does not answer is 405 with `Allow` (and `OPTIONS` answers 204 with
 * `Allow`); a path it does not serve goes on to the 404 as before. `only` limits this to some paths (the API's).
 */
export function methodNotAllowed(routes: RouteTable, only: (path: string) => boolean = () => true) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = requestPath(req);
    if (!only(path)) return next();
    const allow = routes.allowed(path);
    if (allow.length === 0) return next();
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow.join(', ')).status(204).end();
      return;
    }
    if (allow.includes(req.method)) return next();
    res.set('Allow', allow.join(', '));
    next(new MethodNotAllowedError(req.method, path, allow));
  };
}
