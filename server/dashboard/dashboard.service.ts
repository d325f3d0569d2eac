import type { Db } from '../db/database';
import { normalizeQueryText } from '../../search/persian';
import { solarYear } from '../i18n/solar-hijri';


export interface Tally {
  key: string;
  count: number;
}

export interface CrossTable {
  /** Solar Hijri years of upload, oldest first. */
  years: number[];
  rows: { key: string; total: number; byYear: Record<number, number> }[];
}

export interface NoResultSearch {
  query: string;
  count: number;
  lastAt: string;
  variants: number;
}

/** What one city has sent (any state but draft): in all, of each kind, for each resolution asked of every city. */
export interface CitySilence {
  city: string;
  total: number;
  byKind: Record<string, number>;
  byResolution: Record<string, number>;
}

export interface IndexingFailure {
  id: string;
  title: string;
  city: string;
  reason: string | null;
  updatedAt: string;
}

/** What the secretariat's dashboard counts; read-only queries on the metadata database. */
export class DashboardService {
  constructor(private readonly db: Db) {}

  /** Documents (drafts excluded) by city and by kind, over the Solar Hijri year of their upload. */
  uploads(): { byCity: CrossTable; byKind: CrossTable; byYear: Tally[]; total: number } {
    const rows = this.db
      .prepare(
        `SELECT city_id AS city, kind, substr(created_at, 1, 10) AS day, count(*) AS n
         FROM documents WHERE status != 'draft' GROUP BY city_id, kind, day`,
      )
      .all() as { city: string; kind: string; day: string; n: number }[];
    const yearOf = new Map<string, number>();
    const cells = rows.map((r) => {
      if (!yearOf.has(r.day)) yearOf.set(r.day, solarYear(`${r.day}T12:00:00Z`));
      return { ...r, year: yearOf.get(r.day)! };
    });
    const years = [...new Set(cells.map((c) => c.year))].sort((a, b) => a - b);
    const cross = (keyOf: (c: (typeof cells)[number]) => string): CrossTable => {
      const table = new Map<string, { key: string; total: number; byYear: Record<number, number> }>();
      for (const c of cells) {
        const key = keyOf(c);
        const row = table.get(key) ?? { key, total: 0, byYear: {} };
        row.total += c.n;
        row.byYear[c.year] = (row.byYear[c.year] ?? 0) + c.n;
        table.set(key, row);
      }
      return { years, rows: [...table.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key)) };
    };
    const byYear = years.map((year) => ({ key: String(year), count: cells.filter((c) => c.year === year).reduce((n, c) => n + c.n, 0) }));
    return { byCity: cross((c) => c.city), byKind: cross((c) => c.kind), byYear, total: cells.reduce((n, c) => n + c.n, 0) };
  }

  /**
   * Every city, those that have sent nothing first, then by how little they have sent and how many gaps (kinds and
   * resolutions with nothing) they leave; ties keep the cities' order. `resolutions` are "meeting/number" refs.
   */
  silence(cities: readonly string[], kinds: readonly string[], resolutions: readonly string[]): CitySilence[] {
    const byKind = this.db
      .prepare(`SELECT city_id AS city, kind, count(*) AS n FROM documents WHERE status != 'draft' GROUP BY city_id, kind`)
      .all() as { city: string; kind: string; n: number }[];
    const byResolution = this.db
      .prepare(
        `SELECT d.city_id AS city, r.meeting || '/' || r.number AS ref, count(DISTINCT d.id) AS n
         FROM document_resolutions r JOIN documents d ON d.id = r.document_id
         WHERE d.status != 'draft' GROUP BY d.city_id, r.meeting, r.number`,
      )
      .all() as { city: string; ref: string; n: number }[];
    const rows = cities.map((city): CitySilence => ({
      city,
      total: 0,
      byKind: Object.fromEntries(kinds.map((kind) => [kind, 0])),
      byResolution: Object.fromEntries(resolutions.map((ref) => [ref, 0])),
    }));
    const rowOf = new Map(rows.map((row) => [row.city, row]));
    for (const { city, kind, n } of byKind) {
      const row = rowOf.get(city);
      if (!row) continue;
      row.total += n;
      if (kind in row.byKind) row.byKind[kind] = n;
    }
    for (const { city, ref, n } of byResolution) {
      const row = rowOf.get(city);
      if (row && ref in row.byResolution) row.byResolution[ref] = n;
    }
    const gaps = (row: CitySilence) => [...Object.values(row.byKind), ...Object.values(row.byResolution)].filter((n) => n === 0).length;
    const order = new Map(cities.map((city, i) => [city, i]));
    return rows.sort((a, b) => a.total - b.total || gaps(b) - gaps(a) || order.get(a.city)! - order.get(b.city)!);
  }

  pendingReviews(): number {
    return this.db.prepare("SELECT count(*) FROM documents WHERE status = 'submitted'").pluck().get() as number;
  }

  indexingFailures(limit = 50): { total: number; documents: IndexingFailure[] } {
    const total = this.db.prepare("SELECT count(*) FROM documents WHERE indexing_state = 'failed'").pluck().get() as number;
    const documents = this.db
      .prepare(
        `SELECT id, title, city_id AS city, indexing_reason AS reason, updated_at AS updatedAt
         FROM documents WHERE indexing_state = 'failed' ORDER BY updated_at DESC LIMIT ?`,
      )
      .all(limit) as IndexingFailure[];
    return { total, documents };
  }

  /**
   * Searches that found nothing, grouped by their normalized form (so «کلان‌شهر» and «كلان شهر» count together),
   * most frequent first; each shown as its most frequent spelling.
   */
  noResultSearches(limit = 20): NoResultSearch[] {
    const rows = this.db
      .prepare('SELECT query, count(*) AS n, max(at) AS last FROM search_log WHERE total = 0 GROUP BY query')
      .all() as { query: string; n: number; last: string }[];
    const groups = new Map<string, { best: { query: string; n: number }; count: number; lastAt: string; variants: number }>();
    for (const row of rows) {
      const key = normalizeQueryText(row.query).replace(/\s+/g, ' ').trim();
      if (!key) continue;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { best: { query: row.query, n: row.n }, count: row.n, lastAt: row.last, variants: 1 });
        continue;
      }
      group.count += row.n;
      group.variants += 1;
      if (row.last > group.lastAt) group.lastAt = row.last;
      if (row.n > group.best.n) group.best = { query: row.query, n: row.n };
    }
    return [...groups.values()]
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, limit)
      .map((g) => ({ query: g.best.query.trim(), count: g.count, lastAt: g.lastAt, variants: g.variants }));
  }
}
