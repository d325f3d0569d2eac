import { FACETS, type AccessFields, type Facet, type IndexedDocument } from '../search-index';
import type { FtsConnection } from './connection';
import { indexedText, PAGE_SLOTS, together, wordPages, type IndexedText } from './schema';
import type { DocSnapshot } from './snapshot';
import type { Vocabulary } from './vocabulary';

/** An upsert normalizes this many pages, then lets other work run. */
const PAGES_PER_SLICE = 20;

/**
 * Every write to the index: a document with all its pages, its access, its removal, and clearing
 * everything. Each write is one transaction that also keeps the vocabulary and the snapshot current;
 * if it fails, the snapshot is read again whole before the next query.
 */
export class FtsWriter {
  constructor(
    private readonly connection: FtsConnection,
    private readonly vocabulary: Vocabulary,
    private readonly snapshot: DocSnapshot,
  ) {}

  async write(doc: IndexedDocument): Promise<void> {
    if (doc.pages.length > PAGE_SLOTS) throw new Error(`document ${doc.id} has ${doc.pages.length} pages; the index takes at most ${PAGE_SLOTS}`);
    const title = indexedText(doc.title);
    const keywords = indexedText(doc.keywords.join('\n'));
    const summary = indexedText(doc.summary);
    const labels = indexedText((doc.labels ?? []).join('\n'));
    const labelWords = [labels.split, labels.joined].join(' ');
    const docHeadingStems = together([title, keywords, summary, labels]).stems;
    const pageHeadingStems = together([title, keywords, labels]).stems;
    const pages: { page: number; text: string; indexed: IndexedText }[] = [];
    for (const page of doc.pages) {
      pages.push({ page: page.page, text: page.text, indexed: indexedText(page.text) });
      if (pages.length % PAGES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const words = wordPages([title, keywords, labels], summary, pages.map((page) => page.indexed));
    const body = together(pages.map((page) => page.indexed));

    this.transaction(() => {
      const existing = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(doc.id) as number | undefined;
      if (existing !== undefined) this.removeDocument(existing);
      const n = Number(
        this.sql(
          `INSERT INTO docs (id, title, summary, keywords, city, kind, year, status, access, updated_at, chunk_count, words, labels)
           VALUES (@id, @title, @summary, @keywords, @city, @kind, @year, @status, @access, @updatedAt, @chunks, @words, @labels)`,
        ).run({
          id: doc.id,
          title: doc.title,
          summary: doc.summary,
          keywords: JSON.stringify(doc.keywords),
          city: doc.city,
          kind: doc.kind,
          year: BigInt(Math.trunc(doc.year)),
          status: doc.status,
          access: doc.access,
          updatedAt: doc.updatedAt,
          chunks: BigInt(pages.length),
          words: JSON.stringify([...words]),
          labels: JSON.stringify(doc.labels ?? []),
        }).lastInsertRowid,
      );
      this.writeFacets(n, doc);
      this.writeShares(n, doc.sharedWith);
      this.sql(
        'INSERT INTO fts_meta (rowid, title, title_joined, keywords, keywords_joined, summary, summary_joined, labels, heading_stems, stems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(BigInt(n), title.split, title.joined, keywords.split, keywords.joined, summary.split, summary.joined, labelWords, docHeadingStems, '');
      this.sql(
        `INSERT INTO fts_docs (rowid, title, title_joined, keywords, keywords_joined, summary, summary_joined, body, body_joined, labels, heading_stems, stems)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        BigInt(n), title.split, title.joined, keywords.split, keywords.joined, summary.split, summary.joined,
        body.split, body.joined, labelWords, docHeadingStems, body.stems,
      );
      const insertPage = this.sql(
        'INSERT INTO fts_pages (rowid, title, title_joined, keywords, keywords_joined, body, body_joined, labels, heading_stems, stems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const insertChunk = this.sql('INSERT INTO chunks (id, page, text) VALUES (?, ?, ?)');
      pages.forEach((page, index) => {
        const rowid = BigInt(n) * BigInt(PAGE_SLOTS) + BigInt(index);
        insertPage.run(rowid, title.split, title.joined, keywords.split, keywords.joined, page.indexed.split, page.indexed.joined, labelWords, pageHeadingStems, page.indexed.stems);
        insertChunk.run(rowid, BigInt(Math.trunc(page.page)), page.text);
      });
      this.vocabulary.count(words, +1);
      this.snapshot.refresh(n);
    });
  }

  changeAccess(id: string, access: AccessFields): void {
    this.transaction(() => {
      const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
      if (n === undefined) return;
      this.sql('UPDATE docs SET status = ?, access = ?, city = ? WHERE n = ?').run(access.status, access.access, access.city, BigInt(n));
      this.sql(`DELETE FROM doc_facets WHERE doc = ? AND value IN (SELECT id FROM facet_values WHERE facet = 'city')`).run(BigInt(n));
      this.sql('INSERT OR IGNORE INTO doc_facets (doc, value) VALUES (?, ?)').run(BigInt(n), BigInt(this.facetValue('city', access.city)));
      this.writeShares(n, access.sharedWith);
      this.snapshot.refresh(n);
    });
  }

  remove(id: string): void {
    this.transaction(() => {
      const n = this.sql('SELECT n FROM docs WHERE id = ?').pluck().get(id) as number | undefined;
      if (n !== undefined) this.removeDocument(n);
    });
  }

  clear(): void {
    this.transaction(() => {
      for (const table of ['docs', 'doc_shares', 'facet_values', 'doc_facets', 'chunks', 'vocab', 'vocab_edits']) this.sql(`DELETE FROM ${table}`).run();
      this.sql(`INSERT INTO fts_pages (fts_pages) VALUES ('delete-all')`).run();
      this.sql(`INSERT INTO fts_meta (fts_meta) VALUES ('delete-all')`).run();
      this.sql(`INSERT INTO fts_docs (fts_docs) VALUES ('delete-all')`).run();
      this.snapshot.forget();
    });
  }

  private writeFacets(n: number, doc: IndexedDocument): void {
    const insert = this.sql('INSERT OR IGNORE INTO doc_facets (doc, value) VALUES (?, ?)');
    const values: Record<Facet, string[]> = {
      city: [doc.city],
      kind: [doc.kind],
      hazard: doc.hazards,
      year: [String(doc.year)],
      resolution: doc.resolutions,
      fileType: [doc.fileType],
      type: [doc.type ?? 'document'],
    };
    for (const facet of FACETS) for (const value of values[facet]) if (value !== '') insert.run(BigInt(n), BigInt(this.facetValue(facet, value)));
  }

  private facetValue(facet: Facet, value: string): number {
    const id = this.sql('SELECT id FROM facet_values WHERE facet = ? AND value = ?').pluck().get(facet, value) as number | undefined;
    return id ?? Number(this.sql('INSERT INTO facet_values (facet, value) VALUES (?, ?)').run(facet, value).lastInsertRowid);
  }

  private writeShares(n: number, cities: string[]): void {
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    const insert = this.sql('INSERT OR IGNORE INTO doc_shares (doc, city) VALUES (?, ?)');
    for (const city of cities) insert.run(BigInt(n), city);
  }

  private removeDocument(n: number): void {
    const doc = this.sql('SELECT chunk_count, words FROM docs WHERE n = ?').get(BigInt(n)) as { chunk_count: number; words: string } | undefined;
    if (!doc) return;
    const lo = BigInt(n) * BigInt(PAGE_SLOTS);
    this.vocabulary.count(new Map(JSON.parse(doc.words) as [string, number][]), -1);

    const deletePage = this.sql('DELETE FROM fts_pages WHERE rowid = ?');
    for (let index = 0; index < doc.chunk_count; index++) deletePage.run(lo + BigInt(index));
    this.sql('DELETE FROM fts_meta WHERE rowid = ?').run(BigInt(n));
    this.sql('DELETE FROM fts_docs WHERE rowid = ?').run(BigInt(n));
    this.sql('DELETE FROM chunks WHERE id >= ? AND id < ?').run(lo, lo + BigInt(PAGE_SLOTS));
    this.sql('DELETE FROM doc_facets WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM doc_shares WHERE doc = ?').run(BigInt(n));
    this.sql('DELETE FROM docs WHERE n = ?').run(BigInt(n));
    this.snapshot.refresh(n);
  }

  /** A write transaction; if it fails, the snapshot (which follows writes as they happen) is read again whole. */
  private transaction(write: () => void): void {
    try {
      this.connection.database().transaction(write)();
    } catch (error) {
      this.snapshot.invalidate();
      throw error;
    }
  }

  private sql(source: string) {
    return this.connection.sql(source);
  }
}
