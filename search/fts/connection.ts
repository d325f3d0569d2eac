import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA, SCHEMA_VERSION, TABLES } from './schema';

/**
 * The index's own SQLite file and its prepared statements, shared by the writer, the planner and
 * the matcher: one connection, one statement cache. The portal's thread holds the one connection
 * that writes (and lays the file out); each search worker opens its own read-only one
 * (`openForReading`), which never changes the file.
 */
export class FtsConnection {
  private db: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly file: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Opens an index the writer has laid out, read-only; refuses a missing file or another layout. */
  openForReading(): void {
    if (this.db) return;
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      tuneForQueries(db);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== SCHEMA_VERSION) throw new Error(`the search index ${this.file} has layout ${version}, this portal reads ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
  }

  /** Runs every read of `read` in one read transaction: one consistent state of the index, whatever the writer commits meanwhile. */
  reading<T>(read: () => T): T {
    return this.database().transaction(read).deferred();
  }

  get isOpen(): boolean {
    return this.db !== null;
  }

  /**
   * Opens the index file, creating it when missing. The index is derived data: a file of another layout
   * is emptied, and a file SQLite cannot read (damaged, or not a database) is moved aside as
   * `<file>.damaged-<time>` and started anew; either way the portal finds it empty and rebuilds it from the database.
   */
  open(): void {
    if (this.db) return;
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
    try {
      this.db = this.openFile();
    } catch (error) {
      if (this.file === ':memory:' || !isUnreadableDatabase(error)) throw error;
      const aside = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (fs.existsSync(this.file + suffix)) fs.renameSync(this.file + suffix, aside + suffix);
      }
      this.log(`the search index ${this.file} could not be read (${(error as Error).message}); it was moved to ${aside} and starts empty, to be rebuilt from the database`);
      this.db = this.openFile();
    }
  }

  private openFile(): Database.Database {
    const db = new Database(this.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      tuneForQueries(db);
      const version = db.pragma('user_version', { simple: true }) as number;
      db.transaction(() => {
        if (version !== SCHEMA_VERSION) for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
      if (version !== 0 && version !== SCHEMA_VERSION) {
        this.log(`the search index ${this.file} had layout ${version}, this portal uses ${SCHEMA_VERSION}: it starts empty, to be rebuilt from the database`);
      }
      // A file whose header survived can still be damaged further in: touch every table once (cheaply).
      for (const table of TABLES) if (!table.startsWith('fts_')) db.prepare(`SELECT * FROM ${table} LIMIT 1`).get();
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.statements.clear();
  }

  database(): Database.Database {
    if (!this.db) throw new Error('FtsSearchIndex used before init()');
    return this.db;
  }

  sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      statement = this.database().prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }
}

/** What every connection to the index sets, the writer's and each worker's read-only one. */
function tuneForQueries(db: Database.Database): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
}

function isUnreadableDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Database.SqliteError && typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code);
}
