import { isStopWord } from '../persian';
import { visibleTo, type Viewer } from '../search-index';
import type { FtsConnection } from './connection';
import { newest } from './matcher';
import { quote } from './planner';
import { indexedText } from './schema';
import type { DocSnapshot, SnapshotDoc } from './snapshot';

/** How many of a document's most significant words look for documents like it. */
const SIGNIFICANT_WORDS = 12;
/** How many documents bm25 ranks by those words before tags and cities are weighed. */
const CANDIDATES = 200;
/** How much shared words, shared hazards and the same kind weigh in likeness (they add up to 1). */
const WORDS_WEIGHT = 0.6;
const HAZARDS_WEIGHT = 0.3;
const KIND_WEIGHT = 0.1;

/**
 * Documents (never lessons) like a given one: the candidates are those bm25 finds by its most significant words
 * (frequent in it, rare in the index) and those sharing one of its hazards; likeness weighs the
 * words, the shared hazards and the kind. Documents of other cities come first; the viewer's
 * visibility is applied to every candidate, as in search.
 */
export class RelatedFinder {
  constructor(
    private readonly connection: FtsConnection,
    private readonly snapshot: DocSnapshot,
  ) {}

  related(viewer: Viewer, id: string, limit: number): number[] {
    const source = this.connection.sql('SELECT n, words, labels FROM docs WHERE id = ?').get(id) as { n: number; words: string; labels: string } | undefined;
    const snapshot = this.snapshot.current();
    const own = source ? snapshot.get(source.n) : undefined;
    if (!source || !own) return [];
    const wordScores = this.byWords(source.n, this.significantWords(source.words, source.labels));
    const hazards = new Set(snapshot.valuesOf(source.n, 'hazard').filter((h) => h !== 'other'));
    const kind = snapshot.valuesOf(source.n, 'kind')[0];
    const candidates = new Set<number>(wordScores.keys());
    if (hazards.size > 0) for (const n of snapshot.all()) if (snapshot.valuesOf(n, 'hazard').some((h) => hazards.has(h))) candidates.add(n);
    candidates.delete(source.n);

    const ranked: { doc: SnapshotDoc; otherCity: number; likeness: number }[] = [];
    for (const n of candidates) {
      const doc = snapshot.get(n);
      if (!doc || !visibleTo(viewer, doc.access) || snapshot.typeOf(n) !== 'document') continue;
      const shared = hazards.size === 0 ? 0 : snapshot.valuesOf(n, 'hazard').filter((h) => hazards.has(h)).length / hazards.size;
      const sameKind = kind !== undefined && snapshot.valuesOf(n, 'kind')[0] === kind ? 1 : 0;
      const likeness = WORDS_WEIGHT * (wordScores.get(n) ?? 0) + HAZARDS_WEIGHT * shared + KIND_WEIGHT * sameKind;
      ranked.push({ doc, otherCity: doc.access.city === own.access.city ? 1 : 0, likeness });
    }
    ranked.sort((a, b) => a.otherCity - b.otherCity || b.likeness - a.likeness || newest(a.doc, b.doc));
    return ranked.slice(0, limit).map((entry) => entry.doc.n);
  }

  /**
   * The words that say most about a document: on many of its pages (or in its title and keywords,
   * which count on every page) and in few documents of the index; never a stop word, a number,
   * a word of two letters or fewer, or a word of its labels (its city's name would find its own city).
   */
  private significantWords(wordsJson: string, labelsJson: string): string[] {
    const labelWords = new Set(indexedText((JSON.parse(labelsJson) as string[]).join('\n')).words);
    const candidates = (JSON.parse(wordsJson) as [string, number][]).filter(
      ([word]) => [...word].length > 2 && !/\p{N}/u.test(word) && !isStopWord(word) && !labelWords.has(word),
    );
    if (candidates.length === 0) return [];
    const total = this.connection.sql('SELECT count(*) FROM docs').pluck().get() as number;
    const frequency = new Map<string, number>();
    for (let i = 0; i < candidates.length; i += 500) {
      const part = candidates.slice(i, i + 500).map(([word]) => word);
      const rows = this.connection.sql(`SELECT word, docs FROM vocab WHERE word IN (${part.map(() => '?').join(',')})`).all(...part) as { word: string; docs: number }[];
      for (const row of rows) frequency.set(row.word, row.docs);
    }
    return candidates
      .map(([word, pages]) => ({ word, weight: Math.log(1 + Math.max(pages, 1)) * Math.log(1 + total / (frequency.get(word) ?? total)) }))
      .filter((entry) => (frequency.get(entry.word) ?? 0) > 1)
      .sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
      .slice(0, SIGNIFICANT_WORDS)
      .map((entry) => entry.word);
  }

  /** bm25 of the documents that have any of the words, scaled so the best is 1. */
  private byWords(source: number, words: string[]): Map<number, number> {
    const scores = new Map<number, number>();
    if (words.length === 0) return scores;
    const rows = this.connection
      .sql(`SELECT rowid, bm25(fts_docs) AS score FROM fts_docs WHERE fts_docs MATCH ? AND rowid != ? ORDER BY score LIMIT ${CANDIDATES}`)
      .raw()
      .all(words.map(quote).join(' OR '), BigInt(source)) as [number, number][];
    const best = Math.min(0, ...rows.map(([, score]) => score));
    for (const [n, score] of rows) scores.set(n, best < 0 ? score / best : 0);
    return scores;
  }
}
