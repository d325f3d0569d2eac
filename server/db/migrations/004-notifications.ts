export const MIGRATION_004 = {
  id: 4,
  name: 'notifications',
  sql: `
    CREATE TABLE notifications (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      title TEXT NOT NULL,
      link TEXT NOT NULL,
      created_at TEXT NOT NULL,
      read_at TEXT
    );
    CREATE INDEX notifications_unread ON notifications(user_id, read_at, id);
  `,
};
