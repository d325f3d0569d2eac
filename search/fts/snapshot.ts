import type Database from 'better-sqlite3';
import { FACETS, visibleTo, type AccessFields, type EntryType, type Facet, type SearchQuery, type Viewer } from '../search-index';

/** What a query needs to know of one indexed document once the full-text match is done. */
export interface SnapshotDoc {
  n: number;
  access: AccessFields;
  updatedAt: string;
  /** Its facet values, as numbers of the snapshot's value table (see `DocSnapshot.valueId`). */
  values: Int32Array;
}

/** The documents that pass visibility and every filter, and the facet counts (disjunctive, see FtsSearchIndex). */
export interface Selection {
  kept: SnapshotDoc[];
  facets: Record<Facet, Record<string, number>>;
}

/**
 * Visibility, filters, facet counts and ordering, in memory: after the FTS5 match these work on
 * a few thousand documents, which takes well under a millisecond in JavaScript and tens of
 * milliseconds as SQL over temp tables. The snapshot is the index's own `docs`, `doc_facets`
 * and `doc_shares` tables: writes through this index update it document by document
 * (`refresh`), and a write by another connection (e.g. `npm run reindex` while the portal runs)
 * is seen through SQLite's `data_version` and reloads it whole.
 */
export class DocSnapshot {
  private docs = new Map<number, SnapshotDoc>();
  private dataVersion: number | null = null;
  private readonly valueIds = new Map<string, number>();
  /** Per value number, the index of its facet in FACETS, and the value itself. */
  private readonly valueFacet: number[] = [];
  private readonly valueName: string[] = [];

  constructor(private readonly db: () => Database.Database) {}

  /** The snapshot, reloaded first if another connection changed the index since it was read. */
  current(): this {
    const version = this.db().pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.docs = this.load();
      this.dataVersion = version;
    }
    return this;
  }

  /** Re-reads one document after this connection wrote it (or drops it when it is gone). */
  refresh(n: number): void {
    if (this.dataVersion === null) return;
    const loaded = this.load(n);
    const doc = loaded.get(n);
    if (doc) this.docs.set(n, doc);
    else this.docs.delete(n);
  }

  forget(): void {
    this.docs.clear();
  }

  /** After a failed write: read everything again before the next query. */
  invalidate(): void {
    this.dataVersion = null;
  }

  get(n: number): SnapshotDoc | undefined {
    return this.docs.get(n);
  }

  all(): Iterable<number> {
    return this.docs.keys();
  }

  /** Whether an entry is a document or a lesson. */
  typeOf(n: number): EntryType {
    return this.valuesOf(n, 'type')[0] === 'lesson' ? 'lesson' : 'document';
  }

  /** A document's values of one facet (its hazards, its kind). */
  valuesOf(n: number, facet: Facet): string[] {
    const doc = this.docs.get(n);
    if (!doc) return [];
    const f = FACETS.indexOf(facet);
    return [...doc.values].filter((id) => this.valueFacet[id] === f).map((id) => this.valueName[id]!);
  }

  /**
   * The documents of `candidates` the viewer may see and every filter accepts, with the facet
   * counts: a facet's counts apply every other facet's filter but not its own. Facet values are
   * numbers here, so a query over thousands of documents counts in typed arrays.
   */
  select(viewer: Viewer, filters: SearchQuery['filters'], candidates: Iterable<number>): Selection {
    const accepted = new Uint8Array(this.valueFacet.length);
    let filteredFacets = 0;
    FACETS.forEach((facet, f) => {
      const values = filters[facet] ?? [];
      if (values.length === 0) return;
      filteredFacets |= 1 << f;
      for (const value of values) {
        const id = this.valueIds.get(valueKey(facet, value));
        if (id !== undefined) accepted[id] = 1;
      }
    });
    const counts = new Int32Array(this.valueFacet.length);
    const kept: SnapshotDoc[] = [];
    for (const n of candidates) {
      const doc = this.docs.get(n);
      if (!doc || !visibleTo(viewer, doc.access)) continue;
      let satisfied = 0;
      for (const id of doc.values) if (accepted[id]) satisfied |= 1 << this.valueFacet[id]!;
      const failing = filteredFacets & ~satisfied;
      if (failing === 0) {
        kept.push(doc);
        for (const id of doc.values) counts[id]! += 1;
      } else if ((failing & (failing - 1)) === 0) {
        for (const id of doc.values) if (1 << this.valueFacet[id]! === failing) counts[id]! += 1;
      }
    }
    const facets = Object.fromEntries(FACETS.map((facet) => [facet, {}])) as Record<Facet, Record<string, number>>;
    counts.forEach((count, id) => {
      if (count > 0) facets[FACETS[this.valueFacet[id]!]!][this.valueName[id]!] = count;
    });
    return { kept, facets };
  }

  /** The number of a facet value, given on first sight and kept while the snapshot lives. */
  private valueId(facet: Facet, value: string): number {
    const key = valueKey(facet, value);
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.valueFacet.length;
      this.valueIds.set(key, id);
      this.valueFacet.push(FACETS.indexOf(facet));
      this.valueName.push(value);
    }
    return id;
  }

  private load(only?: number): Map<number, SnapshotDoc> {
    const where = only === undefined ? '' : 'WHERE n = @n';
    const whereDoc = only === undefined ? '' : 'WHERE doc = @n';
    const params = only === undefined ? {} : { n: BigInt(only) };
    const db = this.db();
    const rows = db.prepare(`SELECT n, city, status, access, updated_at FROM docs ${where}`).all(params) as {
      n: number;
      city: string;
      status: AccessFields['status'];
      access: AccessFields['access'];
      updated_at: string;
    }[];
    const values = new Map<number, number[]>(rows.map((row) => [row.n, []]));
    const facetRows = db.prepare(`SELECT f.doc, v.facet, v.value FROM doc_facets f JOIN facet_values v ON v.id = f.value ${whereDoc.replace('doc', 'f.doc')}`).raw().all(params) as [
      number,
      Facet,
      string,
    ][];
    for (const [n, facet, value] of facetRows) values.get(n)?.push(this.valueId(facet, value));
    const shares = new Map<number, string[]>();
    for (const [n, city] of db.prepare(`SELECT doc, city FROM doc_shares ${whereDoc}`).raw().all(params) as [number, string][]) {
      shares.set(n, [...(shares.get(n) ?? []), city]);
    }
    const docs = new Map<number, SnapshotDoc>();
    for (const row of rows) {
      docs.set(row.n, {
        n: row.n,
        access: { status: row.status, access: row.access, city: row.city, sharedWith: shares.get(row.n) ?? [] },
        updatedAt: row.updated_at,
        values: Int32Array.from(values.get(row.n)!),
      });
    }
    return docs;
  }
}

const valueKey = (facet: Facet, value: string): string => `${facet}\u0000${value}`;
