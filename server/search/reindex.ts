import { ConfigError, loadConfig } from '../config';
import { wire } from '../wire';

/**
 * `npm run reindex`: rebuilds the configured search index from the database (stored page texts
 * and metadata), e.g. after switching SEARCH engines. Documents never extracted are queued for
 * extraction, which the portal's worker (or `--extract` here) then does.
 */
async function main(): Promise<void> {
  const extractMissing = process.argv.includes('--extract');
  const services = await wire(loadConfig());
  const { db, searchIndex, indexer, jobs, worker } = services;
  const ids = db.prepare('SELECT id FROM documents ORDER BY created_at').pluck().all() as string[];
  const unextracted = new Set(
    db.prepare('SELECT d.id FROM documents d LEFT JOIN document_extraction e ON e.document_id = d.id WHERE e.document_id IS NULL').pluck().all() as string[],
  );
  console.error(`rebuilding the ${searchIndex.kind} index from ${ids.length} documents`);
  await searchIndex.clear();
  const progress = new ProgressBar(ids.length);
  for (const id of ids) {
    await indexer.sync(id);
    if (unextracted.has(id)) db.transaction(() => jobs.enqueue('extract', id))();
    progress.tick();
  }
  progress.done();
  if (unextracted.size > 0) {
    console.error(`${unextracted.size} documents had no extracted text and are queued for extraction`);
    if (extractMissing) {
      console.error('extracting now …');
      await worker.drain();
    }
  }
  services.sessions.close();
  await searchIndex.close();
  db.close();
}

class ProgressBar {
  private done_ = 0;
  private readonly started = Date.now();

  constructor(private readonly total: number) {}

  tick(): void {
    this.done_ += 1;
    if (this.done_ === this.total || this.done_ % 25 === 0) this.draw();
  }

  done(): void {
    this.draw();
    process.stderr.write('\n');
  }

  private draw(): void {
    const width = 30;
    const share = this.total === 0 ? 1 : this.done_ / this.total;
    const filled = Math.round(share * width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done_}/${this.total} ${seconds}s`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
