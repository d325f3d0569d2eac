import type { Job, JobKind, JobsQueue } from './jobs.queue';
import type { JobRunner } from './jobs.worker';
import { JobOutcomes, PermanentJobError, type JobLog } from './job-outcomes';

export type TaskHandler = (job: Job, signal?: AbortSignal) => Promise<void>;

/** Runs the jobs of the kinds it has a handler for; their outcomes are recorded as every job's are (job-outcomes.ts). */
export class TaskRunner implements JobRunner {
  private readonly outcomes: JobOutcomes;

  constructor(
    jobs: JobsQueue,
    private readonly handlers: Partial<Record<JobKind, TaskHandler>>,
    log: JobLog = () => undefined,
  ) {
    this.outcomes = new JobOutcomes(jobs, log);
  }

  get kinds(): JobKind[] {
    return Object.keys(this.handlers) as JobKind[];
  }

  run(job: Job, signal?: AbortSignal): Promise<void> {
    return this.outcomes.settle(
      job,
      async () => {
        const handler = this.handlers[job.kind];
        if (!handler) throw new PermanentJobError(`no handler for ${job.kind} jobs`);
        await handler(job, signal);
      },
      signal,
    );
  }

  recordPending(): boolean {
    return this.outcomes.recordPending();
  }
}
