import type { Job, JobKind, JobsQueue } from './jobs.queue';

/** What the worker runs a job with (the search indexer, the previews; `JobRunners` picks one by the job's kind). */
export interface JobRunner {
  /**
   * Does the job and records its outcome; never rejects. An outcome the database refuses to record
   * (busy) is kept until `recordPending` succeeds. An aborted job goes back to the queue.
   */
  run(job: Job, signal?: AbortSignal): Promise<void>;
  /** Records the outcomes still waiting; false while the database refuses. */
  recordPending(): boolean;
}

export interface JobsWorkerOptions {
  log?: (message: string) => void;
  pollMs?: number;
  kinds?: readonly JobKind[];
}

/**
 * Works through the durable queue in the background, one job at a time (extraction runs in a
 * child process; two cores do not reward more). Polls, and can be woken when work arrives.
 *
 * Nothing it does may end the process: a database that stays busy (another process writing) or fails
 * is logged and tried again at the next poll; an outcome that could not be recorded waits in the
 * runner and is recorded before the next job is claimed.
 */
export class JobsWorker {
  private running = false;
  private stopping = false;
  private resumed = false;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private readonly log: (message: string) => void;
  private readonly pollMs: number;
  private readonly kinds: readonly JobKind[];

  constructor(
    private readonly jobs: JobsQueue,
    private readonly runner: JobRunner,
    options: JobsWorkerOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.pollMs = options.pollMs ?? 1000;
    this.kinds = options.kinds ?? ['index', 'extract', 'preview'];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.resumeInterrupted();
    this.schedule(0);
  }

  /** Wakes the worker now instead of at the next poll. */
  kick(): void {
    if (this.running && !this.current) this.schedule(0);
  }

  /**
   * Claims nothing more and stops the job in hand: a running extraction is killed and its job goes
   * back to the queue for the next start, instead of being waited for.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    await this.current;
    // Stopped: nothing runs in the background any more; an explicit drain() may still be asked for.
    this.stopping = false;
    this.runner.recordPending();
  }

  /**
   * Runs due jobs until none is left (tests and the reindex command use this), or until the database
   * refuses (busy): then it returns and the next poll goes on. It never rejects.
   */
  async drain(): Promise<void> {
    try {
      if (this.running && !this.resumed && !this.resumeInterrupted()) return;
      while (!this.stopping) {
        if (!this.runner.recordPending()) return;
        const job = this.jobs.claim(this.kinds);
        if (!job) return;
        this.abort = new AbortController();
        await this.runner.run(job, this.abort.signal);
        this.abort = null;
      }
    } catch (error) {
      this.log(`the jobs worker pauses until its next poll: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.abort = null;
    }
  }

  /** Jobs a stopped process left running are due again; only the portal's own worker may say so, at its start. */
  private resumeInterrupted(): boolean {
    try {
      this.jobs.resumeInterrupted();
      this.resumed = true;
    } catch (error) {
      this.log(`jobs left running by the last stop wait for the database: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.resumed;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.drain().finally(() => {
        this.current = null;
        if (this.running) this.schedule(this.pollMs);
      });
    }, delay);
    this.timer.unref();
  }
}
