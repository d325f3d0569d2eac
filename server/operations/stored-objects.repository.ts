import type { StoreKind } from '../../storage/object-store';
import { nowIso, type Db } from '../db/database';
import type { AuditLog } from '../audit/audit.log';

/** One stored file the database names: a document version's bytes. */
export interface StoredObject {
  objectKey: string;
  store: StoreKind;
  sha256: string;
  size: number;
}

/** The SQL of the operations commands: which objects the database names, and the storage:migrate journal. */
export class StoredObjectsRepository {
  constructor(private readonly db: Db) {}

  /** Every stored object, or those in one store, oldest first. */
  list(store?: StoreKind): StoredObject[] {
    return this.db
      .prepare(
        `SELECT object_key AS objectKey, store, sha256, size FROM document_versions ${store ? 'WHERE store = ?' : ''} ORDER BY created_at, object_key`,
      )
      .all(...(store ? [store] : [])) as StoredObject[];
  }

  /** Whether a version still names this object in `store` (a document may be deleted while a command runs). */
  stillIn(objectKey: string, store: StoreKind): boolean {
    return this.db.prepare('SELECT 1 FROM document_versions WHERE object_key = ? AND store = ?').get(objectKey, store) !== undefined;
  }

  countByStore(): Partial<Record<StoreKind, number>> {
    const rows = this.db.prepare('SELECT store, count(*) AS n FROM document_versions GROUP BY store').all() as { store: StoreKind; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.store, r.n]));
  }

  /** Objects already copied to `target` and verified there, by a run that did not get to record them. */
  journal(target: StoreKind): Map<string, { sha256: string; size: number }> {
    const rows = this.db.prepare('SELECT object_key AS objectKey, sha256, size FROM storage_copies WHERE target = ?').all(target) as {
      objectKey: string;
      sha256: string;
      size: number;
    }[];
    return new Map(rows.map((r) => [r.objectKey, { sha256: r.sha256, size: r.size }]));
  }

  journalCopy(object: StoredObject, target: StoreKind): void {
    this.db
      .prepare('INSERT OR REPLACE INTO storage_copies (object_key, target, sha256, size, copied_at) VALUES (?, ?, ?, ?, ?)')
      .run(object.objectKey, target, object.sha256, object.size, nowIso());
  }

  forget(objectKey: string, target: StoreKind): void {
    this.db.prepare('DELETE FROM storage_copies WHERE object_key = ? AND target = ?').run(objectKey, target);
  }

  /**
   * In one transaction: every copied object's version now names `to`, its journal row goes, and one audit
   * row says so. A version whose row changed meanwhile (deleted) is left alone. Returns the keys moved.
   */
  recordMoves(keys: readonly string[], from: StoreKind, to: StoreKind, audit: AuditLog): string[] {
    return this.db.transaction(() => {
      const move = this.db.prepare('UPDATE document_versions SET store = ? WHERE object_key = ? AND store = ?');
      const forget = this.db.prepare('DELETE FROM storage_copies WHERE object_key = ? AND target = ?');
      const moved = keys.filter((key) => {
        forget.run(key, to);
        return move.run(to, key, from).changes === 1;
      });
      if (moved.length > 0) audit.record(null, 'storage.migrated', { details: { from, to, versions: moved.length } });
      return moved;
    })();
  }
}
