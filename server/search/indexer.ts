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

/** A job that met a busy database waits this long before it is due again (the attempt is not counted). */
const BUSY_DELAY_MS = 2_000;
/** At most this many `index` jobs run together (see run). */
const INDEX_JOBS_TOGETHER = 64;

/**
 * Keeps the search index in step with the database: `extract` jobs turn a version's bytes into
 * stored page texts and index them; `index` jobs re-send a document whose metadata or visibility
 * changed. Both read only from the database and the store that holds the version, so a rebuild is
 * the same code. Extraction works in `tempRoot` (under DATA_DIR, emptied at each start).
 */
export class SearchIndexer implements JobRunner {
  /** Outcomes the database refused to record (busy), oldest first; recorded before any new job. */
  private readonly unrecorded: (() => void)[] = [];

  constructor(
    private readonly repository: DocumentsRepository,
    private readonly stores: StoreRegistry,
    private readonly index: SearchIndex,
    private readonly jobs: JobsQueue,
    private readonly extract: Extractor,
    private readonly tempRoot: string,
    private readonly labels: DocumentLabels,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void = () => undefined,
    private readonly observer?: IndexerObserver,
  ) {}

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

  private async runOne(job: Job, signal?: AbortSignal): Promise<void> {
    let record: () => void;
    try {
      if (job.kind === 'extract') await this.extractAndIndex(job.documentId, signal);
      else await this.sync(job.documentId);
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
        this.log(`a job's outcome waits for the database: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
      this.unrecorded.shift();
    }
    return true;
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

  /** How to record a job that did not finish: back to the queue when stopped or kept out by a busy database, else a failed attempt. */
  private failure(job: Job, error: unknown, signal: AbortSignal | undefined): () => void {
    const reason = error instanceof Error ? error.message : String(error);
    if (signal?.aborted) {
      this.log(`job ${job.id} (${job.kind} ${job.documentId}) was stopped and goes back to the queue`);
      return () => {
        this.jobs.release(job);
        if (job.kind === 'extract') this.repository.setIndexing(job.documentId, 'queued');
      };
    }
    if (isDatabaseBusy(error)) {
      this.log(`job ${job.id} (${job.kind} ${job.documentId}) waits: ${reason}`);
      return () => {
        this.jobs.release(job, BUSY_DELAY_MS);
        if (job.kind === 'extract') this.repository.setIndexing(job.documentId, 'queued');
      };
    }
    const permanent = (error as { permanent?: boolean }).permanent === true;
    return () => {
      const state = this.jobs.fail(job, reason, permanent);
      if (job.kind === 'extract') {
        this.repository.setIndexing(job.documentId, state, reason);
        this.observer?.extractionFailed(extractionFailureReason(error), state === 'failed');
      }
      this.log(`job ${job.id} (${job.kind} ${job.documentId}) attempt ${job.attempts} failed: ${reason}${state === 'failed' ? ' — giving up' : ' — will retry'}`, {
        job: job.id,
        kind: job.kind,
        document: job.documentId,
        attempt: job.attempts,
        state,
        err: error,
      });
    };
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
