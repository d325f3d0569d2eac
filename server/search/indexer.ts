import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { StoreRegistry } from '../../storage/store-registry';
import type { SearchIndex } from '../../search/search-index';
import type { DocumentsRepository } from '../documents/documents.repository';
import type { Job, JobsQueue } from '../jobs/jobs.queue';
import type { JobRunner } from '../jobs/jobs.worker';
import type { ExtractionResult } from '../extraction/extract';
import { isDatabaseBusy, nowIso } from '../db/database';
import { JobOutcomes, type JobLog } from '../jobs/job-outcomes';
import { toIndexedDocument } from './index-document';
import type { DocumentLabels } from './labels';
import { currentVersion } from '../documents/document';
import { ExtractionError } from '../extraction/extraction.types';
import { ObjectNotFoundError } from '../../storage/object-store';
import { StoreNotConfiguredError } from '../../storage/store-registry';
import type { ExtractionFailureReason } from '../observability/metrics';

/** Where the indexer reports what an operator watches (the metrics). */
export interface IndexerObserver {
  extractionFailed(reason: ExtractionFailureReason, final: boolean): void;
}

export type Extractor = (
  input: { path: string; contentType: string; filename: string },
  options: { signal?: AbortSignal; tempRoot: string },
) => Promise<ExtractionResult>;

/** At most this many `index` jobs run together (see run). */
const INDEX_JOBS_TOGETHER = 64;

/**
 * Keeps the search index in step with the database: `extract` jobs turn a version's bytes into
 * stored page texts and index them; `index` jobs re-send a document whose metadata or visibility
 * changed. Both read only from the database and the store that holds the version, so a rebuild is
 * the same code. Extraction works in `tempRoot` (under DATA_DIR, emptied at each start).
 */
export class SearchIndexer implements JobRunner {
  private readonly outcomes: JobOutcomes;

  /** An extraction's outcome is also the document's indexing state (and an extraction failure is counted for the metrics). */
  constructor(
    private readonly repository: DocumentsRepository,
    private readonly stores: StoreRegistry,
    private readonly index: SearchIndex,
    private readonly jobs: JobsQueue,
    private readonly extract: Extractor,
    private readonly tempRoot: string,
    private readonly labels: DocumentLabels,
    log: JobLog = () => undefined,
    observer?: IndexerObserver,
  ) {
    this.outcomes = new JobOutcomes(jobs, log, {
      requeued: (job) => {
        if (job.kind === 'extract') repository.setIndexing(job.documentId, 'queued');
      },
      failed: (job, state, error) => {
        if (job.kind !== 'extract') return;
        repository.setIndexing(job.documentId, state, error instanceof Error ? error.message : String(error));
        observer?.extractionFailed(extractionFailureReason(error), state === 'failed');
      },
    });
  }

  /**
   * An `index` job takes other due `index` jobs along (a rebuild queues one per document), so that they
   * reach the engine together: Meilisearch then writes them in a few tasks instead of two per document.
   */
  async run(job: Job, signal?: AbortSignal): Promise<void> {
    const batch = job.kind === 'index' ? [job, ...this.claimMore('index', INDEX_JOBS_TOGETHER - 1)] : [job];
    await Promise.all(batch.map((one) => this.runOne(one, signal)));
  }

  /** Up to `limit` more due jobs of one kind; none while the database is busy. */
  private claimMore(kind: 'index', limit: number): Job[] {
    const claimed: Job[] = [];
    try {
      while (claimed.length < limit) {
        const job = this.jobs.claim([kind]);
        if (!job) break;
        claimed.push(job);
      }
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    }
    return claimed;
  }

  private runOne(job: Job, signal?: AbortSignal): Promise<void> {
    return this.outcomes.settle(job, () => (job.kind === 'extract' ? this.extractAndIndex(job.documentId, signal) : this.sync(job.documentId)), signal);
  }

  recordPending(): boolean {
    return this.outcomes.recordPending();
  }

  /** Runs every due `index` job now (at most `limit`), so visibility changes reach the index before the response. */
  async flushIndexJobs(documentId?: string, limit = 50): Promise<void> {
    if (!this.recordPending()) return;
    for (let i = 0; i < limit; i += 1) {
      const job = this.jobs.claim(['index'], documentId);
      if (!job) return;
      await this.runOne(job);
    }
  }

  /** Re-sends one document as the database has it; removes it when it is gone. */
  async sync(documentId: string): Promise<void> {
    const doc = this.repository.find(documentId);
    if (!doc) {
      await this.index.remove(documentId);
      return;
    }
    await this.index.upsert(toIndexedDocument(doc, this.repository.pages(documentId), this.labels(doc)));
  }

  private async extractAndIndex(documentId: string, signal: AbortSignal | undefined): Promise<void> {
    const doc = this.repository.find(documentId);
    if (!doc) return this.index.remove(documentId);
    const version = currentVersion(doc);
    if (!version) return;
    this.repository.setIndexing(documentId, 'running');
    fs.mkdirSync(this.tempRoot, { recursive: true });
    const folder = fs.mkdtempSync(path.join(this.tempRoot, 'extract-'));
    try {
      const file = path.join(folder, 'input');
      const body = await this.stores.for(version.store).get(version.objectKey);
      await pipeline(body, fs.createWriteStream(file), { signal });
      const result = await this.extract({ path: file, contentType: version.contentType, filename: version.filename }, { signal, tempRoot: folder });
      const latestDoc = this.repository.find(documentId);
      const latest = latestDoc ? currentVersion(latestDoc)?.number : undefined;
      if (latest !== version.number) return;
      this.repository.replacePages(documentId, version.number, result.pages, result.method, result.warnings, nowIso());
      await this.sync(documentId);
      this.repository.setIndexing(documentId, 'done');
      // Page images come after the text: a document is findable first, and its thumbnail follows.
      this.jobs.enqueue('preview', documentId);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}

function extractionFailureReason(error: unknown): ExtractionFailureReason {
  if (error instanceof ExtractionError) return error.reason;
  if (error instanceof ObjectNotFoundError || error instanceof StoreNotConfiguredError) return 'store';
  return 'other';
}
