import http from 'node:http';

export interface ServerTimeouts {
  /** The whole request head must arrive within this (a client dribbling headers holds no socket for long). */
  headersTimeoutMs: number;
  /** A connection on which nothing moved for this long is closed, whatever the request's age. */
  idleTimeoutMs: number;
  /** How long an idle keep-alive connection waits for the next request. */
  keepAliveTimeoutMs: number;
  /** How often heads that take too long are looked for. */
  checkEveryMs: number;
}

/**
 * No limit on a request's total time: a 2 GB upload on a 1 Mbit/s line takes about four and a half
 * hours, and it is welcome as long as its bytes keep coming. What is limited is silence: the head
 * must arrive promptly, and a connection that stops moving is closed.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 30_000, idleTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000, checkEveryMs: 5_000 };

/** The portal's HTTP server (not yet listening) with those limits. */
export function createHttpServer(handler: http.RequestListener, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS): http.Server {
  const server = http.createServer(
    {
      requestTimeout: 0,
      headersTimeout: timeouts.headersTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
    handler,
  );
  server.setTimeout(timeouts.idleTimeoutMs);
  return server;
}
