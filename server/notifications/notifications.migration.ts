export const NOTIFICATIONS_MIGRATION = {
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

/** Notifications keep their text as a catalogue key and parameters, to be shown in each reader's language. */
export const NOTIFICATION_MESSAGES_MIGRATION = {
  id: 6,
  name: 'notification messages',
  sql: `ALTER TABLE notifications ADD COLUMN message TEXT;`,
};
