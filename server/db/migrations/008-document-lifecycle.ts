/**
 * Revising, deleting and withdrawing with care.
 *
 * - A version of a published document may be a revision under review: `revision` is 'pending' while it
 *   waits for the secretariat, 'returned' (with the secretariat's `review_comment`) when sent back; readers
 *   get only versions whose `revision` is NULL.
 * - `first_published_at` decides whether the owner city may still delete a document (never published);
 *   it is set on the first publication and survives withdrawal. Backfilled from the audit log.
 * - `status_before_withdrawal` is what a restore brings back. Backfilled from the last withdrawal's audit row.
 * - `jobs` loses its foreign key to `documents`, so that deleting a document can queue the `index` job that
 *   removes it from the search index in the same transaction.
 * - `package_items` follow their document when it is deleted (ON DELETE CASCADE).
 */
export const MIGRATION_008 = {
  id: 8,
  name: 'document lifecycle',
  rebuildsTables: true,
  sql: `
    ALTER TABLE document_versions ADD COLUMN revision TEXT CHECK (revision IS NULL OR revision IN ('pending', 'returned'));
    ALTER TABLE document_versions ADD COLUMN review_comment TEXT;
    CREATE INDEX document_versions_sha256 ON document_versions(sha256);

    ALTER TABLE documents ADD COLUMN first_published_at TEXT;
    ALTER TABLE documents ADD COLUMN status_before_withdrawal TEXT
      CHECK (status_before_withdrawal IS NULL OR status_before_withdrawal IN ('draft', 'submitted', 'published', 'returned'));
    UPDATE documents SET first_published_at = (
      SELECT min(a.at) FROM audit_log a WHERE a.document_id = documents.id AND a.action = 'document.published'
    );
    UPDATE documents SET first_published_at = updated_at WHERE first_published_at IS NULL AND status = 'published';
    UPDATE documents SET status_before_withdrawal = (
      SELECT json_extract(a.details, '$.from') FROM audit_log a
      WHERE a.document_id = documents.id AND a.action = 'document.withdrawn'
        AND json_extract(a.details, '$.from') IN ('draft', 'submitted', 'published', 'returned')
      ORDER BY a.id DESC LIMIT 1
    ) WHERE status = 'withdrawn';

    CREATE TABLE jobs_rebuilt (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      document_id TEXT,
      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      run_after TEXT NOT NULL,
      reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    INSERT INTO jobs_rebuilt (id, kind, document_id, state, attempts, run_after, reason, created_at, updated_at)
      SELECT id, kind, document_id, state, attempts, run_after, reason, created_at, updated_at FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_rebuilt RENAME TO jobs;
    CREATE INDEX jobs_pending ON jobs(state, run_after);

    CREATE TABLE package_items_rebuilt (
      package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      note TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (package_id, position),
      UNIQUE (package_id, document_id)
    );
    INSERT INTO package_items_rebuilt (package_id, position, document_id, note)
      SELECT package_id, position, document_id, note FROM package_items;
    DROP TABLE package_items;
    ALTER TABLE package_items_rebuilt RENAME TO package_items;
    CREATE INDEX package_items_document ON package_items(document_id);
  `,
};
