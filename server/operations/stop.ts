import type { Server } from 'node:http';
import type { Services } from '../services';

export interface StopOutcome {
  /** Requests still in flight when the grace period ran out, whose connections were closed. */
  cut: number;
}

/**
 * A clean stop. From its first moment every new request is answered 503 with `Retry-After` (an upload
 * before a byte of it is read; /healthz too, so a load balancer stops sending), idle connections are
 * closed, no job is claimed any more and a running extraction is killed and put back in the queue.
 * Requests in flight get `graceMs` to finish; the ones left then are cut. The listener is closed and
 * the database is closed last.
 */
export async function stopPortal(services: Services, server: Server, graceMs: number, log: (line: string) => void): Promise<StopOutcome> {
  services.shutdown.begin();
  server.closeIdleConnections();
  const workerStopped = services.worker.stop();
  const finished = await services.shutdown.drained(graceMs);
  const cut = finished ? 0 : services.shutdown.requestsInFlight;
  if (cut > 0) log(`${cut} requests were still in flight after ${graceMs / 1000} s: their connections are closed`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await workerStopped;
  services.searchLog.close();
  await services.searchIndex.close();
  services.sessions.close();
  services.db.close();
  log(cut > 0 ? 'stopped, cutting requests' : 'stopped cleanly');
  return { cut };
}
