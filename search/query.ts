import { isStopWord, queryTokens, stem } from './persian';
import { MIN_PREFIX } from './snippet';

/**
 * What a query asks for, the same for every engine: the user's text read as clauses (a word, a
 * quoted phrase, or a run of words that names a synonym), exclusions (`-word`, `-"a phrase"`),
 * stop words dropped, synonyms attached. Engines turn this into their own syntax; nothing the
 * user typed reaches an engine as syntax.
 */

export interface QueryClause {
  /** The normalized words typed for this clause: one word, a phrase, or the words of a synonym. */
  tokens: string[];
  /** In quotes: matched as typed, word for word (no prefix, stem, synonym or typo correction). */
  exact: boolean;
  /** The last word typed, taken as the start of a longer word (search as you type). */
  prefix: boolean;
  /** The other terms of the synonym groups this clause names, each as normalized words. */
  synonyms: string[][];
  /** The synonym term the clause was recognised as, when it differs from what was typed (`زلزله` for `زلزله‌ها`, `زمینلرزه` for `زمین لرزه`). */
  term?: string[];
  /** Which run of plain words it came from, and where in it: adjacent words of one run may be concatenated (rule 8). */
  run: number;
  position: number;
}

export interface ParsedQuery {
  clauses: QueryClause[];
  /** Words and phrases whose documents are left out, each as normalized words. */
  excluded: string[][];
}

const MAX_TOKENS = 24;
const QUOTES: Record<string, string> = { '"': '"', '«': '»', '“': '”', '„': '“' };
const MINUS = new Set(['-', '\u2212']);

interface Segment {
  kind: 'plain' | 'phrase' | 'excluded-word' | 'excluded-phrase';
  text: string;
}

/** The query cut into plain text, quoted phrases and exclusions; an unclosed quote or a lone `-` is plain text. */
function segments(q: string): Segment[] {
  const out: Segment[] = [];
  let plain = '';
  let i = 0;
  const atWordStart = (at: number): boolean => at === 0 || /\s/u.test(q[at - 1]!);
  while (i < q.length) {
    const char = q[i]!;
    const negated = MINUS.has(char) && atWordStart(i) && i + 1 < q.length && !/\s/u.test(q[i + 1]!);
    const quoteAt = negated ? i + 1 : i;
    const close = QUOTES[q[quoteAt]!];
    if (close !== undefined) {
      const end = q.indexOf(close, quoteAt + 1);
      if (end > quoteAt) {
        if (plain) out.push({ kind: 'plain', text: plain });
        plain = '';
        out.push({ kind: negated ? 'excluded-phrase' : 'phrase', text: q.slice(quoteAt + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (negated) {
      let end = i + 1;
      while (end < q.length && !/\s/u.test(q[end]!)) end++;
      if (plain) out.push({ kind: 'plain', text: plain });
      plain = '';
      out.push({ kind: 'excluded-word', text: q.slice(i + 1, end) });
      i = end;
      continue;
    }
    plain += char;
    i++;
  }
  if (plain) out.push({ kind: 'plain', text: plain });
  return out;
}

/** A synonym term as normalized words, with the groups it belongs to. */
interface Term {
  tokens: string[];
  groups: number[];
}

/**
 * The synonym groups, normalized once: a query's run of words names a term when its words are the
 * term's words, or when they concatenate to a one-word term (`زمین لرزه` → `زمینلرزه`), or when a
 * single word has the same stem as a one-word term (`زلزله‌ها` → `زلزله`).
 */
export class SynonymTable {
  private readonly groups: string[][][];
  private readonly byFirst = new Map<string, Term[]>();
  private readonly single = new Map<string, Term>();
  private readonly byStem = new Map<string, Term>();

  constructor(groups: readonly (readonly string[])[] = []) {
    this.groups = groups.map((terms) => dedupe(terms.map((term) => queryTokens(term)).filter((tokens) => tokens.length > 0)));
    const terms = new Map<string, Term>();
    this.groups.forEach((group, g) => {
      for (const tokens of group) {
        const key = tokens.join(' ');
        const term = terms.get(key) ?? { tokens, groups: [] };
        term.groups.push(g);
        terms.set(key, term);
      }
    });
    for (const term of terms.values()) {
      this.byFirst.set(term.tokens[0]!, [...(this.byFirst.get(term.tokens[0]!) ?? []), term].sort((a, b) => b.tokens.length - a.tokens.length));
      if (term.tokens.length === 1) {
        this.single.set(term.tokens[0]!, term);
        if (!this.byStem.has(stem(term.tokens[0]!))) this.byStem.set(stem(term.tokens[0]!), term);
      }
    }
  }

  get size(): number {
    return this.groups.length;
  }

  /** Every group as normalized terms (each term's words joined by a space). */
  normalizedGroups(): string[][] {
    return this.groups.map((group) => group.map((tokens) => tokens.join(' ')));
  }

  /** The longest term the words from `at` name, and how many words it takes. */
  match(tokens: string[], at: number): { term: Term; length: number } | null {
    for (const term of this.byFirst.get(tokens[at]!) ?? []) {
      const n = term.tokens.length;
      if (at + n <= tokens.length && term.tokens.every((token, k) => tokens[at + k] === token)) return { term, length: n };
    }
    for (let n = 3; n >= 2; n--) {
      if (at + n > tokens.length) continue;
      const joined = this.single.get(tokens.slice(at, at + n).join(''));
      if (joined) return { term: joined, length: n };
    }
    const exact = this.single.get(tokens[at]!);
    if (exact) return { term: exact, length: 1 };
    const byStem = this.byStem.get(stem(tokens[at]!));
    return byStem ? { term: byStem, length: 1 } : null;
  }

  /** The other terms of the term's groups. */
  others(term: Term): string[][] {
    const key = term.tokens.join(' ');
    return dedupe(term.groups.flatMap((g) => this.groups[g]!).filter((tokens) => tokens.join(' ') !== key));
  }
}

function dedupe(list: string[][]): string[][] {
  const seen = new Set<string>();
  return list.filter((tokens) => {
    const key = tokens.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads a query: quoted phrases and exclusions first, then each run of plain words, where the
 * longest synonym terms are found; stop words are dropped unless the plain words are all stop
 * words and there is no phrase (then nothing would be left to look for); the last word typed is
 * a prefix when the query ends with it.
 */
export function parseQuery(q: string, synonyms: SynonymTable = new SynonymTable()): ParsedQuery {
  const parts = segments(q);
  const clauses: QueryClause[] = [];
  const excluded: string[][] = [];
  let budget = MAX_TOKENS;
  let run = 0;
  for (const part of parts) {
    const tokens = queryTokens(part.text).slice(0, Math.max(0, budget));
    budget -= tokens.length;
    if (tokens.length === 0) continue;
    if (part.kind === 'excluded-word' || part.kind === 'excluded-phrase') {
      if (part.kind === 'excluded-phrase') excluded.push(tokens);
      else excluded.push(...tokens.map((token) => [token]));
      continue;
    }
    if (part.kind === 'phrase') {
      clauses.push({ tokens, exact: true, prefix: false, synonyms: [], run: -1, position: 0 });
      continue;
    }
    for (let at = 0; at < tokens.length; ) {
      const found = synonyms.match(tokens, at);
      const length = found?.length ?? 1;
      const typed = tokens.slice(at, at + length);
      const term = found && found.term.tokens.join(' ') !== typed.join(' ') ? found.term.tokens : undefined;
      clauses.push({ tokens: typed, exact: false, prefix: false, synonyms: found ? synonyms.others(found.term) : [], ...(term ? { term } : {}), run, position: at });
      at += length;
    }
    run++;
  }
  const plain = clauses.filter((clause) => !clause.exact);
  const stopWord = (clause: QueryClause): boolean => clause.tokens.length === 1 && clause.synonyms.length === 0 && isStopWord(clause.tokens[0]!);
  const onlyStopWords = plain.length > 0 && plain.every(stopWord) && plain.length === clauses.length;
  const kept = onlyStopWords ? clauses : clauses.filter((clause) => clause.exact || !stopWord(clause));
  const last = parts[parts.length - 1];
  const lastClause = kept[kept.length - 1];
  if (last?.kind === 'plain' && lastClause && !lastClause.exact && lastClause.tokens.length === 1 && lastClause === clauses[clauses.length - 1] && [...lastClause.tokens[0]!].length >= MIN_PREFIX) {
    lastClause.prefix = true;
  }
  return { clauses: kept, excluded };
}
