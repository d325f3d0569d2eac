import crypto from 'node:crypto';
/**
 * The generated Persian corpus and the query mix the search benchmarks share (bench/search.ts,
 * bench/engines.ts, bench/load.ts): deterministic documents of 1–60 pages over the 16 cities, all
 * kinds and hazards, years 1385–1402, resolutions, portal/restricted, mostly published; pages of
 * 150–300 words from a vocabulary built from roots and affixes, with compounds written with ZWNJ,
 * joined or spaced, Arabic yeh/kaf, diacritics, tatweel, and numbers in three digit scripts. Page
 * texts are generated on demand from a per-document seed, never held all at once.
 */
import { CITIES, HAZARDS, KINDS } from '../server/db/seed/vocabulary';
import { NINTH_MEETING } from '../server/db/seed/meeting-9';
import { ALLOWED_TYPES } from '../server/documents/file-type';
import type { DocumentsRepository } from '../server/documents/documents.repository';
import { searchQuerySchema } from '../server/search/search.service';
import { FACETS, type IndexedDocument, type SearchQuery } from '../search/search-index';

const ZWNJ = '\u200c';

// --- deterministic randomness ---

/** mulberry32: small, fast, good enough for a corpus. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

const mix = (a: number, b: number): number => (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;

/** Samples an index in [0, weights.length) by cumulative weights. */
class Sampler {
  private readonly cumulative: Float64Array;
  constructor(weights: number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.cumulative[i] = sum += w));
  }
  sample(rng: Rng): number {
    const r = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

const zipf = (n: number, offset: number, exponent: number): number[] => Array.from({ length: n }, (_, r) => 1 / (r + offset) ** exponent);

// --- the vocabulary ---

/** The most common content words, in rank order. */
const COMMON = [
  'مدیریت', 'بحران', 'شهر', 'برنامه', 'خطر', 'ایمنی', 'آموزش', 'زلزله', 'سیل', 'امداد', 'نجات', 'شهرداری', 'ستاد', 'مرکز',
  'طرح', 'گزارش', 'مطالعه', 'ارزیابی', 'خسارت', 'اسکان',
];

const ROOTS = [
  'تهدید', 'سلامت', 'استان', 'منطقه', 'ناحیه', 'محله', 'مانور', 'تمرین', 'هشدار', 'پیشگیری', 'آمادگی', 'مقابله', 'بازسازی',
  'بازتوانی', 'تخلیه', 'جمعیت', 'ساختمان', 'بیمارستان', 'مدرسه', 'دانشگاه', 'پل', 'جاده', 'خیابان', 'بزرگراه', 'شبکه', 'آب',
  'برق', 'گاز', 'مخابرات', 'ارتباط', 'فرماندهی', 'هماهنگی', 'داوطلب', 'نیرو', 'تجهیزات', 'انبار', 'ذخیره', 'غذا', 'دارو',
  'چادر', 'کمک', 'حادثه', 'رخداد', 'پایش', 'پدافند', 'زیرساخت', 'شریان', 'گسل', 'لرزه', 'زمین', 'رانش', 'طوفان', 'صنعت',
  'بیماری', 'قرنطینه', 'واکسن', 'درمان', 'اورژانس', 'پلیس', 'بسیج', 'بافت', 'بیمه', 'بودجه', 'اعتبار', 'سرمایه', 'بخش',
  'مشارکت', 'قرارداد', 'پیمانکار', 'مشاور', 'کارشناس', 'کمیته', 'کارگروه', 'شورا', 'جلسه', 'نشست', 'مصوبه', 'دبیرخانه',
  'سند', 'راهبرد', 'سیاست', 'قانون', 'دستورالعمل', 'شاخص', 'نقشه', 'پهنه', 'داده', 'سامانه', 'اطلاعات', 'آمار', 'تحلیل',
  'سناریو', 'ریسک', 'کاهش', 'آوار', 'مصدوم', 'قربانی', 'خانوار', 'کودک', 'سالمند', 'معلول', 'ظرفیت', 'توان', 'منابع',
  'تامین', 'توزیع', 'حمل', 'نقل', 'ترافیک', 'مترو', 'فرودگاه', 'بندر', 'سد', 'رودخانه', 'مسیل', 'کانال', 'باران', 'بارش',
  'دما', 'گرما', 'سرما', 'برف', 'یخبندان', 'هوا', 'آلودگی', 'محیط', 'جنگل', 'کوه', 'دشت', 'ساحل', 'دریا', 'پناهگاه', 'آتش',
  'دود', 'انفجار', 'نشت', 'مخزن', 'پالایشگاه', 'کارخانه', 'کارگاه', 'معدن', 'تونل', 'سازه', 'مقاومت', 'تقویت', 'بهسازی',
  'نوسازی', 'تخریب', 'ایستگاه', 'پایگاه', 'آمبولانس', 'بالگرد', 'خودرو', 'تلفن', 'رادیو', 'رسانه', 'فرهنگ', 'آگاهی',
  'مهارت', 'دوره', 'کتاب', 'جزوه', 'راهنما', 'فیلم', 'تصویر', 'گروه', 'تیم', 'سازمان', 'وزارت', 'دولت', 'مجلس', 'فرمانداری',
  'استانداری', 'شهروند', 'ساکن', 'مهاجر', 'اقتصاد', 'هزینه', 'درآمد', 'پروژه', 'اجرا', 'نظارت', 'کنترل', 'بازرسی',
  'استاندارد', 'کیفیت', 'تجربه', 'درس', 'نتیجه', 'پیشنهاد', 'راهکار', 'چالش', 'مشکل', 'فرصت', 'اولویت', 'هدف', 'روش',
  'الگو', 'مدل', 'فناوری', 'ماهواره', 'سنجش', 'حسگر', 'خشکسالی', 'غبار', 'سوخت', 'پمپ', 'لوله', 'مخزن', 'کابل', 'دکل',
  'ژنراتور', 'باتری', 'انرژی', 'کشاورزی', 'دام', 'محصول', 'بازار', 'فروشگاه', 'بانک', 'هتل', 'مسجد', 'پارک', 'میدان',
];

const ADJECTIVES = [
  'حیاتی', 'اضطراری', 'شهری', 'ملی', 'محلی', 'عمومی', 'خصوصی', 'دولتی', 'فرسوده', 'مقاوم', 'غیرعامل', 'پایدار', 'جامع',
  'ویژه', 'فوری', 'احتمالی', 'طبیعی', 'انسانی', 'صنعتی', 'شیمیایی', 'زیستی', 'اجتماعی', 'فرهنگی', 'فنی', 'مالی', 'اداری',
  'جدید', 'قدیمی', 'بزرگ', 'کوچک', 'مهم', 'لازم', 'مناسب', 'کافی', 'موثر', 'دقیق',
];

/** Compounds whose canonical spelling has a ZWNJ (written with it, joined or spaced in the text). */
const COMPOUNDS = [
  'کلان‌شهر', 'کلان‌شهرها', 'کلان‌شهرهای', 'آتش‌سوزی', 'آتش‌نشانی', 'آتش‌نشان', 'زمین‌لغزش', 'تاب‌آوری', 'پهنه‌بندی', 'همه‌گیر',
  'آسیب‌پذیری', 'آسیب‌پذیر', 'آسیب‌دیده', 'صورت‌جلسه', 'راه‌آهن', 'هلال‌احمر', 'برنامه‌ریزی', 'اطلاع‌رسانی', 'پیش‌بینی',
  'پیش‌آگاهی', 'ساخت‌وساز', 'بین‌المللی', 'نرم‌افزار', 'سخت‌افزار', 'گفت‌وگو', 'جست‌وجو', 'دست‌اندرکاران', 'ذی‌نفعان',
];

/** Verbs with the ZWNJ after می / نمی. */
export const VERBS = ['می‌شود', 'می‌باشد', 'می‌کند', 'می‌گردد', 'نمی‌شود', 'می‌توان', 'می‌دهد', 'می‌شوند', 'شده‌است', 'گردیده‌است'];

export const FUNCTION_WORDS = [
  'و', 'در', 'به', 'از', 'که', 'این', 'با', 'را', 'برای', 'آن', 'یک', 'تا', 'بر', 'است', 'هم', 'نیز', 'شد', 'شده', 'باید', 'کرد',
  'گردید', 'هر', 'بین', 'پس', 'اما', 'یا', 'اگر', 'همه', 'چند', 'دیگر', 'سایر', 'طی', 'توسط', 'جهت', 'براساس', 'همچنین',
  'ولی', 'درباره', 'خصوص', 'مورد', 'انجام', 'دارد', 'بود', 'شود', 'گیرد', 'ها', 'های',
];

/** Two- and three-word collocations, for phrase queries. */
const COLLOCATIONS = [
  'مدیریت بحران', 'شریان حیاتی', 'پدافند غیرعامل', 'بافت فرسوده', 'ستاد مدیریت بحران', 'مرکز اسکان اضطراری',
  'تاب‌آوری شهری', 'آموزش همگانی', 'پهنه‌بندی خطر', 'گسل شمال تهران', 'ارزیابی خسارت', 'مانور زلزله', 'برنامه پاسخ',
  'کلان‌شهر تهران', 'گرد و غبار', 'حادثه صنعتی', 'بیماری همه‌گیر', 'سامانه هشدار سریع',
];

/** Rare words with their probability per word of text. */
const RARE_NAMED: readonly (readonly [string, number])[] = [
  ['سونامی', 1e-5],
  ['ژئوتکنیک', 2e-6],
  ['ریزپهنه‌بندی', 3e-6],
  ['لرزه‌نگاری', 5e-6],
  ['آتشفشان', 1e-6],
];

const SYLLABLES = ['تا', 'ری', 'نو', 'سا', 'مه', 'دا', 'لو', 'بر', 'کا', 'زی', 'شا', 'گل', 'رو', 'فر', 'خا', 'جو', 'پی', 'چه', 'ور', 'ند', 'سار', 'کوه', 'آب', 'باد', 'دان', 'گان', 'یار', 'ست'];

export interface Vocabulary {
  content: string[];
  contentSampler: Sampler;
  functionSampler: Sampler;
  verbs: string[];
  rare: string[];
}

export function buildVocabulary(seed: number): Vocabulary {
  const rng = new Rng(mix(seed, 1));
  const seen = new Set<string>();
  const add = (list: string[], word: string): void => {
    if (!seen.has(word)) {
      seen.add(word);
      list.push(word);
    }
  };
  const head: string[] = [];
  for (const word of COMMON) add(head, word);
  const bases: string[] = [];
  for (const word of rng.shuffle([...ROOTS, ...ADJECTIVES])) add(bases, word);
  const derived: string[] = [];
  const prefixes = ['بی‌', 'پیش‌', 'پس‌', 'هم‌', 'فرا'];
  [...COMMON, ...ROOTS].forEach((root, i) => {
    add(derived, `${root}${ZWNJ}ها`);
    add(derived, `${root}${ZWNJ}های`);
    add(derived, `${root}${ZWNJ}هایی`);
    if (root.endsWith('ه')) add(derived, `${root}${ZWNJ}ای`);
    else if (root.endsWith('ا') || root.endsWith('و')) add(derived, `${root}یی`);
    else if (!root.endsWith('ی')) add(derived, `${root}ی`);
    if (i % 3 === 0) add(derived, `${prefixes[i % prefixes.length]}${root}`);
  });
  for (const adjective of ADJECTIVES) {
    add(derived, `${adjective}${ZWNJ}تر`);
    add(derived, `${adjective}${ZWNJ}ترین`);
  }
  for (const word of COMPOUNDS) add(derived, word);
  const pairs: string[] = [];
  const nouns = [...COMMON, ...ROOTS];
  for (let k = 0; k < 900; k++) add(pairs, `${rng.pick(nouns)}${ZWNJ}${rng.pick(nouns)}`);
  const content = [...head, ...bases, ...rng.shuffle(derived), ...rng.shuffle(pairs)];
  const rare: string[] = [];
  const rareSeen = new Set<string>();
  for (let k = 0; rare.length < 4000 && k < 100_000; k++) {
    const word = Array.from({ length: rng.int(2, 4) }, () => rng.pick(SYLLABLES)).join('');
    if (!seen.has(word) && !rareSeen.has(word)) {
      rareSeen.add(word);
      rare.push(word);
    }
  }
  return {
    content,
    contentSampler: new Sampler(zipf(content.length, 10, 1.05)),
    functionSampler: new Sampler(zipf(FUNCTION_WORDS.length, 1.5, 1.0)),
    verbs: VERBS,
    rare,
  };
}

// --- writing the text ---

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

function digits(n: number, rng: Rng): string {
  const text = String(n);
  const script = rng.weighted([['fa', 70], ['ascii', 25], ['ar', 5]] as const);
  if (script === 'ascii') return text;
  const table = script === 'fa' ? PERSIAN_DIGITS : ARABIC_DIGITS;
  return text.replace(/\d/g, (d) => table[Number(d)]!);
}

const toPersianDigits = (text: string): string => text.replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)]!);

/** One word as an author might type it: ZWNJ, joined or spaced; Arabic yeh/kaf; a diacritic; tatweel. */
function render(word: string, rng: Rng): string {
  let out = word;
  if (out.includes(ZWNJ)) {
    const r = rng.next();
    if (r < 0.15) out = out.replaceAll(ZWNJ, '');
    else if (r < 0.3) out = out.replaceAll(ZWNJ, ' ');
  }
  if ((out.includes('ی') || out.includes('ک')) && rng.chance(0.04)) out = out.replaceAll('ی', 'ي').replaceAll('ک', 'ك');
  if (out.length >= 3) {
    const r = rng.next();
    if (r < 0.006) out = `${out[0]}\u064e${out.slice(1)}`; // fatha after the first letter
    else if (r < 0.012) out = `${out}\u0650`; // kasra of the ezafe
    else if (r < 0.014) out = `${out.slice(0, 2)}\u0640\u0640${out.slice(2)}`; // tatweel
    else if (r < 0.024 && out.endsWith('ه')) out = `${out}\u0654`; // ezafe hamza: خانهٔ
  }
  return out;
}

function sentence(vocab: Vocabulary, rng: Rng, words: number): string[] {
  const out: string[] = [];
  while (out.length < words) {
    const r = rng.next();
    if (r < 0.3) out.push(render(FUNCTION_WORDS[vocab.functionSampler.sample(rng)]!, rng));
    else if (r < 0.33) out.push(...rng.pick(COLLOCATIONS).split(' ').map((w) => render(w, rng)));
    else if (r < 0.35) out.push(render(rng.pick(vocab.verbs), rng));
    else if (r < 0.37) {
      const kind = rng.next();
      if (kind < 0.5) out.push(digits(rng.int(1385, 1402), rng));
      else if (kind < 0.8) out.push(digits(rng.int(1, 5000), rng));
      else out.push(`${digits(rng.int(1, 99), rng)}٪`);
    } else if (r < 0.373) out.push(render(rng.pick(vocab.rare), rng));
    else {
      let rare: string | null = null;
      for (const [word, p] of RARE_NAMED) if (rng.chance(p / 0.627)) rare = word;
      out.push(render(rare ?? vocab.content[vocab.contentSampler.sample(rng)]!, rng));
    }
  }
  return out;
}

function pageText(vocab: Vocabulary, rng: Rng): string {
  const target = rng.int(150, 300);
  const paragraphs: string[] = [];
  let paragraph: string[] = [];
  let count = 0;
  while (count < target) {
    const words = sentence(vocab, rng, Math.min(rng.int(8, 22), target - count));
    count += words.length;
    if (words.length > 6 && rng.chance(0.4)) words.splice(rng.int(3, words.length - 3), 0, '،');
    paragraph.push(`${words.join(' ').replace(/ ،/g, '،')}.`);
    if (rng.chance(0.25)) {
      paragraphs.push(paragraph.join(' '));
      paragraph = [];
    }
  }
  if (paragraph.length > 0) paragraphs.push(paragraph.join(' '));
  return paragraphs.join('\n');
}

// --- the corpus ---

type Status = IndexedDocument['status'];

export interface DocMeta {
  index: number;
  id: string;
  pages: number;
  city: string;
  kind: string;
  hazards: string[];
  year: number;
  resolutions: string[];
  status: Status;
  access: 'portal' | 'restricted';
  sharedWith: string[];
  fileType: string;
  contentType: string;
  updatedAt: string;
}

export interface GeneratedDoc extends DocMeta {
  title: string;
  summary: string;
  keywords: string[];
  pageTexts: string[];
}

const CITY_WEIGHTS: readonly (readonly [string, number])[] = CITIES.map((c) => [c.id, c.id === 'tehran' ? 16 : c.id === 'mashhad' || c.id === 'isfahan' ? 8 : 5] as const);
const FILE_TYPES: readonly (readonly [string, number])[] = [['pdf', 60], ['docx', 18], ['xlsx', 5], ['pptx', 5], ['txt', 5], ['jpeg', 4], ['mp4', 3]];
const STATUSES: readonly (readonly [Status, number])[] = [['published', 82], ['submitted', 6], ['draft', 5], ['returned', 4], ['withdrawn', 3]];
const RESOLUTIONS = NINTH_MEETING.resolutions.map((r) => `${NINTH_MEETING.number}/${r.number}`);

function docId(index: number): string {
  return `b0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** The documents' metadata until the page counts add up to `chunks` (the last document is cut short). */
export function corpusMeta(chunks: number, seed: number): DocMeta[] {
  const rng = new Rng(mix(seed, 2));
  const docs: DocMeta[] = [];
  let total = 0;
  while (total < chunks) {
    const index = docs.length;
    const pages = Math.min(chunks - total, 1 + Math.floor(60 * rng.next() ** 2));
    total += pages;
    const city = rng.weighted(CITY_WEIGHTS);
    const hazards = new Set<string>();
    const hazardCount = rng.int(1, 3);
    while (hazards.size < hazardCount) hazards.add(rng.pick(HAZARDS).id);
    const resolutions = new Set<string>();
    if (rng.chance(0.4)) for (let k = rng.int(1, 2); k > 0; k--) resolutions.add(rng.pick(RESOLUTIONS));
    const access = rng.chance(0.75) ? 'portal' : 'restricted';
    const sharedWith = new Set<string>();
    if (access === 'restricted') for (let k = rng.int(0, 3); k > 0; k--) sharedWith.add(rng.pick(CITIES).id);
    sharedWith.delete(city);
    const year = rng.int(1385, 1402);
    const fileType = rng.weighted(FILE_TYPES);
    const updated = Date.UTC(year + 621, 2, 21) + Math.floor(rng.next() * 365 * 86_400_000);
    docs.push({
      index,
      id: docId(index),
      pages,
      city,
      kind: rng.pick(KINDS).id,
      hazards: [...hazards].sort(),
      year,
      resolutions: [...resolutions].sort(),
      status: rng.weighted(STATUSES),
      access,
      sharedWith: [...sharedWith].sort(),
      fileType,
      contentType: ALLOWED_TYPES.find((t) => t.id === fileType)!.contentType,
      updatedAt: new Date(updated).toISOString(),
    });
  }
  return docs;
}

export function generateDoc(meta: DocMeta, vocab: Vocabulary, seed: number): GeneratedDoc {
  const rng = new Rng(mix(seed, 1000 + meta.index));
  const cityFa = CITIES.find((c) => c.id === meta.city)!.fa;
  const kindFa = KINDS.find((k) => k.id === meta.kind)!.fa;
  const hazardFa = HAZARDS.find((h) => h.id === meta.hazards[0])!.fa;
  const extra = sentence(vocab, rng, rng.int(1, 3)).join(' ');
  const title = `${kindFa} ${hazardFa} ${rng.chance(0.5) ? 'کلان‌شهر' : 'شهر'} ${cityFa} ${extra} سال ${toPersianDigits(String(meta.year))}`;
  const summary = `${sentence(vocab, rng, rng.int(20, 40)).join(' ')}.`;
  const keywords = Array.from({ length: rng.int(2, 5) }, () =>
    rng.chance(0.3) ? rng.pick(COLLOCATIONS) : vocab.content[vocab.contentSampler.sample(rng)]!,
  );
  const pageTexts = Array.from({ length: meta.pages }, () => pageText(vocab, rng));
  return { ...meta, title, summary, keywords: [...new Set(keywords)], pageTexts };
}

/**
 * Writes generated documents into the portal's database through its own repository SQL, as an upload, its
 * extraction and its review would have left them (one version, its page texts, indexing done, the document's
 * status); the caller runs it in a transaction and then lets the indexer sync them.
 */
export function storeInPortal(repository: DocumentsRepository, docs: GeneratedDoc[], createdBy: number): void {
  for (const doc of docs) {
    repository.insert({
      id: doc.id,
      city: doc.city,
      title: doc.title,
      summary: doc.summary,
      kind: doc.kind,
      year: doc.year,
      access: doc.access,
      hazards: doc.hazards,
      keywords: doc.keywords,
      resolutions: doc.resolutions,
      sharedWith: doc.sharedWith,
      createdBy,
      at: doc.updatedAt,
    });
    const extension = ALLOWED_TYPES.find((t) => t.id === doc.fileType)!.extensions[0]!;
    repository.addVersion(
      doc.id,
      {
        filename: `سند-${doc.index}.${extension}`,
        size: doc.pageTexts.reduce((sum, text) => sum + Buffer.byteLength(text), 0),
        sha256: crypto.createHash('sha256').update(doc.id).digest('hex'),
        contentType: doc.contentType,
        store: 'fs',
        objectKey: `bench/${doc.id}/1`,
      },
      createdBy,
      doc.updatedAt,
    );
    repository.replacePages(doc.id, 1, doc.pageTexts.map((text, i) => ({ page: i + 1, text })), 'bench', [], doc.updatedAt);
    repository.setIndexing(doc.id, 'done');
    repository.setStatus(doc.id, doc.status, doc.status === 'returned' ? 'بازبینی شود' : null, doc.updatedAt);
  }
}

export function toIndexed(doc: GeneratedDoc): IndexedDocument {
  return {
    id: doc.id,
    title: doc.title,
    summary: doc.summary,
    keywords: doc.keywords,
    city: doc.city,
    kind: doc.kind,
    hazards: doc.hazards,
    year: doc.year,
    resolutions: doc.resolutions,
    fileType: doc.fileType,
    status: doc.status,
    access: doc.access,
    sharedWith: doc.sharedWith,
    updatedAt: doc.updatedAt,
    pages: doc.pageTexts.map((text, i) => ({ page: i + 1, text })),
    labels: labelsOf(doc),
  };
}

/** The Persian and English names of a document's city, kind and hazards, as the portal indexes them (server/search/labels.ts). */
export function labelsOf(doc: Pick<GeneratedDoc, 'city' | 'kind' | 'hazards'>): string[] {
  const names = (list: readonly { id: string; fa: string; en: string }[], id: string): string[] => {
    const term = list.find((t) => t.id === id);
    return term ? [term.fa, term.en] : [];
  };
  return [...names(CITIES, doc.city), ...names(KINDS, doc.kind), ...doc.hazards.flatMap((h) => names(HAZARDS, h))];
}

// --- the query mix ---

export interface QuerySpec {
  label: string;
  params: Record<string, string | string[]>;
}

export const QUERIES: QuerySpec[] = [
  { label: 'common word', params: { q: 'بحران' } },
  { label: 'common word', params: { q: 'مدیریت' } },
  { label: 'mid word', params: { q: 'زلزله' } },
  { label: 'rare word', params: { q: 'سونامی' } },
  { label: 'rare word', params: { q: 'ژئوتکنیک' } },
  { label: 'rare word (ZWNJ compound)', params: { q: 'لرزه‌نگاری' } },
  { label: 'two words (phrase)', params: { q: 'مدیریت بحران' } },
  { label: 'two words (phrase)', params: { q: 'شریان حیاتی' } },
  { label: 'two words', params: { q: 'بافت فرسوده' } },
  { label: 'three words', params: { q: 'ستاد مدیریت بحران' } },
  { label: 'compound joined', params: { q: 'کلانشهر' } },
  { label: 'compound spaced', params: { q: 'کلان شهر' } },
  { label: 'compound ZWNJ', params: { q: 'کلان‌شهر' } },
  { label: 'compound, Arabic kaf/yeh', params: { q: 'كلانشهرهاي' } },
  { label: 'prefix (last word partial)', params: { q: 'مدیریت بحر' } },
  { label: 'prefix (one word)', params: { q: 'آموز' } },
  { label: 'typo (پناهگاه)', params: { q: 'پناهگاح' } },
  { label: 'typo (خشکسالی)', params: { q: 'خشکسابی' } },
  { label: 'digits Persian', params: { q: '۱۳۹۱' } },
  { label: 'digits ASCII', params: { q: '1391' } },
  { label: 'no match', params: { q: 'فضاپیما' } },
  { label: 'five words', params: { q: 'ارزیابی خسارت زلزله در بافت' } },
  { label: 'word + city', params: { q: 'زلزله', city: 'tehran' } },
  { label: 'word + kind', params: { q: 'بحران', kind: 'threat-study' } },
  { label: 'word + 2 hazards', params: { q: 'سیل', hazard: ['flood', 'earthquake'] } },
  { label: 'word + 2 years', params: { q: 'آتش‌سوزی', year: ['1391', '1392'] } },
  { label: 'phrase + cities, hazard, year', params: { q: 'مدیریت بحران', city: ['tehran', 'shiraz'], hazard: 'earthquake', year: '1391' } },
  { label: 'common, newest', params: { q: 'بحران', sort: 'newest' } },
  { label: 'common, page 2', params: { q: 'بحران', page: '2' } },
  { label: 'two words, newest, page 2', params: { q: 'ارزیابی خسارت', sort: 'newest', page: '2' } },
  { label: 'synonym (زلزله)', params: { q: 'زمین‌لرزه' } },
  { label: 'plural form', params: { q: 'پناهگاه‌ها' } },
  { label: 'stop words', params: { q: 'گزارش درباره سیل تهران' } },
  { label: 'English labels', params: { q: 'earthquake Tehran' } },
  { label: 'quoted phrase', params: { q: '"مدیریت بحران"' } },
  { label: 'exclusion', params: { q: 'زلزله -تهران' } },
  { label: 'relaxed (no document has every word)', params: { q: 'فضاپیما زلزله بافت' } },
  { label: 'browse (empty q)', params: {} },
  { label: 'browse + city + kind', params: { city: 'isfahan', kind: 'training-material' } },
];

export function queryString(params: QuerySpec['params']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  return search.toString();
}

/** The SearchQuery the portal's SearchService builds from the same parameters. */
export function engineQuery(params: QuerySpec['params']): SearchQuery {
  const input = searchQuerySchema.parse(params);
  return {
    q: input.q.trim(),
    filters: Object.fromEntries(FACETS.map((facet) => [facet, input[facet]]).filter(([, values]) => (values as string[]).length > 0)),
    sort: input.sort ?? (input.q.trim() ? 'relevance' : 'newest'),
    page: input.page,
    perPage: input.perPage,
  };
}

// --- statistics ---

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
}

export function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

export const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
export const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
export const thousands = (n: number): string => n.toLocaleString('en-US');
