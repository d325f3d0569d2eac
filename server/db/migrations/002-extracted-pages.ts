export const MIGRATION_002 = {
  id: 2,
  name: 'extracted pages and search log',
  sql: `
    CREATE TABLE document_pages (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      page INTEGER NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY (document_id, page)
    );
    CREATE TABLE document_extraction (
      document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      method TEXT NOT NULL,
      warnings TEXT NOT NULL DEFAULT '[]',
      extracted_at TEXT NOT NULL
    );
    CREATE TABLE search_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      user_id INTEGER REFERENCES users(id),
      query TEXT NOT NULL,
      filters TEXT NOT NULL DEFAULT '{}',
      total INTEGER NOT NULL
    );
    CREATE INDEX search_log_empty ON search_log(total, at);
  `,
};
