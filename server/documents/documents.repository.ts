import type { Db } from '../db/database';
import type { User } from '../auth/roles';
import { visibleDocumentsSql, visibleVersionsSql } from './access.policy';
import type { AccessLevel, DocumentStatus, DocumentVersion, IndexingState, PortalDocument, RevisionState, StoredFile } from './document';

interface DocumentRow {
  id: string;
  city_id: string;
  title: string;
  summary: string;
  kind: string;
  year: number;
  access: AccessLevel;
  status: DocumentStatus;
  review_comment: string | null;
  indexing_state: IndexingState;
  indexing_reason: string | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  first_published_at: string | null;
  status_before_withdrawal: DocumentStatus | null;
}

interface VersionRow {
  number: number;
  filename: string;
  size: number;
  sha256: string;
  content_type: string;
  store: 'fs' | 'minio';
  object_key: string;
  created_at: string;
  username: string | null;
  revision: RevisionState | null;
  review_comment: string | null;
}

export interface NewDocumentRow {
  id: string;
  city: string;
  title: string;
  summary: string;
  kind: string;
  year: number;
  access: AccessLevel;
  hazards: string[];
  keywords: string[];
  resolutions: string[];
  sharedWith: string[];
  createdBy: number;
  at: string;
}

export interface DocumentListFilter {
  city?: string;
  status?: DocumentStatus;
  page: number;
  perPage: number;
}

/** SQL for documents and their versions; no rules here beyond the visibility clause it is given. */
export class DocumentsRepository {
  constructor(private readonly db: Db) {}

  find(id: string): PortalDocument | null {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return row ? this.hydrate(row) : null;
  }

  list(viewer: User, filter: DocumentListFilter): { total: number; documents: PortalDocument[] } {
    const visible = visibleDocumentsSql(viewer);
    const conditions = [visible.sql];
    const params: Record<string, string | number> = { ...visible.params };
    if (filter.city) {
      conditions.push('d.city_id = @city');
      params.city = filter.city;
    }
    if (filter.status) {
      conditions.push('d.status = @status');
      params.status = filter.status;
    }
    const where = conditions.join(' AND ');
    const total = this.db.prepare(`SELECT count(*) FROM documents d WHERE ${where}`).pluck().get(params) as number;
    const rows = this.db
      .prepare(`SELECT d.* FROM documents d WHERE ${where} ORDER BY d.updated_at DESC, d.id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: filter.perPage, offset: (filter.page - 1) * filter.perPage }) as DocumentRow[];
    return { total, documents: rows.map((row) => this.hydrate(row)) };
  }

  insert(doc: NewDocumentRow): void {
    this.db
      .prepare(
        `INSERT INTO documents (id, city_id, title, summary, kind, year, access, status, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
      )
      .run(doc.id, doc.city, doc.title, doc.summary, doc.kind, doc.year, doc.access, doc.createdBy, doc.at, doc.at);
    this.replaceLists(doc.id, doc);
    this.replaceShares(doc.id, doc.sharedWith);
  }

  updateFields(
    id: string,
    fields: Partial<{ title: string; summary: string; kind: string; year: number; access: AccessLevel }>,
    at: string,
  ): void {
    const columns = Object.keys(fields) as (keyof typeof fields)[];
    const assignments = [...columns.map((c) => `${c} = @${c}`), 'updated_at = @at'].join(', ');
    this.db.prepare(`UPDATE documents SET ${assignments} WHERE id = @id`).run({ ...fields, at, id });
  }

  /** Gives the document to another city; its shares are the caller's to fix (never the owner city itself). */
  moveToCity(id: string, city: string): void {
    this.db.prepare('UPDATE documents SET city_id = ? WHERE id = ?').run(city, id);
  }

  replaceLists(id: string, lists: Partial<Pick<NewDocumentRow, 'hazards' | 'keywords' | 'resolutions'>>): void {
    if (lists.hazards) {
      this.db.prepare('DELETE FROM document_hazards WHERE document_id = ?').run(id);
      const insert = this.db.prepare('INSERT OR IGNORE INTO document_hazards (document_id, hazard) VALUES (?, ?)');
      for (const hazard of lists.hazards) insert.run(id, hazard);
    }
    if (lists.keywords) {
      this.db.prepare('DELETE FROM document_keywords WHERE document_id = ?').run(id);
      const insert = this.db.prepare('INSERT INTO document_keywords (document_id, position, keyword) VALUES (?, ?, ?)');
      lists.keywords.forEach((keyword, position) => insert.run(id, position, keyword));
    }
    if (lists.resolutions) {
      this.db.prepare('DELETE FROM document_resolutions WHERE document_id = ?').run(id);
      const insert = this.db.prepare('INSERT OR IGNORE INTO document_resolutions (document_id, meeting, number) VALUES (?, ?, ?)');
      for (const ref of lists.resolutions) {
        const [meeting, number] = ref.split('/').map(Number);
        insert.run(id, meeting, number);
      }
    }
  }

  replaceShares(id: string, cities: string[]): void {
    this.db.prepare('DELETE FROM document_shares WHERE document_id = ?').run(id);
    const insert = this.db.prepare('INSERT OR IGNORE INTO document_shares (document_id, city_id) VALUES (?, ?)');
    for (const city of cities) insert.run(id, city);
  }

  addVersion(id: string, file: StoredFile, createdBy: number, at: string): number {
    const number = this.insertVersion(id, file, createdBy, at, null);
    this.db.prepare(`UPDATE documents SET updated_at = ?, indexing_state = 'queued', indexing_reason = NULL WHERE id = ?`).run(at, id);
    return number;
  }

  /** A revision of a published document: the document row is left as readers know it (no new date, no re-indexing). */
  addPendingRevision(id: string, file: StoredFile, createdBy: number, at: string): number {
    return this.insertVersion(id, file, createdBy, at, 'pending');
  }

  /** The revision becomes the current version; its text is to be extracted again. */
  publishRevision(id: string, number: number, at: string): void {
    this.db.prepare('UPDATE document_versions SET revision = NULL, review_comment = NULL WHERE document_id = ? AND number = ?').run(id, number);
    this.db.prepare(`UPDATE documents SET updated_at = ?, indexing_state = 'queued', indexing_reason = NULL WHERE id = ?`).run(at, id);
  }

  returnRevision(id: string, number: number, comment: string): void {
    this.db.prepare(`UPDATE document_versions SET revision = 'returned', review_comment = ? WHERE document_id = ? AND number = ?`).run(comment, id, number);
  }

  private insertVersion(id: string, file: StoredFile, createdBy: number, at: string, revision: RevisionState | null): number {
    const number = this.db.prepare('SELECT coalesce(max(number), 0) + 1 FROM document_versions WHERE document_id = ?').pluck().get(id) as number;
    this.db
      .prepare(
        `INSERT INTO document_versions (document_id, number, filename, size, sha256, content_type, store, object_key, created_by, created_at, revision)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, number, file.filename, file.size, file.sha256, file.contentType, file.store, file.objectKey, createdBy, at, revision);
    return number;
  }

  /**
   * The status changes; the first publication is remembered for good, and a withdrawal remembers the status it
   * left (SQLite evaluates the right-hand `status` on the row as it was before this update).
   */
  setStatus(id: string, status: DocumentStatus, reviewComment: string | null, at: string): void {
    this.db
      .prepare(
        `UPDATE documents SET status = @status, review_comment = @reviewComment, updated_at = @at,
           first_published_at = CASE WHEN @status = 'published' THEN coalesce(first_published_at, @at) ELSE first_published_at END,
           status_before_withdrawal = CASE WHEN @status = 'withdrawn' THEN status ELSE NULL END
         WHERE id = @id`,
      )
      .run({ id, status, reviewComment, at });
  }

  /** Deletes the document's row; its lists, versions, pages, shares and package items go with it (foreign keys cascade). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
  }

  /** The packages that list the document, for the record of its deletion. */
  packagesListing(id: string): string[] {
    return this.db.prepare('SELECT package_id FROM package_items WHERE document_id = ? ORDER BY package_id').pluck().all(id) as string[];
  }

  /** Documents other than `exceptId` holding a version with these bytes that `viewer` may see, oldest first. */
  withSameBytes(viewer: User, sha256: string, exceptId: string): { id: string; title: string }[] {
    const visible = visibleDocumentsSql(viewer);
    return this.db
      .prepare(
        `SELECT d.id, d.title FROM documents d
         WHERE d.id != @exceptId AND ${visible.sql}
           AND EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.sha256 = @sha256 AND ${visibleVersionsSql(viewer)})
         ORDER BY d.created_at, d.id`,
      )
      .all({ ...visible.params, exceptId, sha256 }) as { id: string; title: string }[];
  }

  /** Published documents whose revision waits for review, the longest waiting first. */
  withPendingRevision(city?: string): PortalDocument[] {
    const rows = this.db
      .prepare(
        `SELECT d.* FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.revision = 'pending'
         WHERE d.status = 'published' ${city ? 'AND d.city_id = @city' : ''}
         ORDER BY v.created_at, d.id`,
      )
      .all(city ? { city } : {}) as DocumentRow[];
    return rows.map((row) => this.hydrate(row));
  }

  setIndexing(id: string, state: 'queued' | 'running' | 'done' | 'failed', reason: string | null = null): void {
    this.db.prepare('UPDATE documents SET indexing_state = ?, indexing_reason = ? WHERE id = ?').run(state, reason, id);
  }

  /** The extracted text of the document's pages, in order. */
  pages(id: string): { page: number; text: string }[] {
    return this.db.prepare('SELECT page, text FROM document_pages WHERE document_id = ? ORDER BY page').all(id) as { page: number; text: string }[];
  }

  replacePages(id: string, version: number, pages: { page: number; text: string }[], method: string, warnings: string[], at: string): void {
    this.db.prepare('DELETE FROM document_pages WHERE document_id = ?').run(id);
    const insert = this.db.prepare('INSERT INTO document_pages (document_id, version, page, text) VALUES (?, ?, ?, ?)');
    for (const p of pages) insert.run(id, version, p.page, p.text);
    this.db
      .prepare(
        `INSERT INTO document_extraction (document_id, version, method, warnings, extracted_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(document_id) DO UPDATE SET version = excluded.version, method = excluded.method, warnings = excluded.warnings, extracted_at = excluded.extracted_at`,
      )
      .run(id, version, method, JSON.stringify(warnings), at);
  }

  allIds(): string[] {
    return this.db.prepare('SELECT id FROM documents ORDER BY created_at').pluck().all() as string[];
  }

  existingIds(table: 'cities', ids: string[]): Set<string>;
  existingIds(table: 'kind' | 'hazard', ids: string[]): Set<string>;
  existingIds(table: 'cities' | 'kind' | 'hazard', ids: string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const placeholders = ids.map(() => '?').join(', ');
    const sql =
      table === 'cities'
        ? `SELECT id FROM cities WHERE id IN (${placeholders})`
        : `SELECT id FROM vocabulary WHERE facet = '${table}' AND id IN (${placeholders})`;
    return new Set(this.db.prepare(sql).pluck().all(...ids) as string[]);
  }

  existingResolutions(refs: string[]): Set<string> {
    const rows = this.db.prepare(`SELECT meeting || '/' || number FROM resolutions`).pluck().all() as string[];
    const known = new Set(rows);
    return new Set(refs.filter((ref) => known.has(ref)));
  }

  private hydrate(row: DocumentRow): PortalDocument {
    const id = row.id;
    const versions = this.db
      .prepare(
        `SELECT v.number, v.filename, v.size, v.sha256, v.content_type, v.store, v.object_key, v.created_at, u.username, v.revision, v.review_comment
         FROM document_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.document_id = ? ORDER BY v.number`,
      )
      .all(id) as VersionRow[];
    return {
      id,
      city: row.city_id,
      title: row.title,
      summary: row.summary,
      kind: row.kind,
      hazards: this.db.prepare('SELECT hazard FROM document_hazards WHERE document_id = ? ORDER BY hazard').pluck().all(id) as string[],
      year: row.year,
      keywords: this.db.prepare('SELECT keyword FROM document_keywords WHERE document_id = ? ORDER BY position').pluck().all(id) as string[],
      resolutions: this.db
        .prepare(`SELECT meeting || '/' || number FROM document_resolutions WHERE document_id = ? ORDER BY meeting, number`)
        .pluck()
        .all(id) as string[],
      access: row.access,
      status: row.status,
      reviewComment: row.review_comment,
      sharedWith: this.db.prepare('SELECT city_id FROM document_shares WHERE document_id = ? ORDER BY city_id').pluck().all(id) as string[],
      versions: versions.map(
        (v): DocumentVersion => ({
          number: v.number,
          filename: v.filename,
          size: v.size,
          sha256: v.sha256,
          contentType: v.content_type,
          store: v.store,
          objectKey: v.object_key,
          createdAt: v.created_at,
          createdBy: v.username,
          revision: v.revision,
          reviewComment: v.review_comment,
        }),
      ),
      indexing: { state: row.indexing_state, reason: row.indexing_reason },
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      firstPublishedAt: row.first_published_at,
      statusBeforeWithdrawal: row.status_before_withdrawal,
    };
  }
}
