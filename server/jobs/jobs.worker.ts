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
  /**
   * The kinds of job each lane takes, one job at a time per lane; lanes run side by side, so that e-mail and
   * notifications do not wait behind an extraction of several minutes. One lane of `index` and `extract` by default.
   */
  lanes?: readonly (readonly JobKind[])[];
  /** One lane of these kinds (when `lanes` is not given). */
  kinds?: readonly JobKind[];
}

/**
 * Works through the durable queue in the background, one job at a time in each lane (extraction runs in a child
 * process; two cores do not reward more). Polls, and can be woken when work arrives.
 *
 * Nothing it does may end the process: a database that stays busy (another process writing) or fails
 * is logged and tried again at the next poll; an outcome that could not be recorded waits in the
 * runner and is recorded before the next job is claimed.
 */
export class JobsWorker {
  private running = false;
  private stopping = false;
  private resumed = false;
  private readonly lanes: Lane[];
  private readonly kinds: readonly JobKind[];
  private readonly log: (message: string) => void;
  private readonly pollMs: number;

  constructor(
    private readonly jobs: JobsQueue,
    private readonly runner: JobRunner,
    options: JobsWorkerOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.pollMs = options.pollMs ?? 1000;
    this.lanes = (options.lanes ?? [options.kinds ?? ['index', 'extract', 'preview']]).map((kinds) => new Lane(kinds));
    this.kinds = this.lanes.flatMap((lane) => lane.kinds);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.resumeInterrupted();
    for (const lane of this.lanes) this.schedule(lane, 0);
  }

  /** Wakes the worker now instead of at the next poll. */
  kick(): void {
    if (!this.running) return;
    for (const lane of this.lanes) if (!lane.current) this.schedule(lane, 0);
  }

  /**
   * Claims nothing more and stops the jobs in hand: a running extraction is killed and its job goes
   * back to the queue for the next start, instead of being waited for.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const lane of this.lanes) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = null;
      lane.abort?.abort();
    }
    await Promise.all(this.lanes.map((lane) => lane.current));
    // Stopped: nothing runs in the background any more; an explicit drain() may still be asked for.
    this.stopping = false;
    this.runner.recordPending();
  }

  /**
   * Runs due jobs of every lane until none is left (tests and the reindex command use this), or until the
   * database refuses (busy): then it returns and the next poll goes on. It never rejects.
   */
  async drain(): Promise<void> {
    await this.drainKinds(this.kinds, null);
  }

  private async drainKinds(kinds: readonly JobKind[], lane: Lane | null): Promise<void> {
    try {
      if (this.running && !this.resumed && !this.resumeInterrupted()) return;
      while (!this.stopping) {
        if (!this.runner.recordPending()) return;
        const job = this.jobs.claim(kinds);
        if (!job) return;
        const abort = new AbortController();
        if (lane) lane.abort = abort;
        await this.runner.run(job, abort.signal);
        if (lane) lane.abort = null;
      }
    } catch (error) {
      this.log(`the jobs worker pauses until its next poll: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (lane) lane.abort = null;
    }
  }

  /** Jobs a stopped process left running are due again; only the portal's own worker may say so, at its start. */
  private resumeInterrupted(): boolean {
    try {
      this.jobs.resumeInterrupted(this.kinds);
      this.resumed = true;
    } catch (error) {
      this.log(`jobs left running by the last stop wait for the database: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.resumed;
  }

  private schedule(lane: Lane, delay: number): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = null;
      lane.current = this.drainKinds(lane.kinds, lane).finally(() => {
        lane.current = null;
        if (this.running) this.schedule(lane, this.pollMs);
      });
    }, delay);
    lane.timer.unref();
  }
}

/** One lane of the worker: its kinds, its timer, the job in hand and how to stop it. */
class Lane {
  timer: NodeJS.Timeout | null = null;
  current: Promise<void> | null = null;
  abort: AbortController | null = null;

  constructor(readonly kinds: readonly JobKind[]) {}
}
