import { isDatabaseBusy } from '../db/database';
import type { Job, JobsQueue } from './jobs.queue';

/** A job that finds the moment wrong (the search index has not caught up yet) asks to be tried again after a while, without counting the attempt. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs = 2_000,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** A job that failed for good (nothing to retry): it ends `failed` at once. */
export class PermanentJobError extends Error {
  readonly permanent = true;
}

/** A job that met a busy database waits this long before it is due again (the attempt is not counted). */
const BUSY_DELAY_MS = 2_000;

export type JobLog = (message: string, fields?: Record<string, unknown>) => void;

/** What a runner records beside a job's own outcome (the indexer: the document's indexing state, the metrics). */
export interface OutcomeFollowers {
  /** The job is back in the queue without a failed attempt: it was stopped, or a busy database kept it out. */
  requeued?(job: Job): void;
  /** An attempt failed; `state` says whether the queue retries it (`queued`) or gave up (`failed`). */
  failed?(job: Job, state: 'queued' | 'failed', error: unknown): void;
}

/**
 * How every job's outcome is recorded, whichever runner ran it: done; back in the queue when stopped, kept out by a
 * busy database or asked to wait (`RetryLater`); else a failed attempt, retried with back-off by the queue until it
 * gives up (at once for a `PermanentJobError`). An outcome the database cannot record now waits here and is
 * recorded before the next job.
 */
export class JobOutcomes {
  private readonly unrecorded: (() => void)[] = [];

  constructor(
    private readonly jobs: JobsQueue,
    private readonly log: JobLog = () => undefined,
    private readonly followers: OutcomeFollowers = {},
  ) {}

  /** Runs a job's work and records how it ended. */
  async settle(job: Job, work: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    let record: () => void;
    try {
      await work();
      record = () => this.jobs.complete(job);
    } catch (error) {
      record = this.failure(job, error, signal);
    }
    this.unrecorded.push(record);
    this.recordPending();
  }

  /** Records the outcomes still waiting, oldest first; false while the database refuses. */
  recordPending(): boolean {
    while (this.unrecorded.length > 0) {
      try {
        this.unrecorded[0]!();
      } catch (error) {
        this.log(`a job's outcome waits for the database: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
      this.unrecorded.shift();
    }
    return true;
  }

  private failure(job: Job, error: unknown, signal: AbortSignal | undefined): () => void {
    const reason = error instanceof Error ? error.message : String(error);
    const about = `job ${job.id} (${job.kind} ${job.documentId})`;
    const requeue = (delayMs?: number) => () => {
      this.jobs.release(job, delayMs);
      this.followers.requeued?.(job);
    };
    if (signal?.aborted) {
      this.log(`${about} was stopped and goes back to the queue`);
      return requeue();
    }
    if (error instanceof RetryLater) return requeue(error.delayMs);
    if (isDatabaseBusy(error)) {
      this.log(`${about} waits: ${reason}`);
      return requeue(BUSY_DELAY_MS);
    }
    const permanent = (error as { permanent?: boolean }).permanent === true;
    return () => {
      const state = this.jobs.fail(job, reason, permanent);
      this.followers.failed?.(job, state, error);
      this.log(`${about} attempt ${job.attempts} failed: ${reason}${state === 'failed' ? ' — giving up' : ' — will retry'}`, {
        job: job.id,
        kind: job.kind,
        document: job.documentId,
        attempt: job.attempts,
        state,
        err: error,
      });
    };
  }
}
