import type { Db } from '../db/database';

export interface SearchLogEntry {
  at: string;
  userId: number;
  query: string;
  filters: string;
  total: number;
}

export interface SearchLogOptions {
  /** How often buffered entries are written. */
  flushMs?: number;
  /** Entries kept while the database refuses them; beyond this, new ones are dropped and counted. */
  maxBuffered?: number;
}

/**
 * The `search_log` rows (what was searched and how much was found, for the secretariat), written off
 * the request path: a search only appends to a buffer, and a timer writes the buffer in one
 * transaction. While the database is busy the buffer waits; when it is full, new entries are dropped
 * and the count is logged, so a search never fails or waits for its log.
 */
export class SearchLog {
  private buffer: SearchLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private droppedSinceWarning = 0;
  /** Entries dropped since the start (the buffer was full). */
  dropped = 0;
  private readonly flushMs: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly db: Db,
    private readonly log: (message: string) => void = () => undefined,
    options: SearchLogOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 2_000;
    this.maxBuffered = options.maxBuffered ?? 5_000;
  }

  record(entry: SearchLogEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped += 1;
      this.droppedSinceWarning += 1;
    } else {
      this.buffer.push(entry);
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs).unref();
  }

  /** Writes what is buffered; false (and the entries stay) while the database refuses. Never throws. */
  flush(): boolean {
    this.warnAboutDropped();
    if (this.buffer.length === 0) return true;
    if (!this.db.open) {
      this.log(`${this.buffer.length} search log entries are lost: the database was closed before they were written`);
      this.buffer = [];
      return true;
    }
    const entries = this.buffer;
    try {
      const insert = this.db.prepare('INSERT INTO search_log (at, user_id, query, filters, total) VALUES (?, ?, ?, ?, ?)');
      this.db.transaction(() => {
        for (const e of entries) insert.run(e.at, e.userId, e.query, e.filters, e.total);
      })();
      this.buffer = this.buffer.slice(entries.length);
      return true;
    } catch (error) {
      this.log(`${entries.length} search log entries wait for the database: ${error instanceof Error ? error.message : String(error)}`);
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.flushMs).unref();
      return false;
    }
  }

  /** Writes what it can before the database closes. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  private warnAboutDropped(): void {
    if (this.droppedSinceWarning === 0) return;
    this.log(`search log: ${this.droppedSinceWarning} entries dropped because ${this.maxBuffered} were already waiting for the database (${this.dropped} since the start)`);
    this.droppedSinceWarning = 0;
  }
}
