import { isStopWord, queryTokens, stem } from '../../search/persian';
import type { Lesson } from './lesson';

/** What likeness is read from: the lesson's words and its hazards. */
export type LessonText = Pick<Lesson, 'title' | 'observation' | 'analysis' | 'recommendation' | 'hazards'>;

/** How much shared words and shared hazards weigh in likeness (they add up to 1). */
const WORDS_WEIGHT = 0.7;
const HAZARDS_WEIGHT = 0.3;
/** Two lessons are alike when they share at least this many significant words … */
export const MIN_SHARED_WORDS = 3;
/** … and their likeness reaches this. */
export const MIN_LIKENESS = 0.3;

/**
 * The significant words of a lesson, each by its stem: the text normalized as search normalizes it
 * (search/persian.ts: spelling variants, digits, ZWNJ), without the stop words search ignores, numbers, or
 * words of two letters or fewer, so «آبگرفتگی زیرگذرها» and «آب‌گرفتگي زیرگذر» share two words.
 */
export function significantWords(lesson: LessonText): Set<string> {
  const words = new Set<string>();
  for (const text of [lesson.title, lesson.observation, lesson.analysis, lesson.recommendation]) {
    for (const token of queryTokens(text)) {
      if ([...token].length <= 2 || /\p{N}/u.test(token) || isStopWord(token)) continue;
      words.add(stem(token));
    }
  }
  return words;
}

export interface Likeness {
  /** 0 to 1: shared words over the smaller lesson's words, and shared hazards over all their hazards. */
  score: number;
  sharedWords: string[];
  sharedHazards: string[];
}

/** How alike two lessons are; null when they are not alike enough to say so. */
export function likeness(a: { words: Set<string>; hazards: string[] }, b: { words: Set<string>; hazards: string[] }): Likeness | null {
  const sharedWords = [...a.words].filter((word) => b.words.has(word));
  if (sharedWords.length < MIN_SHARED_WORDS) return null;
  const hazardsA = new Set(a.hazards.filter((h) => h !== 'other'));
  const hazardsB = new Set(b.hazards.filter((h) => h !== 'other'));
  const sharedHazards = [...hazardsA].filter((h) => hazardsB.has(h));
  const allHazards = new Set([...hazardsA, ...hazardsB]);
  const words = sharedWords.length / Math.max(1, Math.min(a.words.size, b.words.size));
  const hazards = allHazards.size === 0 ? 0 : sharedHazards.length / allHazards.size;
  const score = WORDS_WEIGHT * words + HAZARDS_WEIGHT * hazards;
  return score >= MIN_LIKENESS ? { score, sharedWords: sharedWords.sort(), sharedHazards: sharedHazards.sort() } : null;
}

/** A lesson recurs in another when that one is of another city or another year: the same lesson, learned again elsewhere or later. */
export function recursIn(lesson: Pick<Lesson, 'city' | 'year'>, other: Pick<Lesson, 'city' | 'year'>): boolean {
  return lesson.city !== other.city || lesson.year !== other.year;
}

export interface SimilarLesson {
  lesson: Lesson;
  likeness: Likeness;
}

/** The lessons of `among` like `lesson` (another city or year, never itself), most alike first. */
export function similarLessons(lesson: LessonText & Pick<Lesson, 'city' | 'year'> & { id?: string }, among: Lesson[], limit = 10): SimilarLesson[] {
  const own = { words: significantWords(lesson), hazards: lesson.hazards };
  const found: SimilarLesson[] = [];
  for (const other of among) {
    if (other.id === lesson.id || !recursIn(lesson, other)) continue;
    const alike = likeness(own, { words: significantWords(other), hazards: other.hazards });
    if (alike) found.push({ lesson: other, likeness: alike });
  }
  return found.sort((a, b) => b.likeness.score - a.likeness.score || a.lesson.createdAt.localeCompare(b.lesson.createdAt)).slice(0, limit);
}

export interface LessonCluster {
  lessons: Lesson[];
  /** The hazards and words most of its lessons share. */
  hazards: string[];
  words: string[];
}

/**
 * Groups of alike lessons that recur (each joined to another of a different city or year): the connected groups
 * of the "alike" relation, two lessons or more, the largest first.
 */
export function clustersOf(lessons: Lesson[]): LessonCluster[] {
  const profiles = lessons.map((lesson) => ({ lesson, words: significantWords(lesson), hazards: lesson.hazards }));
  const parent = profiles.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < profiles.length; i += 1) {
    for (let j = i + 1; j < profiles.length; j += 1) {
      if (!recursIn(profiles[i]!.lesson, profiles[j]!.lesson)) continue;
      if (likeness(profiles[i]!, profiles[j]!)) parent[root(j)] = root(i);
    }
  }
  const groups = new Map<number, typeof profiles>();
  profiles.forEach((profile, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), profile]));
  return [...groups.values()]
    .filter((group) => group.length >= 2)
    .map((group) => ({
      lessons: group.map((p) => p.lesson).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      hazards: mostShared(group.map((p) => p.hazards.filter((h) => h !== 'other'))),
      words: mostShared(group.map((p) => [...p.words])).slice(0, 8),
    }))
    .sort((a, b) => b.lessons.length - a.lessons.length || a.lessons[0]!.createdAt.localeCompare(b.lessons[0]!.createdAt));
}

/** The values at least two of the lists have, the most frequent first. */
function mostShared(lists: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const value of new Set(list)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value]) => value);
}
