/** Notifications keep their text as a catalogue key and parameters, to be shown in each reader's language. */
export const MIGRATION_006 = {
  id: 6,
  name: 'notification messages',
  sql: `ALTER TABLE notifications ADD COLUMN message TEXT;`,
};
