import session from 'express-session';
import { isDatabaseBusy, type Db } from '../db/database';

/** express-session store in the metadata database, so sign-ins survive a restart. */
export class SqliteSessionStore extends session.Store {
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {
    super();
    this.sweeper = setInterval(() => this.sweep(), 15 * 60_000);
    this.sweeper.unref();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    try {
      const row = this.db.prepare('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?').get(sid, Date.now()) as
        | { data: string }
        | undefined;
      callback(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
    } catch (error) {
      callback(error);
    }
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.db
        .prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at')
        .run(sid, JSON.stringify(data), this.expiry(data));
      callback?.();
    } catch (error) {
      callback?.(error);
    }
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    try {
      this.db.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
      callback?.();
    } catch (error) {
      callback?.(error);
    }
  }

  /**
   * Renews the expiry on every request. Best effort: while another process holds the database the
   * session keeps its earlier expiry and the next request renews it, rather than the page failing.
   */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    try {
      this.db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?').run(this.expiry(data), sid);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    }
    callback?.();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Runs on a timer, where an error would end the process: what is not swept now is swept next time. */
  private sweep(): void {
    try {
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(Date.now());
    } catch {
      // Busy or closed: expired sessions are never read (get checks the expiry), only kept a while longer.
    }
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.ttlMs;
  }
}
