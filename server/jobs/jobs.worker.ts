import type { JobKind, JobsQueue } from './jobs.queue';
import type { SearchIndexer } from '../search/indexer';

/**
 * Works through the durable queue in the background, one job at a time (extraction runs in a
 * child process; two cores do not reward more). Polls, and can be woken when work arrives.
 */
export class JobsWorker {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;

  constructor(
    private readonly jobs: JobsQueue,
    private readonly indexer: SearchIndexer,
    private readonly pollMs = 1000,
    private readonly kinds: readonly JobKind[] = ['index', 'extract'],
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.jobs.resumeInterrupted();
    this.schedule(0);
  }

  /** Wakes the worker now instead of at the next poll. */
  kick(): void {
    if (this.running && !this.current) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  /** Runs due jobs until none is left (tests and the reindex command use this). */
  async drain(): Promise<void> {
    for (;;) {
      const job = this.jobs.claim(this.kinds);
      if (!job) return;
      await this.indexer.run(job);
    }
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
