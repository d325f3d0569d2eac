import { dedupePatterns, MIN_PREFIX, type Pattern } from '../snippet';
import { halves, typoSource, type Vocabulary } from './vocabulary';

/** A prefix with at most this many completions in the vocabulary is searched as those words. */
const MAX_PREFIX_WORDS = 8;
/** A phrase of several words costs this many times its words' doclists: positions are compared. */
const PHRASE_COST = 4;
/** How many completions of a short prefix are summed to estimate its matches. */
const PREFIX_SCAN = 5000;
/** Above this many matching page rows (estimated), bm25 does not weigh pages: a hit gets the first page with every query word. */
export const BM25_PAGE_LIMIT = 15_000;

export const quote = (word: string): string => `"${word.replace(/"/g, '""')}"`;
const term = (word: string, prefix: boolean): string => `${quote(word)}${prefix ? '*' : ''}`;

export interface PlannedQuery {
  tokens: string[];
  match: string;
  patterns: Pattern[];
  /** Per token, the patterns any of which stands for it (rule 8: every token must be found). */
  groups: Pattern[][];
  /** Per token index, the vocabulary words (best first) that stand in for a misspelt token. */
  corrections: Map<number, string[]>;
  /** At most how many page rows the expression can match, from the vocabulary's counts. */
  estimate: number;
  /** About how many doclist entries bm25 reads to weigh the phrases (it scans each phrase's whole doclist). */
  cost: number;
}

/**
 * Query planning and typo correction: turns the query's tokens into one FTS5 expression, using the
 * vocabulary to leave out what cannot match, to expand short prefixes, and to correct typos.
 */
export class QueryPlanner {
  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly options: { bm25PageLimit?: number } = {},
  ) {}

  /**
   * Rule 8 as an FTS5 expression: every token must match, each through any of its alternatives
   * (itself, the last one as a prefix; adjacent tokens concatenated; its two halves; typo
   * corrections). Alternatives the vocabulary shows cannot match are left out, and a prefix with
   * few completions becomes those words, since FTS5 merges whole doclists for a prefix.
   */
  plan(tokens: string[]): PlannedQuery | null {
    if (tokens.length === 0) return null;
    const last = tokens.length - 1;
    const known = this.knownWords(tokens);
    const groups: Pattern[][] = tokens.map((token, i) => [{ words: [token], prefix: i === last && [...token].length >= MIN_PREFIX }]);
    for (let size = 2; size <= 3; size++) {
      for (let from = 0; from + size <= tokens.length; from++) {
        const pattern = { words: [tokens.slice(from, from + size).join('')], prefix: from + size - 1 === last };
        for (let i = from; i < from + size; i++) groups[i]!.push(pattern);
      }
    }
    const corrections = new Map<number, string[]>();
    tokens.forEach((token, i) => {
      const splits = this.splits(token, known);
      groups[i]!.push(...splits);
      const explained = known.has(token) || splits.length > 0 || (i === last && this.vocabulary.hasPrefix(token));
      if (!explained && typoSource(token)) {
        const words = this.vocabulary.corrections(token);
        if (words.length > 0) {
          corrections.set(i, words.map((w) => w.word));
          for (const { word, pages } of words) known.set(word, pages);
          groups[i]!.push(...words.map(({ word }) => ({ words: [word], prefix: false })));
        }
      }
    });
    let estimate = Infinity;
    const costs = new Map<string, number>();
    const expressions = groups.map((group, i) => {
      const phrases = new Set<string>();
      let matches = 0;
      for (const pattern of dedupePatterns(group)) {
        const expanded = this.expand(pattern, known);
        for (const phrase of expanded.phrases) phrases.add(phrase);
        costs.set(expanded.phrases.join(' OR '), expanded.cost);
        matches += expanded.estimate;
      }
      estimate = Math.min(estimate, matches);
      if (phrases.size === 0) phrases.add(term(tokens[i]!, false));
      return `(${[...phrases].join(' OR ')})`;
    });
    const cost = [...costs.values()].reduce((sum, c) => sum + c, 0);
    return { tokens, match: expressions.join(' AND '), patterns: dedupePatterns(groups.flat()), groups, corrections, estimate, cost };
  }

  /** Indexed words of 5+ letters one edit away from the token, the most common first (for "did you mean"). */
  corrections(token: string): string[] {
    return this.vocabulary.corrections(token).map((w) => w.word);
  }

  /**
   * The FTS5 phrases for one pattern (none when a word is not in the vocabulary; a prefix with
   * few completions as those words) and at most how many page rows they match.
   */
  private expand(pattern: Pattern, known: Map<string, number>): { phrases: string[]; estimate: number; cost: number } {
    const none = { phrases: [], estimate: 0, cost: 0 };
    const head = pattern.words.slice(0, -1);
    const tail = pattern.words[pattern.words.length - 1]!;
    if (!head.every((word) => known.has(word))) return none;
    const headPages = Math.min(Infinity, ...head.map((word) => known.get(word)!));
    const headCost = head.reduce((sum, word) => sum + known.get(word)!, 0);
    const before = head.map((word) => `${quote(word)} + `).join('');
    const weigh = (pages: number): number => (head.length === 0 ? pages : PHRASE_COST * (headCost + pages));
    if (!pattern.prefix) {
      const pages = known.get(tail);
      return pages === undefined ? none : { phrases: [`${before}${quote(tail)}`], estimate: Math.min(headPages, pages), cost: weigh(pages) };
    }
    const completions = this.vocabulary.completions(tail, MAX_PREFIX_WORDS + 1);
    if (completions.length <= MAX_PREFIX_WORDS) {
      return {
        phrases: completions.map(({ word }) => `${before}${quote(word)}`),
        estimate: completions.reduce((sum, { pages }) => sum + Math.min(headPages, pages), 0),
        cost: completions.reduce((sum, { pages }) => sum + weigh(pages), 0),
      };
    }
    // A last word that is itself a dense complete word (on more pages than bm25 weighs) is searched
    // exactly: as a prefix FTS5 would merge the doclists of all its completions (`شهر*` in
    // `کلان شهر`), the slowest kind of query. Recall trade-off against rule 8 of persian.md: a
    // document only a longer completion matches (`شهرداری` for `شهر`) is not found; a prefix that
    // is not a word itself, or a word with few completions, still matches all of them.
    const exact = known.get(tail);
    if (exact !== undefined && exact > (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT)) {
      return { phrases: [`${before}${quote(tail)}`], estimate: Math.min(headPages, exact), cost: weigh(exact) };
    }
    const pages = this.vocabulary.prefixPages(tail, PREFIX_SCAN);
    return { phrases: [`${before}${quote(tail)}*`], estimate: Math.min(headPages, pages), cost: weigh(pages) };
  }

  /** Which of the tokens, their concatenations and their possible halves are indexed words, with their page counts. */
  private knownWords(tokens: string[]): Map<string, number> {
    const candidates = new Set<string>(tokens);
    for (const token of tokens) for (const [a, b] of halves(token)) candidates.add(a).add(b);
    for (let size = 2; size <= 3; size++) for (let from = 0; from + size <= tokens.length; from++) candidates.add(tokens.slice(from, from + size).join(''));
    return this.vocabulary.pagesOf(candidates);
  }

  /** `کلانشهر` → `کلان` + `شهر` when both halves are indexed words. */
  private splits(token: string, known: Map<string, number>): Pattern[] {
    return halves(token)
      .filter(([a, b]) => known.has(a) && known.has(b))
      .map(([a, b]) => ({ words: [a, b], prefix: false }));
  }
}
