import { MIGRATION_001 } from './001-foundation';
import { MIGRATION_002 } from './002-extracted-pages';
import { MIGRATION_003 } from './003-packages';
import { MIGRATION_004 } from './004-notifications';
import { MIGRATION_005 } from './005-resolution-followups';
import { MIGRATION_006 } from './006-notification-messages';
import { MIGRATION_007 } from './007-people';
import { MIGRATION_008 } from './008-document-lifecycle';
import { MIGRATION_009 } from './009-synonyms';
import { MIGRATION_010 } from './010-storage-copies';
import { MIGRATION_011 } from './011-lessons-subscriptions';

export interface Migration {
  id: number;
  name: string;
  sql: string;
  /** Builds a table anew (to change a column's constraints): runs with foreign keys off, checked before commit. */
  rebuildsTables?: boolean;
}

/** Forward-only: a migration, once released, is never edited; a change is a new file and a new entry here. */
export const MIGRATIONS: readonly Migration[] = [MIGRATION_001, MIGRATION_002, MIGRATION_003, MIGRATION_004, MIGRATION_005, MIGRATION_006, MIGRATION_007, MIGRATION_008, MIGRATION_009, MIGRATION_010, MIGRATION_011];
