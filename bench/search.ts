/**
 * Search latency and indexing throughput of the embedded engine (SQLite FTS5) on a generated
 * Persian corpus, straight against the engine and through the real portal's HTTP API.
 *
 *   npm run bench:search                          10,000 and then 100,000 page chunks
 *   npm run bench:search -- --chunks 10000        one corpus size (or a list: 10000,100000)
 *   npm run bench:search -- --rounds 5 --warmup 1 --keep
 *
 * Options (flag, or environment variable): --chunks / BENCH_CHUNKS (page chunks per corpus,
 * comma-separated; default 10000,100000), --rounds / BENCH_ROUNDS (measured rounds of the query
 * mix; default 5), --warmup / BENCH_WARMUP (unmeasured rounds first; default 1), --seed /
 * BENCH_SEED (corpus seed; default 1391), --keep (keep the data folders for profiling and print
 * where they are).
 *
 * For each corpus size:
 *  1. A deterministic corpus is generated: documents of 1–60 pages (short ones more common) over
 *     the 16 cities, 7 kinds, 9 hazards, years 1385–1402, resolutions of the 9th meeting, portal
 *     and restricted, mostly published; pages of 150–300 words from a vocabulary built from roots
 *     and affixes, with compounds written with ZWNJ, joined or spaced, Arabic yeh/kaf, diacritics,
 *     tatweel, and numbers in Persian, ASCII and Arabic-Indic digits. Page texts are generated on
 *     demand from a per-document seed, never held all at once.
 *  2. Engine: `new FtsSearchIndex(file)` and one `upsert` per document (timed: pages/s); then a
 *     WAL checkpoint and the size of the file (db + wal).
 *  3. Portal: `loadConfig` / `wire` / `createApp` on a fresh DATA_DIR (fs store, sqlite search),
 *     listening on 127.0.0.1 on a free port. The corpus goes into the portal's database with the
 *     portal's own repository SQL (DocumentsRepository: insert, addVersion, replacePages,
 *     setStatus), as the upload + extraction path would leave it, and then
 *     `services.indexer.sync(id)` indexes each document (timed). No file is uploaded through HTTP
 *     and no extraction runs: that is not what this measures (see bench/upload.ts). Users
 *     (secretariat, a Tehran city user, a reader) are created and get tokens via POST /api/v1/tokens.
 *  4. A fixed mix of ~30 queries, each as the three roles, is run `warmup` times unmeasured and
 *     then `rounds` times measured, interleaving three paths per query: the standalone engine
 *     (`index.search`), the portal's own index called directly (same file the portal reads), and
 *     `GET /api/v1/search` over HTTP (keep-alive agent, one request at a time, timed to the last
 *     byte of the body). The warm-up round also checks that the three paths agree on `total`.
 *
 * The HTTP client runs in the same process as the portal (requests are sequential, so it only
 * adds the cost of writing the request and reading the body). No traffic leaves 127.0.0.1.
 * Overhead = portal HTTP / the portal's index called directly (same file, same cache).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config';
import { wire } from '../server/wire';
import { createApp } from '../server/app';
import type { Services } from '../server/services';
import { DocumentsRepository } from '../server/documents/documents.repository';
import { ALLOWED_TYPES } from '../server/documents/file-type';
import { CITIES, HAZARDS, KINDS } from '../server/db/seed/vocabulary';
import { NINTH_MEETING } from '../server/db/seed/meeting-9';
import { SEED_SYNONYMS } from '../server/db/seed/synonyms';
import { searchQuerySchema } from '../server/search/search.service';
import { FtsSearchIndex } from '../search/fts-search-index';
import { FACETS, type IndexedDocument, type SearchIndex, type SearchQuery, type Viewer } from '../search/search-index';

const ZWNJ = '\u200c';
const PASSWORD = 'bench-search-password';

// --- options ---

interface Options {
  chunks: number[];
  rounds: number;
  warmup: number;
  seed: number;
  keep: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const raw: Record<string, string | undefined> = {
    chunks: env.BENCH_CHUNKS,
    rounds: env.BENCH_ROUNDS,
    warmup: env.BENCH_WARMUP,
    seed: env.BENCH_SEED,
  };
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--keep') {
      keep = true;
      continue;
    }
    const match = /^--(chunks|rounds|warmup|seed)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}" (known: --chunks, --rounds, --warmup, --seed, --keep)`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    raw[match[1]!] = value;
  }
  const integer = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} is an integer from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const chunks = (raw.chunks ?? '10000,100000').split(',').map((part) => integer('chunks', part.trim(), 1, 2_000_000));
  return {
    chunks,
    rounds: integer('rounds', raw.rounds ?? '5', 1, 100),
    warmup: integer('warmup', raw.warmup ?? '1', 0, 100),
    seed: integer('seed', raw.seed ?? '1391', 0, 2 ** 31 - 1),
    keep,
  };
}

// --- deterministic randomness ---

/** mulberry32: small, fast, good enough for a corpus. */
class Rng {
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
const VERBS = ['می‌شود', 'می‌باشد', 'می‌کند', 'می‌گردد', 'نمی‌شود', 'می‌توان', 'می‌دهد', 'می‌شوند', 'شده‌است', 'گردیده‌است'];

const FUNCTION_WORDS = [
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

interface Vocabulary {
  content: string[];
  contentSampler: Sampler;
  functionSampler: Sampler;
  verbs: string[];
  rare: string[];
}

function buildVocabulary(seed: number): Vocabulary {
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

interface DocMeta {
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

interface GeneratedDoc extends DocMeta {
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
function corpusMeta(chunks: number, seed: number): DocMeta[] {
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

function generateDoc(meta: DocMeta, vocab: Vocabulary, seed: number): GeneratedDoc {
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

function toIndexed(doc: GeneratedDoc): IndexedDocument {
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
function labelsOf(doc: Pick<GeneratedDoc, 'city' | 'kind' | 'hazards'>): string[] {
  const names = (list: readonly { id: string; fa: string; en: string }[], id: string): string[] => {
    const term = list.find((t) => t.id === id);
    return term ? [term.fa, term.en] : [];
  };
  return [...names(CITIES, doc.city), ...names(KINDS, doc.kind), ...doc.hazards.flatMap((h) => names(HAZARDS, h))];
}

// --- the query mix ---

interface QuerySpec {
  label: string;
  params: Record<string, string | string[]>;
}

const QUERIES: QuerySpec[] = [
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

function queryString(params: QuerySpec['params']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  return search.toString();
}

/** The SearchQuery the portal's SearchService builds from the same parameters. */
function engineQuery(params: QuerySpec['params']): SearchQuery {
  const input = searchQuerySchema.parse(params);
  return {
    q: input.q.trim(),
    filters: Object.fromEntries(FACETS.map((facet) => [facet, input[facet]]).filter(([, values]) => (values as string[]).length > 0)),
    sort: input.sort ?? (input.q.trim() ? 'relevance' : 'newest'),
    page: input.page,
    perPage: input.perPage,
  };
}

// --- HTTP ---

interface Reply {
  status: number;
  body: string;
}

function request(agent: http.Agent, port: number, method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// --- statistics ---

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
const thousands = (n: number): string => n.toLocaleString('en-US');

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Checkpoints the WAL into the database (through a second connection) and returns db + wal bytes. */
function indexSize(file: string): { db: number; wal: number } {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { db: fileSize(file), wal: fileSize(`${file}-wal`) };
}

/** This process's CPU time so far, in ms (the engine is synchronous, so this is its work plus the portal's). */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// --- one corpus size ---

interface Roles {
  viewer: Viewer;
  role: string;
  token: string;
}

interface CorpusResult {
  chunks: number;
  documents: number;
  words: number;
  generateSeconds: number;
  engineIndexSeconds: number;
  engineSize: { db: number; wal: number };
  portalInsertSeconds: number;
  portalSyncSeconds: number;
  portalSize: { db: number; wal: number };
  engine: Latency;
  direct: Latency;
  portal: Latency;
  /** CPU time of this process per request (user + system), less sensitive than wall time to other processes on the machine. */
  cpu: { engine: Latency; direct: Latency; portal: Latency };
  /** 1-minute load average before and after the query rounds. */
  load: [number, number];
  mismatches: string[];
  perQuery: { label: string; q: string; role: string; engine: number; direct: number; portal: number; engineMax: number; portalMax: number; total: number }[];
  statusShares: Record<string, number>;
}

async function runCorpus(chunks: number, options: Options, vocab: Vocabulary): Promise<CorpusResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `tajrobe-bench-search-${chunks}-`));
  const metas = corpusMeta(chunks, options.seed);
  const statusShares: Record<string, number> = {};
  for (const m of metas) statusShares[`${m.status}/${m.access}`] = (statusShares[`${m.status}/${m.access}`] ?? 0) + 1;
  log(`corpus ${thousands(chunks)} chunks: ${thousands(metas.length)} documents; work folder ${work}`);

  // 1. the engine on its own
  const engineFile = path.join(work, 'engine', 'search.sqlite');
  const engine = new FtsSearchIndex(engineFile);
  await engine.init();
  // The same synonym groups the portal seeds (migration 9), so both paths search alike.
  await engine.setSynonyms(SEED_SYNONYMS.map((group) => [...group.terms]));
  let generateSeconds = 0;
  let engineIndexSeconds = 0;
  let words = 0;
  let done = 0;
  for (const meta of metas) {
    const t0 = performance.now();
    const doc = generateDoc(meta, vocab, options.seed);
    const t1 = performance.now();
    await engine.upsert(toIndexed(doc));
    const t2 = performance.now();
    generateSeconds += (t1 - t0) / 1000;
    engineIndexSeconds += (t2 - t1) / 1000;
    for (const text of doc.pageTexts) words += text.split(/\s+/).length;
    done += meta.pages;
    if (meta.index % 250 === 249) log(`  engine: ${thousands(done)} / ${thousands(chunks)} pages, ${Math.round(done / engineIndexSeconds)} pages/s`);
  }
  const engineSize = indexSize(engineFile);
  log(`  engine: indexed ${thousands(chunks)} pages in ${engineIndexSeconds.toFixed(1)} s; ${mb(engineSize.db + engineSize.wal)} MB`);

  // 2. the portal
  const dataDir = path.join(work, 'portal');
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', SESSION_SECRET: 'bench-search-session-secret' });
  const workerLog: string[] = [];
  const services: Services = await wire(config, (line) => workerLog.push(line));
  const errors: unknown[] = [];
  const app = createApp(services, (error) => errors.push(error));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const secretariat = await services.users.create({ username: 'bench-sec', password: PASSWORD, role: 'secretariat' }, null);
    await services.users.create({ username: 'bench-tehran', password: PASSWORD, role: 'city', city: 'tehran' }, null);
    await services.users.create({ username: 'bench-reader', password: PASSWORD, role: 'reader' }, null);
    const token = async (username: string): Promise<string> => {
      const reply = await request(agent, port, 'POST', '/api/v1/tokens', { 'content-type': 'application/json' }, JSON.stringify({ username, password: PASSWORD }));
      if (reply.status !== 201) throw new Error(`POST /api/v1/tokens for ${username}: ${reply.status} ${reply.body}`);
      return (JSON.parse(reply.body) as { token: string }).token;
    };
    const roles: Roles[] = [
      { role: 'secretariat', viewer: { role: 'secretariat', city: null }, token: await token('bench-sec') },
      { role: 'city:tehran', viewer: { role: 'city', city: 'tehran' }, token: await token('bench-tehran') },
      { role: 'reader', viewer: { role: 'reader', city: null }, token: await token('bench-reader') },
    ];

    const repository = new DocumentsRepository(services.db);
    let portalInsertSeconds = 0;
    const batch = 100;
    for (let from = 0; from < metas.length; from += batch) {
      const docs = metas.slice(from, from + batch).map((meta) => generateDoc(meta, vocab, options.seed));
      const t0 = performance.now();
      services.db.transaction(() => {
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
            createdBy: secretariat.id,
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
            secretariat.id,
            doc.updatedAt,
          );
          repository.replacePages(doc.id, 1, doc.pageTexts.map((text, i) => ({ page: i + 1, text })), 'bench', [], doc.updatedAt);
          repository.setIndexing(doc.id, 'done');
          repository.setStatus(doc.id, doc.status, doc.status === 'returned' ? 'بازبینی شود' : null, doc.updatedAt);
        }
      })();
      portalInsertSeconds += (performance.now() - t0) / 1000;
    }
    log(`  portal: ${thousands(metas.length)} documents into the database in ${portalInsertSeconds.toFixed(1)} s`);
    let portalSyncSeconds = 0;
    done = 0;
    for (const meta of metas) {
      const t0 = performance.now();
      await services.indexer.sync(meta.id);
      portalSyncSeconds += (performance.now() - t0) / 1000;
      done += meta.pages;
      if (meta.index % 250 === 249) log(`  portal sync: ${thousands(done)} / ${thousands(chunks)} pages, ${Math.round(done / portalSyncSeconds)} pages/s`);
    }
    const portalSize = indexSize(path.join(dataDir, 'search.sqlite'));
    log(`  portal: synced ${thousands(chunks)} pages in ${portalSyncSeconds.toFixed(1)} s`);

    // 3. the query mix
    const direct: SearchIndex = services.searchIndex;
    const samples = { engine: [] as number[], direct: [] as number[], portal: [] as number[] };
    const cpu = { engine: [] as number[], direct: [] as number[], portal: [] as number[] };
    const loadBefore = os.loadavg()[0]!;
    const cells = new Map<string, { label: string; q: string; role: string; engine: number[]; direct: number[]; portal: number[]; total: number }>();
    const mismatches: string[] = [];
    const totalRounds = options.warmup + options.rounds;
    for (let round = 0; round < totalRounds; round++) {
      const measured = round >= options.warmup;
      log(`  ${measured ? 'round' : 'warm-up'} ${measured ? round - options.warmup + 1 : round + 1} of ${measured ? options.rounds : options.warmup}`);
      for (const spec of QUERIES) {
        const query = engineQuery(spec.params);
        const url = `/api/v1/search?${queryString(spec.params)}`;
        for (const who of roles) {
          const c0 = cpuMs();
          const t0 = performance.now();
          const a = await engine.search(who.viewer, query);
          const t1 = performance.now();
          const c1 = cpuMs();
          const b = await direct.search(who.viewer, query);
          const t2 = performance.now();
          const c2 = cpuMs();
          const reply = await request(agent, port, 'GET', url, { authorization: `Bearer ${who.token}` });
          const t3 = performance.now();
          const c3 = cpuMs();
          if (reply.status !== 200) throw new Error(`GET ${url} as ${who.role}: ${reply.status} ${reply.body.slice(0, 300)}`);
          const key = `${spec.label}|${JSON.stringify(spec.params)}|${who.role}`;
          let cell = cells.get(key);
          if (!cell) {
            cell = { label: spec.label, q: queryString(spec.params), role: who.role, engine: [], direct: [], portal: [], total: a.total };
            cells.set(key, cell);
          }
          if (round === 0) {
            const viaHttp = (JSON.parse(reply.body) as { total: number }).total;
            if (a.total !== b.total || b.total !== viaHttp) mismatches.push(`${key}: engine ${a.total}, portal index ${b.total}, HTTP ${viaHttp}`);
          }
          if (!measured) continue;
          cell.engine.push(t1 - t0);
          cell.direct.push(t2 - t1);
          cell.portal.push(t3 - t2);
          samples.engine.push(t1 - t0);
          samples.direct.push(t2 - t1);
          samples.portal.push(t3 - t2);
          cpu.engine.push(c1 - c0);
          cpu.direct.push(c2 - c1);
          cpu.portal.push(c3 - c2);
        }
      }
    }
    if (errors.length > 0) throw new Error(`the portal logged errors: ${errors.map(String).join('; ')}`);
    const median = (values: number[]): number => latency(values).p50;
    return {
      chunks,
      documents: metas.length,
      words,
      generateSeconds,
      engineIndexSeconds,
      engineSize,
      portalInsertSeconds,
      portalSyncSeconds,
      portalSize,
      engine: latency(samples.engine),
      direct: latency(samples.direct),
      portal: latency(samples.portal),
      cpu: { engine: latency(cpu.engine), direct: latency(cpu.direct), portal: latency(cpu.portal) },
      load: [loadBefore, os.loadavg()[0]!],
      mismatches,
      perQuery: [...cells.values()].map((cell) => ({
        label: cell.label,
        q: decodeURIComponent(cell.q.replace(/\+/g, ' ')),
        role: cell.role,
        total: cell.total,
        engine: median(cell.engine),
        direct: median(cell.direct),
        portal: median(cell.portal),
        engineMax: Math.max(...cell.engine),
        portalMax: Math.max(...cell.portal),
      })),
      statusShares,
    };
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    engine.close();
    services.sessions.close();
    (services.searchIndex as FtsSearchIndex).close();
    services.db.close();
    if (options.keep) log(`  kept ${work} (engine/search.sqlite, portal/tajrobe.sqlite, portal/search.sqlite)`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

// --- report ---

function printCorpus(r: CorpusResult): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  out(`## ${thousands(r.chunks)} page chunks`);
  out();
  out(`documents ${thousands(r.documents)}, words ${thousands(r.words)} (${Math.round(r.words / r.chunks)} a page), generated in ${r.generateSeconds.toFixed(1)} s (not counted)`);
  out(`documents by status/access: ${Object.entries(r.statusShares).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out(`engine indexing (FtsSearchIndex.upsert per document): ${r.engineIndexSeconds.toFixed(1)} s, ${thousands(Math.round(r.chunks / r.engineIndexSeconds))} pages/s`);
  out(`engine index file after checkpoint: ${mb(r.engineSize.db)} MB db + ${mb(r.engineSize.wal)} MB wal`);
  out(`portal: rows written with DocumentsRepository in ${r.portalInsertSeconds.toFixed(1)} s (not through HTTP); indexer.sync per document ${r.portalSyncSeconds.toFixed(1)} s, ${thousands(Math.round(r.chunks / r.portalSyncSeconds))} pages/s; portal index ${mb(r.portalSize.db + r.portalSize.wal)} MB`);
  out(`latency samples per path: ${r.portal.n} (${QUERIES.length} queries × 3 roles × rounds)`);
  out();
  out(`1-minute load average on the machine (${os.cpus().length} CPUs): ${r.load[0].toFixed(2)} before the query rounds, ${r.load[1].toFixed(2)} after`);
  out();
  out('| path | p50 ms | p95 ms | p99 ms | max ms | CPU p50 ms | CPU p95 ms |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, l, c] of [
    ['engine (standalone index)', r.engine, r.cpu.engine],
    ['engine (portal\'s index, direct call)', r.direct, r.cpu.direct],
    ['portal GET /api/v1/search', r.portal, r.cpu.portal],
  ] as const) {
    out(`| ${name} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${ms(c.p50)} | ${ms(c.p95)} |`);
  }
  out();
  out(`overhead (portal HTTP / direct call on the same index): p50 ${(r.portal.p50 / r.direct.p50).toFixed(2)}×, p95 ${(r.portal.p95 / r.direct.p95).toFixed(2)}×`);
  out(`overhead (portal HTTP / standalone engine): p50 ${(r.portal.p50 / r.engine.p50).toFixed(2)}×, p95 ${(r.portal.p95 / r.engine.p95).toFixed(2)}×`);
  if (r.mismatches.length > 0) {
    out(`TOTALS DISAGREE between the paths (${r.mismatches.length}):`);
    for (const m of r.mismatches.slice(0, 10)) out(`  ${m}`);
  } else out('totals agree between the three paths for every query and role');
  out();
  out('slowest 5 (query × role, median over the rounds, by portal time):');
  out();
  out('| query | role | total | engine p50 ms | direct p50 ms | portal p50 ms | portal max ms |');
  out('|---|---|---:|---:|---:|---:|---:|');
  for (const q of [...r.perQuery].sort((a, b) => b.portal - a.portal).slice(0, 5)) {
    out(`| ${q.label}: \`${q.q || '(empty)'}\` | ${q.role} | ${thousands(q.total)} | ${ms(q.engine)} | ${ms(q.direct)} | ${ms(q.portal)} | ${ms(q.portalMax)} |`);
  }
  out();
  out('every query (median ms: engine / portal; per role: secretariat, city:tehran, reader):');
  out();
  const byQuery = new Map<string, CorpusResult['perQuery']>();
  for (const q of r.perQuery) {
    const key = `${q.label}: \`${q.q || '(empty)'}\``;
    byQuery.set(key, [...(byQuery.get(key) ?? []), q]);
  }
  out('| query | totals | secretariat | city:tehran | reader |');
  out('|---|---:|---:|---:|---:|');
  for (const [key, list] of byQuery) {
    out(`| ${key} | ${list.map((q) => thousands(q.total)).join(' / ')} | ${list.map((q) => `${ms(q.engine)} / ${ms(q.portal)}`).join(' | ')} |`);
  }
  out();
}

function printSummary(results: CorpusResult[]): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  out('## Summary');
  out();
  out('| chunks | documents | indexing pages/s (engine) | indexing pages/s (portal sync) | index MB | engine p50 | engine p95 | engine p99 | portal p50 | portal p95 | portal p99 | overhead p50 | overhead p95 |');
  out('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    out(
      `| ${thousands(r.chunks)} | ${thousands(r.documents)} | ${thousands(Math.round(r.chunks / r.engineIndexSeconds))} | ${thousands(Math.round(r.chunks / r.portalSyncSeconds))} | ${mb(r.engineSize.db + r.engineSize.wal)} | ${ms(r.engine.p50)} | ${ms(r.engine.p95)} | ${ms(r.engine.p99)} | ${ms(r.portal.p50)} | ${ms(r.portal.p95)} | ${ms(r.portal.p99)} | ${(r.portal.p50 / r.direct.p50).toFixed(2)}× | ${(r.portal.p95 / r.direct.p95).toFixed(2)}× |`,
    );
  }
  out();
  out('latencies in ms; engine = FtsSearchIndex.search on the standalone index; overhead = portal HTTP / direct call on the portal\'s own index.');
  const biggest = results.reduce((a, b) => (b.chunks > a.chunks ? b : a));
  const engineOk = biggest.engine.p95 < 50;
  const overheadOk = biggest.portal.p95 / biggest.direct.p95 < 1.5;
  out(
    `goal at ${thousands(biggest.chunks)} chunks: engine p95 ${ms(biggest.engine.p95)} ms ${engineOk ? '<' : '≥'} 50 ms (${engineOk ? 'met' : 'MISSED'}); ` +
      `overhead p95 ${(biggest.portal.p95 / biggest.direct.p95).toFixed(2)}× ${overheadOk ? '<' : '≥'} 1.5× (${overheadOk ? 'met' : 'MISSED'})`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const engine = crypto.createHash('sha256');
  const folder = path.resolve(import.meta.dirname, '../search');
  for (const file of ['fts-search-index.ts', 'persian.ts', 'snippet.ts', ...fs.readdirSync(path.join(folder, 'fts')).sort().map((name) => `fts/${name}`)]) {
    engine.update(fs.readFileSync(path.join(folder, file)));
  }
  out('# bench:search');
  out();
  out(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${mb(os.totalmem())} MB RAM · ${os.platform()} ${os.release()}`);
  out(`corpus seed ${options.seed}, ${options.warmup} warm-up + ${options.rounds} measured rounds of ${QUERIES.length} queries × 3 roles; engine sources sha256 ${engine.digest('hex').slice(0, 12)}`);
  out();
  const vocab = buildVocabulary(options.seed);
  log(`vocabulary: ${vocab.content.length} content words, ${FUNCTION_WORDS.length} function words, ${VERBS.length} verbs, ${vocab.rare.length} rare words`);
  const results: CorpusResult[] = [];
  for (const chunks of options.chunks) {
    const result = await runCorpus(chunks, options, vocab);
    results.push(result);
    printCorpus(result);
  }
  printSummary(results);
  log(`done; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
