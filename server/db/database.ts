import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

/**
 * How long a write waits for another process's write transaction. SQLite waits synchronously, so the
 * portal's whole event loop waits with it: the portal waits briefly and answers 503 (or retries in the
 * background) rather than freeze every request; commands run beside the portal may wait longer.
 */
export const PORTAL_BUSY_TIMEOUT_MS = 250;
export const COMMAND_BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating when missing) the metadata database and brings it to this version's schema.
 * `migrate: false` is for a command that reads a database a running portal owns (a backup): it must not
 * change the schema under the portal's feet.
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number; migrate?: boolean } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Migrations and the WAL switch at start-up may meet a command's transaction: they wait like a command.
  db.pragma(`busy_timeout = ${COMMAND_BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  if (options.migrate !== false) migrate(db);
  db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? PORTAL_BUSY_TIMEOUT_MS)}`);
  return db;
}

/** Another connection holds the database longer than the busy timeout: worth retrying later, not a fault of the request. */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Database.SqliteError && typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** The disk under the database is full (or the file reached its size limit). */
export function isDatabaseFull(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_FULL';
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
