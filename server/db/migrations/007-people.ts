/**
 * People: every user gets a name, a job title, a phone and an e-mail (the directory of whom to call),
 * a flag that forces a new password after the secretariat set a temporary one, and a session epoch
 * that a password change raises so every session signed in before it ends.
 *
 * A reader may now belong to a city, so the users CHECK changes from "a city iff role city" to
 * "city users need a city, the secretariat has none": SQLite changes a constraint only by building
 * the table anew (every row copied with its id, so every foreign key to users still holds).
 */
export const MIGRATION_007 = {
  id: 7,
  name: 'people',
  rebuildsTables: true,
  sql: `
    CREATE TABLE users_rebuilt (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('secretariat', 'city', 'reader')),
      city_id TEXT REFERENCES cities(id),
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      full_name TEXT,
      job_title TEXT,
      phone TEXT,
      email TEXT,
      must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
      session_epoch INTEGER NOT NULL DEFAULT 0,
      password_changed_at TEXT,
      CHECK (role <> 'city' OR city_id IS NOT NULL),
      CHECK (role <> 'secretariat' OR city_id IS NULL)
    );
    INSERT INTO users_rebuilt (id, username, password_hash, role, city_id, disabled, created_at)
      SELECT id, username, password_hash, role, city_id, disabled, created_at FROM users;
    DROP TABLE users;
    ALTER TABLE users_rebuilt RENAME TO users;
    CREATE INDEX users_city ON users(city_id, disabled);
  `,
};
