import type { Job } from '../jobs/jobs.queue';
import { PermanentJobError } from '../jobs/job-outcomes';
import type { DocumentsRepository } from '../documents/documents.repository';
import { currentVersion, pendingRevision } from '../documents/document';
import type { PreviewService } from './previews.service';

/**
 * The `preview` job of a document: the page count and page-1 thumbnail of the version readers get and of a revision
 * waiting for review (the secretariat looks at it before publishing). Queued by a successful extraction and when a
 * revision arrives; resumed after a restart like every job. Other pages are drawn only when someone opens them.
 */
export class PreviewJob {
  constructor(
    private readonly repository: Pick<DocumentsRepository, 'find'>,
    private readonly previews: Pick<PreviewService, 'prepare'>,
  ) {}

  readonly run = async (job: Job, signal?: AbortSignal): Promise<void> => {
    const doc = this.repository.find(job.documentId);
    const versions = doc ? [currentVersion(doc), pendingRevision(doc)].filter((v) => v !== undefined) : [];
    try {
      for (const version of versions) await this.previews.prepare(version, signal);
    } catch (error) {
      // A file that is gone from its store will not come back by trying again.
      if ((error as { status?: number }).status === 404) throw new PermanentJobError((error as Error).message);
      throw error;
    }
  };
}
