import type { IncomingHttpHeaders } from 'node:http';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { methodNotAllowed, type RouteTable } from '../http/route-table';
import type { AddressList } from './address-list';
import type { PortalMetrics } from './metrics';

/**
 * `GET /metrics` (API.md, Operations): Prometheus's text format, for the addresses in METRICS_ALLOW only.
 * Anyone else gets what an unknown path gets (404), whatever the method.
 *
 * The address checked is the connection's own, never one a header names; and when the request came through a
 * proxy (it carries X-Forwarded-For, X-Real-IP or Forwarded), every address those headers name must be allowed
 * too. A forged header can therefore only close /metrics, never open it, whatever TRUST_PROXY says; and a
 * reverse proxy on the portal's loopback does not open it to the clients it forwards.
 */
export function metricsRoute(metrics: PortalMetrics, allow: AddressList, routes: RouteTable): Router {
  const router = Router();
  const gate = (req: Request, _res: Response, next: NextFunction) => next(mayScrape(req, allow) ? undefined : 'router');
  router.get('/metrics', gate, async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  });
  router.all('/metrics', gate, methodNotAllowed(routes));
  return router;
}

export function mayScrape(req: Request, allow: AddressList): boolean {
  if (!allow.has(req.socket.remoteAddress)) return false;
  const forwarded = forwardedAddresses(req.headers);
  return forwarded.every((address) => allow.has(address));
}

/** Every client address the forwarding headers name (an entry that is not a plain address is kept as is, and is never allowed). */
export function forwardedAddresses(headers: IncomingHttpHeaders): string[] {
  const values = (name: string) => {
    const value = headers[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  const addresses: string[] = [];
  for (const value of [...values('x-forwarded-for'), ...values('x-real-ip')]) {
    addresses.push(...value.split(',').map((entry) => entry.trim()));
  }
  for (const value of values('forwarded')) {
    for (const element of value.split(',')) {
      for (const pair of element.split(';')) {
        const [name = '', raw = ''] = pair.split('=', 2).map((part) => part.trim());
        if (name.toLowerCase() !== 'for') continue;
        // for="[2001:db8::1]:4711" and for=192.0.2.60 and for="192.0.2.60:80"
        const unquoted = raw.replace(/^"|"$/g, '');
        const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(unquoted);
        addresses.push(bracketed ? bracketed[1]! : unquoted.replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1'));
      }
    }
  }
  return addresses;
}
