export const MIGRATION_001 = {
  id: 1,
  name: 'foundation',
  sql: `
    CREATE TABLE cities (
      id TEXT PRIMARY KEY,
      name_fa TEXT NOT NULL,
      name_en TEXT NOT NULL,
      is_new_metropolis INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE vocabulary (
      facet TEXT NOT NULL CHECK (facet IN ('kind', 'hazard')),
      id TEXT NOT NULL,
      label_fa TEXT NOT NULL,
      label_en TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (facet, id)
    );
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('secretariat', 'city', 'reader')),
      city_id TEXT REFERENCES cities(id),
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      CHECK ((role = 'city') = (city_id IS NOT NULL))
    );
    CREATE TABLE api_tokens (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
      sid TEXT PRIMARY KEY,
      data TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE TABLE documents (
      id TEXT PRIMARY KEY,
      city_id TEXT NOT NULL REFERENCES cities(id),
      title TEXT NOT NULL,
      summary TEXT NOT NULL,
      kind TEXT NOT NULL,
      year INTEGER NOT NULL,
      access TEXT NOT NULL CHECK (access IN ('portal', 'restricted')),
      status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'returned', 'withdrawn')),
      review_comment TEXT,
      indexing_state TEXT NOT NULL DEFAULT 'queued' CHECK (indexing_state IN ('queued', 'running', 'done', 'failed')),
      indexing_reason TEXT,
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX documents_city_status ON documents(city_id, status);
    CREATE INDEX documents_status ON documents(status, updated_at);
    CREATE TABLE document_hazards (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      hazard TEXT NOT NULL,
      PRIMARY KEY (document_id, hazard)
    );
    CREATE TABLE document_keywords (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      keyword TEXT NOT NULL,
      PRIMARY KEY (document_id, position)
    );
    CREATE TABLE document_resolutions (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      meeting INTEGER NOT NULL,
      number INTEGER NOT NULL,
      PRIMARY KEY (document_id, meeting, number)
    );
    CREATE TABLE document_shares (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      city_id TEXT NOT NULL REFERENCES cities(id),
      PRIMARY KEY (document_id, city_id)
    );
    CREATE INDEX document_shares_city ON document_shares(city_id);
    CREATE TABLE document_versions (
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      number INTEGER NOT NULL,
      filename TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      content_type TEXT NOT NULL,
      store TEXT NOT NULL CHECK (store IN ('fs', 'minio')),
      object_key TEXT NOT NULL UNIQUE,
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      PRIMARY KEY (document_id, number)
    );
    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      user_id INTEGER REFERENCES users(id),
      action TEXT NOT NULL,
      document_id TEXT,
      target TEXT,
      details TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_document ON audit_log(document_id, id);
    CREATE TABLE meetings (
      number INTEGER PRIMARY KEY,
      city_id TEXT NOT NULL REFERENCES cities(id),
      date TEXT NOT NULL,
      title TEXT NOT NULL
    );
    CREATE TABLE resolutions (
      meeting INTEGER NOT NULL REFERENCES meetings(number),
      number INTEGER NOT NULL,
      text TEXT NOT NULL,
      text_en TEXT,
      responsible TEXT NOT NULL,
      responsible_en TEXT,
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'done')),
      due_date TEXT,
      PRIMARY KEY (meeting, number)
    );
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      document_id TEXT REFERENCES documents(id) ON DELETE CASCADE,
      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      run_after TEXT NOT NULL,
      reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX jobs_pending ON jobs(state, run_after);
  `,
};
