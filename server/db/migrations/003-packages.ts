export const MIGRATION_003 = {
  id: 3,
  name: 'packages',
  sql: `
    CREATE TABLE packages (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      note TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
      audience TEXT NOT NULL CHECK (audience IN ('all', 'cities', 'new-metropolises')),
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      published_at TEXT
    );
    CREATE INDEX packages_status ON packages(status, published_at);
    CREATE TABLE package_items (
      package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      document_id TEXT NOT NULL REFERENCES documents(id),
      note TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (package_id, position),
      UNIQUE (package_id, document_id)
    );
    CREATE INDEX package_items_document ON package_items(document_id);
    -- The chosen cities of a package whose audience is 'cities'.
    CREATE TABLE package_audience (
      package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
      city_id TEXT NOT NULL REFERENCES cities(id),
      PRIMARY KEY (package_id, city_id)
    );
    CREATE INDEX package_audience_city ON package_audience(city_id);
    CREATE TABLE package_downloads (
      id INTEGER PRIMARY KEY,
      package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
      user_id INTEGER REFERENCES users(id),
      at TEXT NOT NULL
    );
    CREATE INDEX package_downloads_package ON package_downloads(package_id);
    -- Resolutions of the register a package answers, as meeting/number.
    CREATE TABLE package_resolutions (
      package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
      meeting INTEGER NOT NULL,
      number INTEGER NOT NULL,
      PRIMARY KEY (package_id, meeting, number)
    );
    CREATE INDEX package_resolutions_resolution ON package_resolutions(meeting, number);
  `,
};
