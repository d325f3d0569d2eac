import type { Job, JobsQueue } from '../jobs/jobs.queue';
import type { JobRunner } from '../jobs/jobs.worker';
import type { DocumentsRepository } from '../documents/documents.repository';
import { currentVersion, pendingRevision } from '../documents/document';
import { isDatabaseBusy } from '../db/database';
import type { PreviewService } from './previews.service';

/** A job that met a busy database waits this long before it is due again (the attempt is not counted). */
const BUSY_DELAY_MS = 2_000;

/**
 * The `preview` job of a document: the page count and page-1 thumbnail of the version readers get and of a revision
 * waiting for review (the secretariat looks at it before publishing). Queued by a successful extraction and when a
 * revision arrives; resumed after a restart like every job. Other pages are drawn only when someone opens them.
 */
export class PreviewJobRunner implements JobRunner {
  private readonly unrecorded: (() => void)[] = [];

  constructor(
    private readonly repository: Pick<DocumentsRepository, 'find'>,
    private readonly previews: Pick<PreviewService, 'prepare'>,
    private readonly jobs: JobsQueue,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async run(job: Job, signal?: AbortSignal): Promise<void> {
    let record: () => void;
    try {
      const doc = this.repository.find(job.documentId);
      const versions = doc ? [currentVersion(doc), pendingRevision(doc)].filter((v) => v !== undefined) : [];
      for (const version of versions) await this.previews.prepare(version, signal);
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
        this.log(`a preview job's outcome waits for the database: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
      this.unrecorded.shift();
    }
    return true;
  }

  private failure(job: Job, error: unknown, signal: AbortSignal | undefined): () => void {
    const reason = error instanceof Error ? error.message : String(error);
    if (signal?.aborted) return () => this.jobs.release(job);
    if (isDatabaseBusy(error)) return () => this.jobs.release(job, BUSY_DELAY_MS);
    const permanent = (error as { permanent?: boolean }).permanent === true || (error as { status?: number }).status === 404;
    return () => {
      const state = this.jobs.fail(job, reason, permanent);
      this.log(`job ${job.id} (preview ${job.documentId}) attempt ${job.attempts} failed: ${reason}${state === 'failed' ? ' — giving up' : ' — will retry'}`);
    };
  }
}
