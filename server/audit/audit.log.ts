import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { User } from '../auth/roles';

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  documentId: string | null;
  target: string | null;
  details: Record<string, unknown>;
  /** What the entry is about, by name (read for the audit page only; null elsewhere). */
  subject: AuditSubjectNames;
}

export interface AuditSubjectNames {
  /** The document's title, while it exists. */
  documentTitle: string | null;
  /** A deleted document's last title, as its audit rows recorded it. */
  recordedTitle: string | null;
  /** A package entry's package title, while the package exists. */
  packageTitle: string | null;
  /** A `user:<id>` target's user name. */
  targetUsername: string | null;
}

const NO_NAMES: AuditSubjectNames = { documentTitle: null, recordedTitle: null, packageTitle: null, targetUsername: null };

export interface AuditFilter {
  action?: string;
  /** A username, matched exactly. */
  user?: string;
  documentId?: string;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries before this instant (exclusive). */
  until?: Date;
}

interface AuditRow {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  document_id: string | null;
  target: string | null;
  details: string;
  document_title?: string | null;
  recorded_title?: string | null;
  package_title?: string | null;
  target_username?: string | null;
}

const SELECT_ENTRIES = `SELECT a.id, a.at, a.user_id, u.username, a.action, a.document_id, a.target, a.details
  FROM audit_log a LEFT JOIN users u ON u.id = a.user_id`;

/**
 * The entries with the names of what they are about: the document's title while it exists, else the last title its
 * audit rows recorded (at upload, on a title correction, at deletion); a package's title; a user target's name.
 */
const SELECT_NAMED_ENTRIES = `SELECT a.id, a.at, a.user_id, u.username, a.action, a.document_id, a.target, a.details,
    doc.title AS document_title,
    CASE WHEN a.document_id IS NOT NULL AND doc.id IS NULL THEN (
      SELECT coalesce(json_extract(x.details, '$.title'), json_extract(x.details, '$.changes.title.to')) FROM audit_log x
      WHERE x.document_id = a.document_id AND coalesce(json_extract(x.details, '$.title'), json_extract(x.details, '$.changes.title.to')) IS NOT NULL
      ORDER BY x.id DESC LIMIT 1
    ) END AS recorded_title,
    pkg.title AS package_title,
    tu.username AS target_username
  FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
  LEFT JOIN documents doc ON doc.id = a.document_id
  LEFT JOIN packages pkg ON a.action LIKE 'package.%' AND pkg.id = a.target
  LEFT JOIN users tu ON a.target LIKE 'user:%' AND tu.id = CAST(substr(a.target, 6) AS INTEGER)`;

/** One row per change, written inside the same transaction as the change itself. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  record(
    actor: User | null,
    action: string,
    options: { documentId?: string; target?: string; details?: Record<string, unknown> } = {},
  ): void {
    this.db
      .prepare('INSERT INTO audit_log (at, user_id, action, document_id, target, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(nowIso(), actor?.id ?? null, action, options.documentId ?? null, options.target ?? null, JSON.stringify(options.details ?? {}));
  }

  /** A page of entries matching `filter`, newest first, each with the names of what it is about. */
  search(filter: AuditFilter, page: number, perPage: number): { total: number; entries: AuditEntry[] } {
    const { where, params } = whereOf(filter);
    const total = this.db.prepare(`SELECT count(*) FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ${where}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`${SELECT_NAMED_ENTRIES} ${where} ORDER BY a.id DESC LIMIT ? OFFSET ?`).all(...params, perPage, (page - 1) * perPage) as AuditRow[];
    return { total, entries: rows.map(entryOf) };
  }

  /**
   * Every entry matching `filter`, newest first, in batches: each batch is read with `.iterate()` and handed over row by row;
   * between batches the caller may wait (for a socket to drain) without holding the connection busy.
   */
  async eachMatching(filter: AuditFilter, onRow: (entry: AuditEntry) => void, between: () => Promise<void>, batch = 500): Promise<number> {
    const { where, params } = whereOf(filter);
    const statement = this.db.prepare(`${SELECT_ENTRIES} ${where ? `${where} AND` : 'WHERE'} a.id < ? ORDER BY a.id DESC LIMIT ?`);
    let before = Number.MAX_SAFE_INTEGER;
    let count = 0;
    for (;;) {
      let inBatch = 0;
      for (const row of statement.iterate(...params, before, batch) as IterableIterator<AuditRow>) {
        onRow(entryOf(row));
        before = row.id;
        inBatch += 1;
      }
      count += inBatch;
      if (inBatch < batch) return count;
      await between();
    }
  }

  /** The actions that occur in the log, for a filter's choices. */
  actions(): string[] {
    return this.db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
  }

  /** Every entry about `target` (e.g. `lesson:<id>`), oldest first. */
  forTarget(target: string): AuditEntry[] {
    const rows = this.db.prepare(`${SELECT_ENTRIES} WHERE a.target = ? ORDER BY a.id`).all(target) as AuditRow[];
    return rows.map(entryOf);
  }

  forDocument(documentId: string): AuditEntry[] {
    const rows = this.db.prepare(`${SELECT_ENTRIES} WHERE a.document_id = ? ORDER BY a.id`).all(documentId) as AuditRow[];
    return rows.map(entryOf);
  }
}

function entryOf(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    action: r.action,
    documentId: r.document_id,
    target: r.target,
    details: JSON.parse(r.details) as Record<string, unknown>,
    subject:
      r.document_title === undefined
        ? NO_NAMES
        : { documentTitle: r.document_title ?? null, recordedTitle: r.recorded_title ?? null, packageTitle: r.package_title ?? null, targetUsername: r.target_username ?? null },
  };
}

function whereOf(filter: AuditFilter): { where: string; params: unknown[] } {
  const conditions: [string, unknown][] = [];
  if (filter.action) conditions.push(['a.action = ?', filter.action]);
  if (filter.user) conditions.push(['u.username = ?', filter.user]);
  if (filter.documentId) conditions.push(['a.document_id = ?', filter.documentId]);
  if (filter.since) conditions.push(['a.at >= ?', filter.since.toISOString()]);
  if (filter.until) conditions.push(['a.at < ?', filter.until.toISOString()]);
  const clauses = conditions.map(([clause]) => clause);
  const params = conditions.map(([, value]) => value);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

