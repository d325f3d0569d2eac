/**
 * The follow-up log of each resolution, and which resolutions ask every city to send something.
 * `resolution_asks_cities` has no foreign key because migrations run before the reference seed
 * inserts the 9th meeting; the flag for 9/2, 9/4 and 9/8 is seeded here, once.
 */
export const MIGRATION_005 = {
  id: 5,
  name: 'resolution follow-up',
  sql: `
    CREATE TABLE resolution_followups (
      id INTEGER PRIMARY KEY,
      meeting INTEGER NOT NULL,
      number INTEGER NOT NULL,
      at TEXT NOT NULL,
      user_id INTEGER REFERENCES users(id),
      note TEXT NOT NULL,
      status_from TEXT,
      status_to TEXT CHECK (status_to IS NULL OR status_to IN ('open', 'in-progress', 'done')),
      FOREIGN KEY (meeting, number) REFERENCES resolutions(meeting, number) ON DELETE CASCADE
    );
    CREATE INDEX resolution_followups_resolution ON resolution_followups(meeting, number, id);
    CREATE TABLE resolution_asks_cities (
      meeting INTEGER NOT NULL,
      number INTEGER NOT NULL,
      PRIMARY KEY (meeting, number)
    );
    INSERT INTO resolution_asks_cities (meeting, number) VALUES (9, 2), (9, 4), (9, 8);
  `,
};
