import type { Db } from '../db/database';
import { nowIso } from '../db/database';

/**
 * `extract` and `index` keep a document's text and metadata in the search index, `index-lesson` a lesson's;
 * `preview` records a document's page count and the thumbnail of its first page; `match` looks for the subscriptions
 * a newly visible document or lesson matches; `digest` sends one subscription's daily digest; `email` sends one
 * e-mail of the outbox.
 */
export type JobKind = 'extract' | 'index' | 'preview' | 'index-lesson' | 'match' | 'digest' | 'email';

/** The jobs that carry a change to the search index: a few milliseconds each, run before anything else. */
const INDEX_KINDS: readonly JobKind[] = ['index', 'index-lesson'];

export interface Job {
  id: number;
  kind: JobKind;
  /** What the job is about: a document id for `extract` and `index`; for the other kinds, see `JobKind`. */
  documentId: string;
  attempts: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before attempt n+1, in ms. */
  backoffMs(attempts: number): number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  backoffMs: (attempts) => Math.min(10 * 60_000, 2_000 * 4 ** (attempts - 1)),
};

/**
 * Durable jobs in the metadata database. A job is claimed by moving it to `running`;
 * a process that dies leaves it there, and `resumeInterrupted` at the next start puts it back.
 */
export class JobsQueue {
  constructor(
    private readonly db: Db,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Call inside the transaction of the change that makes the job necessary. Coalesces with a job already waiting. */
  enqueue(kind: JobKind, documentId: string): void {
    const at = nowIso();
    const waiting = this.db.prepare(`SELECT id FROM jobs WHERE kind = ? AND document_id = ? AND state = 'queued'`).get(kind, documentId) as
      | { id: number }
      | undefined;
    if (waiting) {
      this.db.prepare('UPDATE jobs SET run_after = ?, attempts = 0, updated_at = ? WHERE id = ?').run(at, at, waiting.id);
      return;
    }
    this.db
      .prepare(`INSERT INTO jobs (kind, document_id, state, run_after, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?)`)
      .run(kind, documentId, at, at, at);
  }

  /**
   * Queues a job due at `runAfter`, unless one of this kind for this subject is already waiting (which keeps its
   * own time): a digest is sent at the time first set for it, however many items arrive meanwhile.
   */
  enqueueAt(kind: JobKind, subject: string, runAfter: Date): void {
    const waiting = this.db.prepare(`SELECT 1 FROM jobs WHERE kind = ? AND document_id = ? AND state = 'queued'`).get(kind, subject);
    if (waiting) return;
    const at = nowIso();
    this.db
      .prepare(`INSERT INTO jobs (kind, document_id, state, run_after, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?)`)
      .run(kind, subject, runAfter.toISOString(), at, at);
  }

  /** Whether a job of one of `kinds` about `subject` is queued or running (e.g. the index has not caught up with a change yet). */
  hasPending(kinds: readonly JobKind[], subject: string): boolean {
    const placeholders = kinds.map(() => '?').join(', ');
    return this.db.prepare(`SELECT 1 FROM jobs WHERE kind IN (${placeholders}) AND document_id = ? AND state IN ('queued', 'running') LIMIT 1`).get(...kinds, subject) !== undefined;
  }

  /**
   * Takes the oldest due job of one of `kinds`, marking it running. Index jobs go first: each takes
   * milliseconds and makes a document findable (a rebuild after a restore), while an extraction takes seconds.
   */
  claim(kinds: readonly JobKind[], documentId?: string): Job | null {
    return this.db.transaction(() => {
      const placeholders = kinds.map(() => '?').join(', ');
      const row = this.db
        .prepare(
          `SELECT id, kind, document_id, attempts FROM jobs
           WHERE state = 'queued' AND run_after <= ? AND kind IN (${placeholders}) ${documentId ? 'AND document_id = ?' : ''}
           ORDER BY kind IN (${INDEX_KINDS.map(() => '?').join(', ')}) DESC, run_after, id LIMIT 1`,
        )
        .get(nowIso(), ...kinds, ...(documentId ? [documentId] : []), ...INDEX_KINDS) as { id: number; kind: JobKind; document_id: string; attempts: number } | undefined;
      if (!row) return null;
      this.db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(nowIso(), row.id);
      return { id: row.id, kind: row.kind, documentId: row.document_id, attempts: row.attempts + 1 };
    })();
  }

  complete(job: Job): void {
    this.db.prepare(`UPDATE jobs SET state = 'done', reason = NULL, updated_at = ? WHERE id = ?`).run(nowIso(), job.id);
  }

  /** Schedules a retry with back-off, or marks the job failed for good. Returns the new state. */
  fail(job: Job, reason: string, permanent = false): 'queued' | 'failed' {
    const at = Date.now();
    if (!permanent && job.attempts < this.retry.maxAttempts) {
      const runAfter = new Date(at + this.retry.backoffMs(job.attempts)).toISOString();
      this.db.prepare(`UPDATE jobs SET state = 'queued', run_after = ?, reason = ?, updated_at = ? WHERE id = ?`).run(runAfter, reason, nowIso(), job.id);
      return 'queued';
    }
    this.db.prepare(`UPDATE jobs SET state = 'failed', reason = ?, updated_at = ? WHERE id = ?`).run(reason, nowIso(), job.id);
    return 'failed';
  }

  /**
   * Puts a running job back in the queue without counting the attempt: its work was stopped from outside
   * (the portal stopping, a busy database), not failed. Due again after `delayMs`.
   */
  release(job: Job, delayMs = 0): void {
    const at = Date.now();
    this.db
      .prepare(`UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), run_after = ?, updated_at = ? WHERE id = ? AND state = 'running'`)
      .run(new Date(at + delayMs).toISOString(), new Date(at).toISOString(), job.id);
  }

  /** After a restart: jobs (of `kinds`, or of every kind) left running by a process that stopped are due again. */
  resumeInterrupted(kinds?: readonly JobKind[]): number {
    const only = kinds ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
    return this.db.prepare(`UPDATE jobs SET state = 'queued', run_after = ?, updated_at = ? WHERE state = 'running' ${only}`).run(nowIso(), nowIso(), ...(kinds ?? [])).changes;
  }

  /** Jobs not done, per kind and state, with the oldest one's time: queued since, or running since (for the metrics). */
  backlog(): { kind: JobKind; state: 'queued' | 'running' | 'failed'; count: number; oldestAt: string | null }[] {
    return this.db
      .prepare(
        `SELECT kind, state, count(*) AS count, min(CASE state WHEN 'running' THEN updated_at ELSE created_at END) AS oldestAt
         FROM jobs WHERE state IN ('queued', 'running', 'failed') GROUP BY kind, state`,
      )
      .all() as { kind: JobKind; state: 'queued' | 'running' | 'failed'; count: number; oldestAt: string | null }[];
  }

  pending(kind?: JobKind): number {
    return this.db
      .prepare(`SELECT count(*) FROM jobs WHERE state IN ('queued', 'running') ${kind ? 'AND kind = ?' : ''}`)
      .pluck()
      .get(...(kind ? [kind] : [])) as number;
  }
}
