import type { NextFunction, Request, Response } from 'express';
import { ServiceUnavailableError } from '../http/errors';

/** What a client that arrives during a stop is told to wait before it sends again (the restart's time). */
const RETRY_AFTER_SECONDS = 30;

/**
 * The stop's view of the requests: it counts the ones in flight, and once the stop has begun it answers
 * every new one 503 with `Retry-After` (an upload is refused before a byte of it is read), and asks the
 * clients of those still in flight to close their connections when they are answered.
 */
export class ShutdownGate {
  private stopping = false;
  private readonly inFlight = new Set<Response>();
  private idle: (() => void)[] = [];

  get isStopping(): boolean {
    return this.stopping;
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.stopping) {
      res.set('Connection', 'close');
      next(new ServiceUnavailableError('stopping', 'the portal is stopping; send this again in a moment', RETRY_AFTER_SECONDS));
      return;
    }
    this.inFlight.add(res);
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
    next();
  };

  begin(): void {
    this.stopping = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Resolves true once no request is in flight, or false when `graceMs` ran out first. */
  drained(graceMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
