import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../../storage/object-store';
import type { SearchIndex } from '../../search/search-index';
import type { DocumentsRepository } from '../documents/documents.repository';
import type { Job, JobsQueue } from '../jobs/jobs.queue';
import type { ExtractionResult } from '../extraction/extract';
import { nowIso } from '../db/database';
import { toIndexedDocument } from './index-document';
import type { DocumentLabels } from './labels';
import { currentVersion } from '../documents/document';

export type Extractor = (input: { path: string; contentType: string; filename: string }) => Promise<ExtractionResult>;

/**
 * Keeps the search index in step with the database: `extract` jobs turn a version's bytes into
 * stored page texts and index them; `index` jobs re-send a document whose metadata or visibility
 * changed. Both read only from the database and the store, so a rebuild is the same code.
 */
export class SearchIndexer {
  constructor(
    private readonly repository: DocumentsRepository,
    private readonly store: ObjectStore,
    private readonly index: SearchIndex,
    private readonly jobs: JobsQueue,
    private readonly extract: Extractor,
    private readonly labels: DocumentLabels,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async run(job: Job): Promise<void> {
    try {
      if (job.kind === 'extract') await this.extractAndIndex(job.documentId);
      else await this.sync(job.documentId);
      this.jobs.complete(job);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = (error as { permanent?: boolean }).permanent === true;
      const state = this.jobs.fail(job, reason, permanent);
      if (job.kind === 'extract') this.repository.setIndexing(job.documentId, state, reason);
      this.log(`job ${job.id} (${job.kind} ${job.documentId}) attempt ${job.attempts} failed: ${reason}${state === 'failed' ? ' — giving up' : ' — will retry'}`);
    }
  }

  /** Runs every due `index` job now (at most `limit`), so visibility changes reach the index before the response. */
  async flushIndexJobs(documentId?: string, limit = 50): Promise<void> {
    for (let i = 0; i < limit; i += 1) {
      const job = this.jobs.claim(['index'], documentId);
      if (!job) return;
      await this.run(job);
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

  private async extractAndIndex(documentId: string): Promise<void> {
    const doc = this.repository.find(documentId);
    if (!doc) return this.index.remove(documentId);
    const version = currentVersion(doc);
    if (!version) return;
    this.repository.setIndexing(documentId, 'running');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-extract-'));
    try {
      const file = path.join(folder, 'input');
      await pipeline(await this.store.get(version.objectKey), fs.createWriteStream(file));
      const result = await this.extract({ path: file, contentType: version.contentType, filename: version.filename });
      const latestDoc = this.repository.find(documentId);
      const latest = latestDoc ? currentVersion(latestDoc)?.number : undefined;
      if (latest !== version.number) return;
      this.repository.replacePages(documentId, version.number, result.pages, result.method, result.warnings, nowIso());
      await this.sync(documentId);
      this.repository.setIndexing(documentId, 'done');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}
