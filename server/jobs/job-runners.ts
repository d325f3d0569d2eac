import type { Job, JobKind } from './jobs.queue';
import type { JobRunner } from './jobs.worker';

/** One worker, several capabilities: each job goes to the runner of its kind. */
export class JobRunners implements JobRunner {
  private readonly runners: JobRunner[];

  constructor(private readonly byKind: Record<JobKind, JobRunner>) {
    this.runners = [...new Set(Object.values(byKind))];
  }

  run(job: Job, signal?: AbortSignal): Promise<void> {
    return this.byKind[job.kind].run(job, signal);
  }

  /** Every runner records what it could not; true only when none is left waiting. */
  recordPending(): boolean {
    return this.runners.map((runner) => runner.recordPending()).every(Boolean);
  }
}
