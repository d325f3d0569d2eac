import type { FtsConnection } from './connection';
import { deletionKeys, typoTarget, withinOneEdit } from '../typos';

/**
 * The index's own vocabulary (`vocab`, `vocab_edits`): which words are indexed and on how many
 * documents and page rows, their completions, and the words one edit away from a misspelt one.
 */

/** Highest code point, so [prefix, prefix + END) is every word that starts with prefix. */
export const END = '\u{10ffff}';

/** The ways to cut a token in two halves of 2+ letters each. */
export function halves(token: string): [string, string][] {
  const chars = [...token];
  const result: [string, string][] = [];
  for (let k = 2; k <= chars.length - 2; k++) result.push([chars.slice(0, k).join(''), chars.slice(k).join('')]);
  return result;
}

export class Vocabulary {
  constructor(private readonly connection: FtsConnection) {}

  /** Which of these words are indexed, with the number of page rows each is on. */
  pagesOf(words: Iterable<string>): Map<string, number> {
    const list = [...new Set(words)];
    const known = new Map<string, number>();
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const rows = this.connection.sql(`SELECT word, pages FROM vocab WHERE word IN (${part.map(() => '?').join(',')})`).all(...part) as { word: string; pages: number }[];
      for (const row of rows) known.set(row.word, row.pages);
    }
    return known;
  }

  /** Whether any document matches the FTS5 expression (on fts_docs, one row per document). */
  matchesSomeDocument(expression: string): boolean {
    return this.connection.sql('SELECT 1 FROM fts_docs WHERE fts_docs MATCH ? LIMIT 1').get(expression) !== undefined;
  }

  hasPrefix(prefix: string): boolean {
    return this.connection.sql('SELECT 1 FROM vocab WHERE word >= ? AND word < ? LIMIT 1').get(prefix, prefix + END) !== undefined;
  }

  /** The first `limit` indexed words that start with `prefix`, with their page counts. */
  completions(prefix: string, limit: number): { word: string; pages: number }[] {
    return this.connection.sql('SELECT word, pages FROM vocab WHERE word >= ? AND word < ? LIMIT ?').all(prefix, prefix + END, BigInt(limit)) as {
      word: string;
      pages: number;
    }[];
  }

  /** The page rows of the first `scan` completions of `prefix`, summed: an estimate of what the prefix matches. */
  prefixPages(prefix: string, scan: number): number {
    return this.connection.sql(`SELECT sum(pages) FROM (SELECT pages FROM vocab WHERE word >= ? AND word < ? LIMIT ${scan})`).pluck().get(prefix, prefix + END) as number;
  }

  /** Indexed words of 5+ letters one edit away from the token (the candidates of search/typos.ts), with their page counts. */
  corrections(token: string): { word: string; pages: number }[] {
    const keys = deletionKeys(token);
    const rows = this.connection
      .sql(`SELECT v.word, v.docs, v.pages FROM vocab v WHERE v.id IN (SELECT word FROM vocab_edits WHERE key IN (${keys.map(() => '?').join(',')}))`)
      .all(...keys.map((k) => BigInt(k))) as { word: string; docs: number; pages: number }[];
    return rows.filter((row) => row.word !== token && typoTarget(row.word) && withinOneEdit(token, row.word)).map(({ word, pages }) => ({ word, pages }));
  }

  /** Counts a document's words in (+1) or out (-1), with the typo neighbourhood of words seen for the first or last time. */
  count(words: Map<string, number>, delta: 1 | -1): void {
    const sql = (source: string) => this.connection.sql(source);
    if (delta > 0) {
      const upsert = sql(
        'INSERT INTO vocab (word, docs, pages) VALUES (?, 1, ?) ON CONFLICT (word) DO UPDATE SET docs = docs + 1, pages = pages + excluded.pages RETURNING id, docs',
      );
      const edit = sql('INSERT OR IGNORE INTO vocab_edits (key, word) VALUES (?, ?)');
      for (const [word, pages] of words) {
        const { id, docs } = upsert.get(word, BigInt(pages)) as { id: number; docs: number };
        if (docs === 1 && typoTarget(word)) for (const key of deletionKeys(word)) edit.run(BigInt(key), BigInt(id));
      }
    } else {
      const lower = sql('UPDATE vocab SET docs = docs - 1, pages = pages - ? WHERE word = ? RETURNING id, docs');
      const drop = sql('DELETE FROM vocab WHERE id = ?');
      const dropEdit = sql('DELETE FROM vocab_edits WHERE key = ? AND word = ?');
      for (const [word, pages] of words) {
        const row = lower.get(BigInt(pages), word) as { id: number; docs: number } | undefined;
        if (!row || row.docs > 0) continue;
        drop.run(BigInt(row.id));
        if (typoTarget(word)) for (const key of deletionKeys(word)) dropEdit.run(BigInt(key), BigInt(row.id));
      }
    }
  }
}
