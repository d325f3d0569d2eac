import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...MIGRATIONS.map((m) => m.id));
  if (newest > known) {
    throw new Error(`the database was migrated by a newer version of the portal (migration ${newest}; this one knows up to ${known})`);
  }
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.id)) continue;
    if (migration.rebuildsTables) applyRebuild(db, migration);
    else apply(db, migration);
  }
}

function apply(db: Db, migration: Migration): void {
  db.transaction(() => {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migration.id, migration.name, new Date().toISOString());
  })();
}

/**
 * SQLite changes a column's constraints only by building the table anew, which must run with foreign
 * keys off (dropping the old table would otherwise cascade or fail); the keys are checked before commit.
 */
function applyRebuild(db: Db, migration: Migration): void {
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      apply(db, migration);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`migration ${migration.id} (${migration.name}) breaks ${broken.length} foreign keys`);
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
