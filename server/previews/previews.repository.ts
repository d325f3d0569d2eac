import type { Db } from '../db/database';

/** The little SQL previews need: whether a version still exists, and the text extracted from one of its pages. */
export class PreviewsRepository {
  constructor(private readonly db: Db) {}

  /** Whether a document version still names this object (its document may be deleted while a page is drawn). */
  versionExists(objectKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM document_versions WHERE object_key = ?').get(objectKey) !== undefined;
  }

  /** The text extracted from page `page` of version `version`, if that version is the one whose text the portal keeps. */
  pageText(documentId: string, version: number, page: number): string | undefined {
    const row = this.db.prepare('SELECT text FROM document_pages WHERE document_id = ? AND version = ? AND page = ?').get(documentId, version, page) as
      | { text: string }
      | undefined;
    return row?.text;
  }
}
