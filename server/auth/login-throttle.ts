import { TooManyRequestsError } from '../http/errors';

/**
 * Counts failed sign-ins per username and per client address in a sliding window.
 * In memory: the portal is one process; a restart forgets, which only helps the legitimate user.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyRequestsError while either the username or the address is locked out. */
  check(username: string, address: string): void {
    const retryAfter = Math.max(
      this.retryAfterMs(this.userKey(username), this.maxFailures),
      this.retryAfterMs(this.addressKey(address), this.maxFailures * 4),
    );
    if (retryAfter > 0) throw new TooManyRequestsError(Math.ceil(retryAfter / 1000));
  }

  recordFailure(username: string, address: string): void {
    for (const key of [this.userKey(username), this.addressKey(address)]) {
      this.failures.set(key, [...this.recent(key), this.now()]);
    }
  }

  recordSuccess(username: string): void {
    this.failures.delete(this.userKey(username));
  }

  private retryAfterMs(key: string, limit: number): number {
    const recent = this.recent(key);
    if (recent.length < limit) return 0;
    return recent[recent.length - limit]! + this.windowMs - this.now();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private userKey(username: string): string {
    return `user:${username.trim().toLowerCase()}`;
  }

  private addressKey(address: string): string {
    return `address:${address}`;
  }
}
