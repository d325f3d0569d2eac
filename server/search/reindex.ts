import { ConfigError, loadConfig } from '../config';
import { wire } from '../wire';
import { ProgressBar } from '../operations/progress-bar';
import { inWindows } from './in-windows';

/** How many documents are being indexed at once. */
const REINDEX_WINDOW = 64;

/**
 * `npm run reindex`: rebuilds the configured search index from the database (stored page texts
 * and metadata), e.g. after switching SEARCH engines. Documents never extracted are queued for
 * extraction, which the portal's worker (or `--extract` here) then does.
 */
async function main(): Promise<void> {
  const extractMissing = process.argv.includes('--extract');
  // Beside a running portal: it must not sweep the portal's temporary files or refuse the portal's stores.
  const services = await wire(loadConfig(), console.error, { owner: false });
  const { db, searchIndex, indexer, lessonIndexer, jobs, worker } = services;
  const ids = db.prepare('SELECT id FROM documents ORDER BY created_at').pluck().all() as string[];
  const lessons = db.prepare('SELECT id FROM lessons ORDER BY created_at').pluck().all() as string[];
  const unextracted = new Set(
    db.prepare('SELECT d.id FROM documents d LEFT JOIN document_extraction e ON e.document_id = d.id WHERE e.document_id IS NULL').pluck().all() as string[],
  );
  console.error(`rebuilding the ${searchIndex.kind} index from ${ids.length} documents and ${lessons.length} lessons`);
  await searchIndex.clear();
  const progress = new ProgressBar(ids.length + lessons.length);
  // Several entries in flight at once: an engine that batches writes (Meilisearch) sends them as few tasks.
  await inWindows(ids, REINDEX_WINDOW, async (id) => {
    await indexer.sync(id);
    if (unextracted.has(id)) db.transaction(() => jobs.enqueue('extract', id))();
    progress.tick();
  });
  await inWindows(lessons, REINDEX_WINDOW, async (id) => {
    await lessonIndexer.sync(id);
    progress.tick();
  });
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

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
