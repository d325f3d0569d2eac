/**
 * The typo rule both engines follow (the contract suite states it): words are matched as written,
 * in their forms and synonyms, never by resemblance; a word no indexed document has at all is read
 * as its nearest indexed word. "Nearest": one edit away (a letter inserted, deleted, replaced, or
 * two neighbours swapped), 5+ letters, not a number; among several, the one the most documents the
 * viewer may see have as written (then the first in code-point order). Only a token of 4+ letters
 * is corrected. Persian has many short words one letter apart (`واژه‌دوم`, `واژه‌سوم`), so a typo
 * tolerance that is always on finds documents the reader did not ask for.
 */

export const MIN_TYPO_TARGET = 5;
/** 32-bit FNV-1a; collisions only add candidates, which are verified. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The word and every string it gives with one letter (code point) deleted. */
export function deletionKeys(word: string): number[] {
  const chars = [...word];
  const keys = new Set<number>([hash(word)]);
  for (let i = 0; i < chars.length; i++) keys.add(hash([...chars.slice(0, i), ...chars.slice(i + 1)].join('')));
  return [...keys];
}

/** Optimal string alignment distance ≤ 1 (one insertion, deletion, substitution or swap of neighbours). */
export function withinOneEdit(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (i === x.length && i === y.length) return true;
  const rest = (p: string[], q: string[]): boolean => p.join('') === q.join('');
  if (x.length === y.length) {
    if (rest(x.slice(i + 1), y.slice(i + 1))) return true;
    return x[i] === y[i + 1] && x[i + 1] === y[i] && rest(x.slice(i + 2), y.slice(i + 2));
  }
  return x.length > y.length ? rest(x.slice(i + 1), y.slice(i)) : rest(x.slice(i), y.slice(i + 1));
}

export const isNumeric = (token: string): boolean => /\p{N}/u.test(token);

/** Only words of 5+ letters are corrected to; a token of 4+ letters can be one edit from one. */
export const typoTarget = (word: string): boolean => [...word].length >= MIN_TYPO_TARGET && !isNumeric(word);
export const typoSource = (token: string): boolean => [...token].length >= MIN_TYPO_TARGET - 1 && !isNumeric(token);

/**
 * The correction chosen among the candidates: the one with the most visible documents (counted by
 * `visibleDocuments`, which counts documents that have the word as written), then the first in
 * code-point order; null when none is on a document the viewer may see.
 */
export function bestCorrection(candidates: Iterable<string>, visibleDocuments: (word: string) => number): string | null {
  let best: { word: string; count: number } | null = null;
  for (const word of [...new Set(candidates)].sort()) {
    const count = visibleDocuments(word);
    if (count > 0 && (best === null || count > best.count)) best = { word, count };
  }
  return best?.word ?? null;
}
