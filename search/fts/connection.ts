import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA, SCHEMA_VERSION, TABLES } from './schema';

/**
 * The index's own SQLite file and its prepared statements, shared by the writer, the planner and
 * the matcher: one connection, one statement cache.
 */
export class FtsConnection {
  private db: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly file: string) {}

  get isOpen(): boolean {
    return this.db !== null;
  }

  /** Opens the file (WAL); an index of another layout version is dropped and created empty (the index is derived data). */
  open(): void {
    if (this.db) return;
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -65536');
    const version = db.pragma('user_version', { simple: true }) as number;
    db.transaction(() => {
      if (version !== SCHEMA_VERSION) for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    this.db = db;
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
