import { CITIES, HAZARDS, KINDS, type Term } from './vocabulary';

/**
 * The synonym groups a new portal starts with (migration 9; the secretariat edits them from then
 * on): for each hazard, kind and city, its Persian name, the other names people commonly use for
 * it, and its English name. A group is seeded once, by its key: a group the secretariat deleted is
 * not brought back on the next start.
 */
export interface SeedSynonymGroup {
  key: string;
  terms: string[];
}

/** Common names besides the vocabulary's own Persian and English labels, by vocabulary id. */
const COMMON_NAMES: Record<string, Record<string, string[]>> = {
  hazard: {
    earthquake: ['زمین‌لرزه'],
    flood: ['سیلاب'],
    fire: ['حریق'],
    landslide: ['رانش زمین', 'لغزش زمین'],
    drought: ['کم‌آبی', 'کم‌بارشی'],
    'dust-storm': ['ریزگرد', 'گردوغبار', 'گرد و خاک'],
    industrial: ['سانحهٔ صنعتی'],
    epidemic: ['همه‌گیری', 'اپیدمی', 'بیماری واگیر'],
  },
  kind: {
    'threat-study': ['ارزیابی خطر'],
    'health-safety-plan': ['طرح ایمنی'],
    'partnership-report': ['مشارکت بخش خصوصی'],
    'training-material': ['محتوای آموزشی'],
    'public-education': ['آموزش عمومی'],
  },
  city: {
    isfahan: ['Esfahan'],
    mashhad: ['Mashad'],
    ahvaz: ['Ahwaz'],
    urmia: ['Orumiyeh'],
    qom: ['Ghom'],
  },
};

/** Vocabulary entries whose names are too general to stand for one another ("سایر", "Other"). */
const NOT_SEEDED = new Set(['hazard:other', 'kind:other']);

function groupsOf(facet: string, terms: readonly Term[]): SeedSynonymGroup[] {
  return terms
    .map((term) => ({ key: `${facet}:${term.id}`, terms: [term.fa, ...(COMMON_NAMES[facet]?.[term.id] ?? []), term.en] }))
    .filter((group) => !NOT_SEEDED.has(group.key));
}

export const SEED_SYNONYMS: readonly SeedSynonymGroup[] = [...groupsOf('hazard', HAZARDS), ...groupsOf('kind', KINDS), ...groupsOf('city', CITIES)];
