import { stem } from '../persian';
import type { ParsedQuery, QueryClause } from '../query';
import { dedupePatterns, type Pattern } from '../snippet';
import { typoSource } from '../typos';
import { halves, type Vocabulary } from './vocabulary';

/** A prefix with at most this many completions in the vocabulary is searched as those words. */
const MAX_PREFIX_WORDS = 8;
/** A phrase of several words costs this many times its words' doclists: positions are compared. */
const PHRASE_COST = 4;
/** How many completions of a short prefix are summed to estimate its matches. */
const PREFIX_SCAN = 5000;
/** Above this many matching page rows (estimated), bm25 does not weigh pages: a hit gets the first page with every query word. */
export const BM25_PAGE_LIMIT = 15_000;
/** At most this many ways to write one phrase (its compounds joined or in halves) are searched. */
const MAX_PHRASE_VARIANTS = 8;
/** The columns of stems (the same names in every FTS5 table): a word found only there was found in another form. */
export const EXACT_FORMS = '- {heading_stems stems}';

export const quote = (word: string): string => `"${word.replace(/"/g, '""')}"`;

/** Picks the correction of a token no document has among the indexed words one edit away (search/typos.ts), or none. */
export type ChooseCorrection = (token: string, candidates: string[]) => string | null;

export interface PlannedQuery {
  /** The clauses as typed, for "did you mean". */
  clauses: QueryClause[];
  /** Every clause (FTS5 AND), in any of its alternatives, to weigh pages and metadata with; null when the query only excludes. */
  match: string | null;
  /**
   * The same, to decide which documents match (fts_docs): the last word is a prefix there even when
   * it is a dense complete word that `match` searches exactly (see expand), so both engines find the same documents.
   */
  documentMatch: string | null;
  /** Per clause, its expression: a document matching more of them matches more of the query. */
  clauseMatches: string[];
  /** Per clause, its expression for fts_docs (see documentMatch). */
  clauseDocumentMatches: string[];
  /** Every clause in the forms typed (no stem, no synonym), outside the stem columns: documents with the words as written rank first. */
  exact: string | null;
  /** Any excluded word or phrase, as written; null when nothing is excluded. */
  exclude: string | null;
  patterns: Pattern[];
  /** Per clause, the patterns any of which stands for it (rule 8: every clause must be found). */
  groups: Pattern[][];
  /** Per clause index, the indexed word that stands in for a word no document has (search/typos.ts). */
  corrections: Map<number, string>;
  /** At most how many page rows the expression can match, from the vocabulary's counts. */
  estimate: number;
  /** At most how many page rows any one clause matches, summed (for a query relaxed to some of its clauses). */
  estimateAny: number;
  /** About how many doclist entries bm25 reads to weigh the phrases (it scans each phrase's whole doclist). */
  cost: number;
}

/** The alternatives of one clause: all of them, and those that are the forms typed. */
interface Alternatives {
  all: Pattern[];
  typed: Pattern[];
}

/**
 * Query planning and typo correction: turns a parsed query into FTS5 expressions, using the
 * vocabulary to leave out what cannot match, to expand short prefixes, and to correct typos. The
 * matching decisions of this engine are made here: what each clause may match, and how.
 */
export class QueryPlanner {
  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly options: { bm25PageLimit?: number } = {},
  ) {}

  /**
   * Rule 8 as FTS5 expressions: every clause must match, each through any of its alternatives
   * (the word, the last one as a prefix; adjacent words of the same run concatenated; its two
   * halves; typo corrections; its stem, found in any form; the other terms of its synonym groups;
   * a quoted phrase only word for word, as written). Alternatives the vocabulary shows cannot
   * match are left out, and a prefix with few completions becomes those words, since FTS5 merges
   * whole doclists for a prefix.
   */
  plan(query: ParsedQuery, choose: ChooseCorrection = () => null): PlannedQuery | null {
    const { clauses } = query;
    if (clauses.length === 0 && query.excluded.length === 0) return null;
    const known = this.knownWords(query);
    const alternatives: Alternatives[] = clauses.map((clause) => this.alternativesOf(clause, known));
    this.addConcatenations(clauses, alternatives);
    const corrections = new Map<number, string>();
    clauses.forEach((clause, i) => {
      if (clause.exact || clause.tokens.length !== 1) return;
      const token = clause.tokens[0]!;
      if (!typoSource(token) || this.matchesSomeDocument(clause, alternatives[i]!, known)) return;
      const candidates = this.vocabulary.corrections(token);
      const word = choose(token, candidates.map((candidate) => candidate.word));
      if (word === null) return;
      corrections.set(i, word);
      known.set(word, candidates.find((candidate) => candidate.word === word)?.pages ?? 0);
      const fix = { words: [word], prefix: false };
      alternatives[i]!.all.push(fix);
      alternatives[i]!.typed.push(fix);
    });

    let estimate = clauses.length === 0 ? 0 : Infinity;
    let estimateAny = 0;
    const costs = new Map<string, number>();
    const expression = (patterns: Pattern[], fallback: string, weigh: boolean): { pages: string; documents: string } => {
      const phrases = new Set<string>();
      const documentPhrases = new Set<string>();
      let matches = 0;
      for (const pattern of dedupePatterns(patterns)) {
        const expanded = this.expand(pattern, known);
        for (const phrase of expanded.phrases) phrases.add(phrase);
        for (const phrase of expanded.documentPhrases) documentPhrases.add(phrase);
        if (weigh) costs.set(expanded.phrases.join(' OR '), expanded.cost);
        matches += expanded.estimate;
      }
      if (weigh) {
        estimate = Math.min(estimate, matches);
        estimateAny += matches;
      }
      if (phrases.size === 0) phrases.add(quote(fallback));
      if (documentPhrases.size === 0) documentPhrases.add(quote(fallback));
      return { pages: `(${[...phrases].join(' OR ')})`, documents: `(${[...documentPhrases].join(' OR ')})` };
    };
    const exactOnly = (clause: QueryClause, text: string): string => (clause.exact ? `(${EXACT_FORMS} : ${text})` : text);
    const perClause = clauses.map((clause, i) => expression(alternatives[i]!.all, clause.tokens.join(' '), true));
    const clauseMatches = perClause.map((e, i) => exactOnly(clauses[i]!, e.pages));
    const clauseDocumentMatches = perClause.map((e, i) => exactOnly(clauses[i]!, e.documents));
    const typed = clauses.map((clause, i) => expression(alternatives[i]!.typed, clause.tokens.join(' '), false).documents);
    const excluded = query.excluded
      .map((tokens) => this.expand({ words: tokens, prefix: false }, known).documentPhrases)
      .filter((phrases) => phrases.length > 0)
      .flat();
    return {
      clauses,
      match: clauseMatches.length > 0 ? clauseMatches.join(' AND ') : null,
      documentMatch: clauseDocumentMatches.length > 0 ? clauseDocumentMatches.join(' AND ') : null,
      clauseMatches,
      clauseDocumentMatches,
      exact: typed.length > 0 ? `${EXACT_FORMS} : (${typed.join(' AND ')})` : null,
      exclude: excluded.length > 0 ? `${EXACT_FORMS} : (${excluded.join(' OR ')})` : null,
      patterns: dedupePatterns(alternatives.flatMap((a) => a.all)),
      groups: alternatives.map((a) => dedupePatterns(a.all)),
      corrections,
      estimate,
      estimateAny,
      cost: [...costs.values()].reduce((sum, c) => sum + c, 0),
    };
  }

  /**
   * Whether any document has the clause at all, in any of its alternatives (the last word also as a
   * prefix): a word the vocabulary has matches itself; alternatives whose words are all indexed may
   * still not match (two halves never side by side), so FTS5 is asked.
   */
  private matchesSomeDocument(clause: QueryClause, alternatives: Alternatives, known: Map<string, number>): boolean {
    const token = clause.tokens[0]!;
    if (known.has(token) || (clause.prefix && this.vocabulary.hasPrefix(token))) return true;
    const phrases = dedupePatterns(alternatives.all).flatMap((pattern) => this.expand(pattern, known).documentPhrases);
    return phrases.length > 0 && this.vocabulary.matchesSomeDocument(phrases.join(' OR '));
  }

  private alternativesOf(clause: QueryClause, known: Map<string, number>): Alternatives {
    const { tokens } = clause;
    if (clause.exact) {
      const phrases = this.phrases(tokens, known);
      return { all: phrases, typed: phrases };
    }
    const typed: Pattern[] = tokens.length > 1 ? this.phrases(tokens, known) : [{ words: tokens, prefix: clause.prefix }];
    if (tokens.length > 1) typed.push({ words: [tokens.join('')], prefix: false });
    else typed.push(...this.splits(tokens[0]!, known));
    const all = [...typed];
    if (tokens.length === 1 && stem(tokens[0]!) !== tokens[0]) all.push({ words: [stem(tokens[0]!)], prefix: false, stem: true });
    for (const term of [...(clause.term ? [clause.term] : []), ...clause.synonyms]) all.push({ words: term, prefix: false, stem: term.length === 1 });
    return { all, typed };
  }

  /** Adjacent one-word clauses of the same run, concatenated by twos and threes (`کلان شهر` → `کلانشهر`), stand for each of them. */
  private addConcatenations(clauses: QueryClause[], alternatives: Alternatives[]): void {
    for (let size = 2; size <= 3; size++) {
      for (let from = 0; from + size <= clauses.length; from++) {
        const span = clauses.slice(from, from + size);
        const adjacent = span.every((c, k) => !c.exact && c.tokens.length === 1 && c.run === span[0]!.run && c.position === span[0]!.position + k);
        if (!adjacent) continue;
        const pattern = { words: [span.map((c) => c.tokens[0]).join('')], prefix: span[span.length - 1]!.prefix };
        for (let i = from; i < from + size; i++) {
          alternatives[i]!.all.push(pattern);
          alternatives[i]!.typed.push(pattern);
        }
      }
    }
  }

  /**
   * The FTS5 phrases for one pattern (none when a word is not in the vocabulary; a prefix with
   * few completions as those words) and at most how many page rows they match.
   */
  private expand(pattern: Pattern, known: Map<string, number>): { phrases: string[]; documentPhrases: string[]; estimate: number; cost: number } {
    const none = { phrases: [], documentPhrases: [], estimate: 0, cost: 0 };
    const head = pattern.words.slice(0, -1);
    const tail = pattern.words[pattern.words.length - 1]!;
    if (!head.every((word) => known.has(word))) return none;
    const headPages = Math.min(Infinity, ...head.map((word) => known.get(word)!));
    const headCost = head.reduce((sum, word) => sum + known.get(word)!, 0);
    const before = head.map((word) => `${quote(word)} + `).join('');
    const weigh = (pages: number): number => (head.length === 0 ? pages : PHRASE_COST * (headCost + pages));
    if (!pattern.prefix) {
      const pages = known.get(tail);
      if (pages === undefined) return none;
      const phrases = [`${before}${quote(tail)}`];
      return { phrases, documentPhrases: phrases, estimate: Math.min(headPages, pages), cost: weigh(pages) };
    }
    const completions = this.vocabulary.completions(tail, MAX_PREFIX_WORDS + 1);
    if (completions.length <= MAX_PREFIX_WORDS) {
      const phrases = completions.map(({ word }) => `${before}${quote(word)}`);
      return {
        phrases,
        documentPhrases: phrases,
        estimate: completions.reduce((sum, { pages }) => sum + Math.min(headPages, pages), 0),
        cost: completions.reduce((sum, { pages }) => sum + weigh(pages), 0),
      };
    }
    // A last word that is itself a dense complete word (on more pages than bm25 weighs) is weighed
    // on pages exactly: as a prefix FTS5 would merge the page doclists of all its completions
    // (`شهر*` in `کلان شهر`), the slowest kind of query. Which documents match is still decided
    // with the prefix, on fts_docs (one row per document), so a document only a longer completion
    // matches (`شهرداری` for `شهر`) is found, as Meilisearch finds it; its page is then read from
    // its first pages (HitBuilder).
    const prefixPhrase = [`${before}${quote(tail)}*`];
    const exact = known.get(tail);
    if (exact !== undefined && exact > (this.options.bm25PageLimit ?? BM25_PAGE_LIMIT)) {
      return { phrases: [`${before}${quote(tail)}`], documentPhrases: prefixPhrase, estimate: Math.min(headPages, exact), cost: weigh(exact) };
    }
    const pages = this.vocabulary.prefixPages(tail, PREFIX_SCAN);
    return { phrases: prefixPhrase, documentPhrases: prefixPhrase, estimate: Math.min(headPages, pages), cost: weigh(pages) };
  }

  /** Which of the query's words, stems, synonyms, concatenations and possible halves are indexed words, with their page counts. */
  private knownWords(query: ParsedQuery): Map<string, number> {
    const candidates = new Set<string>();
    for (const clause of query.clauses) {
      for (const token of clause.tokens) {
        candidates.add(token).add(stem(token));
        for (const [a, b] of halves(token)) candidates.add(a).add(b);
      }
      candidates.add(clause.tokens.join(''));
      for (const term of [...(clause.term ? [clause.term] : []), ...clause.synonyms]) for (const word of term) candidates.add(word);
    }
    for (let size = 2; size <= 3; size++) {
      for (let from = 0; from + size <= query.clauses.length; from++) {
        candidates.add(query.clauses.slice(from, from + size).map((c) => c.tokens.join('')).join(''));
      }
    }
    for (const tokens of query.excluded) for (const word of tokens) candidates.add(word);
    return this.vocabulary.pagesOf(candidates);
  }

  /**
   * A phrase of several words as written, and with a compound word in its two halves: a
   * compound written with ZWNJ is indexed as two words in the split form (`آتش‌نشانی شهر` is
   * `آتش نشانی شهر` there), and the joined form keeps no neighbours.
   */
  private phrases(tokens: string[], known: Map<string, number>): Pattern[] {
    if (tokens.length === 1) return [{ words: tokens, prefix: false }];
    let variants: string[][] = [[]];
    for (const token of tokens) {
      const ways = [[token], ...this.splits(token, known).slice(0, 2).map((pattern) => pattern.words)];
      variants = variants.flatMap((before) => ways.map((way) => [...before, ...way])).slice(0, MAX_PHRASE_VARIANTS);
    }
    return variants.map((words) => ({ words, prefix: false }));
  }

  /** `کلانشهر` → `کلان` + `شهر` when both halves are indexed words. */
  private splits(token: string, known: Map<string, number>): Pattern[] {
    return halves(token)
      .filter(([a, b]) => known.has(a) && known.has(b))
      .map(([a, b]) => ({ words: [a, b], prefix: false }));
  }
}
