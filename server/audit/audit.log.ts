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
}

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

  forDocument(documentId: string): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.at, a.user_id, u.username, a.action, a.document_id, a.target, a.details
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.document_id = ? ORDER BY a.id`,
      )
      .all(documentId) as {
      id: number;
      at: string;
      user_id: number | null;
      username: string | null;
      action: string;
      document_id: string | null;
      target: string | null;
      details: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      username: r.username,
      action: r.action,
      documentId: r.document_id,
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }
}
