import type { SearchHit } from '../search-index';
import type { DocSnapshot } from './snapshot';
import { escapeHtml, patternKey, snippet, type Snippet } from '../snippet';
import type { FtsConnection } from './connection';
import type { MatchSpec } from './matcher';
import type { PlannedQuery } from './planner';
import { PAGE_SLOTS } from './schema';

/** How many of a hit's first pages are read for one with every query word, when bestPages chose none, before FTS5 is asked. */
const PAGES_READ_FOR_A_SNIPPET = 3;
/** How many pages FTS5 matched are read for a snippet before the hit falls back to its metadata. */
const PAGES_TRIED_FOR_A_SNIPPET = 3;

interface Row {
  n: number;
  id: string;
  title: string;
  summary: string;
  keywords: string;
  city: string;
  kind: string;
  year: number;
}

interface Chunk {
  id: number;
  page: number;
  text: string;
}

/** The hits shown: display fields, the page and its snippet; and the "did you mean" of a query. */
export class HitBuilder {
  constructor(
    private readonly connection: FtsConnection,
    private readonly snapshot: DocSnapshot,
  ) {}

  /** The hits of these documents, in the given order; `pageOf` names the page row chosen for each, if any. */
  hits(numbers: number[], spec: MatchSpec | null, pageOf: (n: number) => number | null | undefined): SearchHit[] {
    return this.rows(numbers).map((row) => this.hit(row, spec, pageOf(row.n)));
  }

  /** Hits without a query: the summary's start, no page (related documents). */
  plainHits(numbers: number[]): SearchHit[] {
    return this.rows(numbers).map((row) => this.hit(row, null, null));
  }

  /** The query with each word no document has replaced by the word it was read as (search/typos.ts); undefined when none was. */
  didYouMean(plan: PlannedQuery): string | undefined {
    if (plan.corrections.size === 0) return undefined;
    return plan.clauses.map((clause, i) => plan.corrections.get(i) ?? (clause.exact ? `"${clause.tokens.join(' ')}"` : clause.tokens.join(' '))).join(' ');
  }

  /** The display fields of these documents, in the given order. */
  private rows(numbers: number[]): Row[] {
    if (numbers.length === 0) return [];
    const rows = this.sql(`SELECT n, id, title, summary, keywords, city, kind, year FROM docs WHERE n IN (${numbers.map(() => '?').join(',')})`).all(
      ...numbers.map((n) => BigInt(n)),
    ) as Row[];
    const byNumber = new Map(rows.map((row) => [row.n, row]));
    return numbers.map((n) => byNumber.get(n)).filter((row): row is Row => row !== undefined);
  }

  /**
   * The hit with its snippet and page: the page bestPages chose, when its own text shows the
   * words; else (bestPages chose none) the first of the document's first pages whose text has
   * every query word; else the first later page FTS5 matches in this document's rowid range (a
   * lookup that reads the words' whole doclists, so it comes last); else the first of those
   * first pages with any of the words; else the metadata, with page null. Pages are cut one at a
   * time, as cutting a snippet normalizes the whole page.
   */
  private hit(row: Row, spec: MatchSpec | null, bestChunk: number | null | undefined): SearchHit {
    const base = { id: row.id, type: this.snapshot.typeOf(row.n), title: row.title, city: row.city, kind: row.kind, year: row.year };
    const plan = spec?.plan;
    const patterns = plan?.patterns ?? [];
    if (spec && plan && patterns.length > 0 && bestChunk !== null) {
      const first = row.n * PAGE_SLOTS;
      const end = first + PAGE_SLOTS;
      const read = (from: number, count: number): Chunk[] =>
        this.sql('SELECT id, page, text FROM chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').all(BigInt(from), BigInt(end), BigInt(count)) as Chunk[];
      const pageHit = (chunk: Chunk | undefined, cut = chunk && snippet(chunk.text, patterns)): SearchHit | null =>
        chunk && cut?.matched ? { ...base, snippet: cut.html, page: chunk.page } : null;
      const best = bestChunk === undefined ? null : pageHit(read(bestChunk, 1)[0]);
      if (best) return best;
      const firstPages = read(first, PAGES_READ_FOR_A_SNIPPET);
      const cuts: Snippet[] = [];
      for (const chunk of firstPages) {
        const cut = snippet(chunk.text, patterns);
        if (hasEveryWord(cut.found, plan)) return pageHit(chunk, cut)!;
        cuts.push(cut);
      }
      const found =
        (firstPages.length === PAGES_READ_FOR_A_SNIPPET ? this.laterMatchingPage(spec.score, first + PAGES_READ_FOR_A_SNIPPET, end, (chunk) => pageHit(read(chunk, 1)[0])) : null) ??
        firstPages.map((chunk, i) => pageHit(chunk, cuts[i])).find((hit) => hit !== null);
      if (found) return found;
    }
    const keywords = JSON.parse(row.keywords) as string[];
    for (const text of [row.summary, row.title, keywords.join('، ')]) {
      const cut = snippet(text, patterns);
      if (cut.matched) return { ...base, snippet: cut.html, page: null };
    }
    return { ...base, snippet: row.summary ? snippet(row.summary, []).html : escapeHtml(row.title), page: null };
  }

  /** The first page row from `from` on, within one document, that FTS5 matches and whose text shows a word (at most a few tried). */
  private laterMatchingPage(match: string, from: number, end: number, tryChunk: (chunk: number) => SearchHit | null): SearchHit | null {
    const chunks = this.sql(`SELECT rowid FROM fts_pages WHERE fts_pages MATCH ? AND rowid >= ? AND rowid < ? LIMIT ${PAGES_TRIED_FOR_A_SNIPPET}`)
      .pluck()
      .all(match, BigInt(from), BigInt(end)) as number[];
    for (const chunk of chunks) {
      const found = tryChunk(chunk);
      if (found) return found;
    }
    return null;
  }

  private sql(source: string) {
    return this.connection.sql(source);
  }
}

/** Whether every token of the query has one of its patterns among those a text was found to have. */
function hasEveryWord(found: Set<string>, plan: PlannedQuery): boolean {
  return plan.groups.every((group) => group.some((pattern) => found.has(patternKey(pattern))));
}
