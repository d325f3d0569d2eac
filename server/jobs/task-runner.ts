import { isDatabaseBusy } from '../db/database';
import type { Job, JobKind, JobsQueue } from './jobs.queue';
import type { JobRunner } from './jobs.worker';

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

export type TaskHandler = (job: Job, signal?: AbortSignal) => Promise<void>;

/**
 * Runs the jobs of the kinds it has a handler for, and records each outcome as SearchIndexer does for its own:
 * done; back in the queue when stopped, kept out by a busy database or asked to wait (`RetryLater`); else a failed
 * attempt, retried with back-off by the queue until it gives up. An outcome the database cannot record now waits
 * here and is recorded before the next job.
 */
export class TaskRunner implements JobRunner {
  private readonly unrecorded: (() => void)[] = [];

  constructor(
    private readonly jobs: JobsQueue,
    private readonly handlers: Partial<Record<JobKind, TaskHandler>>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  get kinds(): JobKind[] {
    return Object.keys(this.handlers) as JobKind[];
  }

  async run(job: Job, signal?: AbortSignal): Promise<void> {
    let record: () => void;
    try {
      const handler = this.handlers[job.kind];
      if (!handler) throw new PermanentJobError(`no handler for ${job.kind} jobs`);
      await handler(job, signal);
      record = () => this.jobs.complete(job);
    } catch (error) {
      record = this.failure(job, error, signal);
    }
    this.unrecorded.push(record);
    this.recordPending();
  }

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
    if (signal?.aborted) return () => this.jobs.release(job);
    if (error instanceof RetryLater) return () => this.jobs.release(job, error.delayMs);
    if (isDatabaseBusy(error)) {
      this.log(`${about} waits: ${reason}`);
      return () => this.jobs.release(job, BUSY_DELAY_MS);
    }
    const permanent = (error as { permanent?: boolean }).permanent === true;
    return () => {
      const state = this.jobs.fail(job, reason, permanent);
      this.log(`${about} attempt ${job.attempts} failed: ${reason}${state === 'failed' ? ' — giving up' : ' — will retry'}`);
    };
  }
}
