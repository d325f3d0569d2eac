import type { NextFunction, Request, Response } from 'express';
import type { RouteTable } from '../http/route-table';
import type { PortalMetrics } from './metrics';
import { routeLabel } from './request-log';

/** Times every request by route pattern, and counts the bytes of every file an accepted upload stored. */
export function requestMetrics(metrics: PortalMetrics, routes: RouteTable) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let observed = false;
    const observe = () => {
      if (observed) return;
      observed = true;
      const route = routeLabel(routes, req);
      metrics.request(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      const stored = (req as Request & { file?: { stored?: { size: number } } }).file?.stored;
      if (stored && res.statusCode < 400) metrics.upload(route, stored.size);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}
