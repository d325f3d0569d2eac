import { stem } from '../persian';
import type { ParsedQuery, QueryClause } from '../query';
import { basicPatterns, dedupePatterns, type Pattern } from '../snippet';
import { splitPatterns } from './matches';

/**
 * How one clause is written in Meilisearch's `q`: a phrase in double quotes, else its normalized
 * words (the synonym term it was recognised as, so the `synonyms` setting applies). Tokens are runs
 * of letters and digits, so nothing the user typed is read as syntax.
 */
export function clauseText(clause: QueryClause): string {
  return clause.exact ? `"${clause.tokens.join(' ')}"` : (clause.term ?? clause.tokens).join(' ');
}

/** A `q` whose last word is a prefix only when `prefix` says so: Meilisearch takes the last word as one unless a space follows it. */
export function withPrefix(q: string, prefix: boolean): string {
  return prefix || q === '' ? q : `${q} `;
}

/**
 * A parsed query as Meilisearch's `q`: each exclusion with `-` first, then the clauses, the last one
 * a prefix only when the query reading says so (as in the SQLite index).
 */
export function meilisearchQuery(parsed: ParsedQuery): string {
  const excluded = parsed.excluded.map((tokens) => (tokens.length === 1 ? `-${tokens[0]}` : `-"${tokens.join(' ')}"`));
  const last = parsed.clauses.at(-1);
  const q = [...excluded, ...parsed.clauses.map(clauseText)].join(' ');
  return last ? withPrefix(q, last.exact || last.prefix) : q;
}

/** Whether a `q` has anything to rank by (not only exclusions). */
export function hasPositiveWords(q: string): boolean {
  return q.split(' ').some((part) => part !== '' && !part.startsWith('-'));
}

/**
 * What looks for the page of a hit among its pages' text and stems: each word by its stem, so a page
 * with the word in any form is found; phrases as they are.
 */
export function pageLookupText(parsed: ParsedQuery): string {
  const last = parsed.clauses.at(-1);
  const q = parsed.clauses.map((clause) => (clause.exact || clause.tokens.length !== 1 ? clauseText(clause) : stem(clause.tokens[0]!))).join(' ');
  return last ? withPrefix(q, last.prefix) : q;
}

/** A word of several tokens cannot be found in the whole-document chunk, whose words are listed once each, not in order. */
export const needsPositions = (clause: QueryClause): boolean => clause.exact && clause.tokens.length > 1;

/** The reading with each corrected clause replaced by its correction, as a word searched as written (search/typos.ts). */
export function withCorrections(parsed: ParsedQuery, corrections: Map<number, string>): ParsedQuery {
  return {
    ...parsed,
    clauses: parsed.clauses.map((clause, i) => {
      const word = corrections.get(i);
      return word === undefined ? clause : { tokens: [word], exact: true, prefix: false, synonyms: [], run: clause.run, position: clause.position };
    }),
  };
}

/** The query as the user typed it, each corrected word replaced: what `didYouMean` says. */
export function suggestion(parsed: ParsedQuery, corrections: Map<number, string>): string {
  return parsed.clauses.map((clause, i) => corrections.get(i) ?? (clause.exact ? `"${clause.tokens.join(' ')}"` : clause.tokens.join(' '))).join(' ');
}

/**
 * What our own snippets mark for a parsed query: each clause's words (the last a prefix, adjacent
 * ones concatenated, a word cut in two), their stems in any form, and the terms of their synonyms.
 */
export function highlightPatterns(parsed: ParsedQuery): Pattern[] {
  const tokens = parsed.clauses.flatMap((clause) => clause.tokens);
  const patterns: Pattern[] = [...basicPatterns(tokens), ...splitPatterns(tokens)];
  for (const clause of parsed.clauses) {
    if (clause.exact) {
      patterns.push({ words: clause.tokens, prefix: false });
      continue;
    }
    for (const token of clause.tokens) patterns.push({ words: [stem(token)], prefix: false, stem: true });
    for (const term of [...(clause.term ? [clause.term] : []), ...clause.synonyms]) patterns.push({ words: term, prefix: false, stem: term.length === 1 });
  }
  return dedupePatterns(patterns);
}
