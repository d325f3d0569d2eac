import type { Services } from '../services';

/**
 * An index that holds nothing while the database has documents or lessons (a new engine, a lost index
 * file, an index recreated for a new layout) is rebuilt in the background: one index job per document
 * and per lesson for the worker, so the portal answers at once and search fills up as the jobs run.
 * Returns how many were queued.
 */
export async function queueRebuildIfEmpty({ db, searchIndex, jobs }: Pick<Services, 'db' | 'searchIndex' | 'jobs'>, log: (line: string) => void): Promise<number> {
  if (!(await searchIndex.isEmpty())) return 0;
  const ids = db.prepare('SELECT id FROM documents ORDER BY created_at').pluck().all() as string[];
  const lessons = db.prepare('SELECT id FROM lessons ORDER BY created_at').pluck().all() as string[];
  if (ids.length + lessons.length === 0) return 0;
  db.transaction(() => {
    for (const id of ids) jobs.enqueue('index', id);
    for (const id of lessons) jobs.enqueue('index-lesson', id);
  })();
  log(`the ${searchIndex.kind} search index is empty: ${ids.length} documents and ${lessons.length} lessons are queued to be indexed again`);
  return ids.length + lessons.length;
}
