import type { DocumentChangeListener } from '../documents/document-changes';
import type { JobsWorker } from '../jobs/jobs.worker';
import type { SearchIndexer } from './indexer';

/**
 * Keeps the search index following the documents services: visibility and metadata reach the index
 * before the service answers (a job whose engine is down stays queued and the worker retries it),
 * and the background worker is woken for the extraction work the change queued.
 */
export class IndexFollower implements DocumentChangeListener {
  constructor(
    private readonly indexer: SearchIndexer,
    private readonly worker: Pick<JobsWorker, 'kick'>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async documentChanged(documentId: string): Promise<void> {
    try {
      await this.indexer.flushIndexJobs(documentId);
    } catch (error) {
      this.log(`index jobs of ${documentId} stay queued: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.worker.kick();
  }
}
