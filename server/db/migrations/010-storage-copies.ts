/**
 * The journal of `npm run storage:migrate`: one row per object copied to `target` and verified there
 * (its SHA-256 read back equal to the version's), so a migration that was stopped half-way goes on
 * where it was. The rows of a migration are deleted when it records the new locations.
 */
export const MIGRATION_010 = {
  id: 10,
  name: 'storage copies',
  sql: `
    CREATE TABLE storage_copies (
      object_key TEXT NOT NULL,
      target TEXT NOT NULL CHECK (target IN ('fs', 'minio')),
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      copied_at TEXT NOT NULL,
      PRIMARY KEY (object_key, target)
    ) WITHOUT ROWID;
  `,
};
