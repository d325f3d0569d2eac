/**
 * Synonym groups for search, edited by the secretariat: a query for any term of a group also finds
 * the others. `synonym_seeds` remembers which seeded groups (server/db/seed/synonyms.ts) were ever
 * added, so a group the secretariat deleted is not seeded again on the next start.
 */
export const MIGRATION_009 = {
  id: 9,
  name: 'synonyms',
  sql: `
CREATE TABLE synonym_groups (
  id INTEGER PRIMARY KEY,
  terms TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE synonym_seeds (
  key TEXT PRIMARY KEY,
  seeded_at TEXT NOT NULL
);`,
};
