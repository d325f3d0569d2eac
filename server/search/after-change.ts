import type { Services } from '../services';

/**
 * Called by a route after a change to a document has been committed: visibility and metadata
 * reach the index before the response (the durable job stays queued if the engine is down),
 * and the background worker is woken for new extraction work.
 */
export async function afterDocumentChange({ indexer, worker }: Pick<Services, 'indexer' | 'worker'>, documentId: string): Promise<void> {
  await indexer.flushIndexJobs(documentId);
  worker.kick();
}
