/**
 * The two search engines side by side on one generated corpus (bench/corpus.ts): indexing speed,
 * size on disk, latency of one query mix as three roles, and whether they answer alike.
 *
 *   npm run bench:engines                                   FTS5 only (10,000 chunks)
 *   MEILI_URL=http://127.0.0.1:7700 MEILI_API_KEY=… npm run bench:engines -- --chunks 10000
 *
 * Options (flag, or environment variable): --chunks / BENCH_CHUNKS (page chunks; default 10000),
 * --rounds / BENCH_ROUNDS (measured rounds of the mix; default 3), --warmup / BENCH_WARMUP
 * (default 1), --seed / BENCH_SEED (default 1391), --window / BENCH_WINDOW (documents written at
 * once while indexing, as `npm run reindex` does; default 64), --compression (also time
 * Meilisearch's answers with the client accepting gzip, as it did before the adapter asked for
 * uncompressed answers), --verbose (every cell of the agreement table).
 *
 * Each engine gets the corpus through its own adapter (`upsert` per document, `window` at a time:
 * FTS5 writes them one after another, Meilisearch batches them into few tasks) and the seeded
 * synonym groups. Size on disk: the FTS5 file after a WAL checkpoint; for Meilisearch, how much
 * its `usedDatabaseSize` grew. Then every query of the mix runs as the secretariat, a Tehran city
 * user and a reader, the engines interleaved; latency is `SearchIndex.search` as the portal calls
 * it. Agreement: per query × role, whether the totals are equal, and how many of the first ten
 * hits are the same documents. Without MEILI_URL only the FTS5 lane runs. The Meilisearch index is
 * a throw-away one (`bench-engines-…`), deleted at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SEED_SYNONYMS } from '../server/db/seed/synonyms';
import { inWindows } from '../server/search/in-windows';
import { FtsSearchIndex } from '../search/fts-search-index';
import { MeilisearchSearchIndex } from '../search/meilisearch-search-index';
import type { SearchIndex, SearchResult, Viewer } from '../search/search-index';
import { buildVocabulary, corpusMeta, engineQuery, generateDoc, latency, mb, ms, QUERIES, queryString, thousands, toIndexed } from './corpus';

interface Options {
  chunks: number;
  rounds: number;
  warmup: number;
  seed: number;
  window: number;
  compression: boolean;
  verbose: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const raw: Record<string, string | undefined> = { chunks: env.BENCH_CHUNKS, rounds: env.BENCH_ROUNDS, warmup: env.BENCH_WARMUP, seed: env.BENCH_SEED, window: env.BENCH_WINDOW };
  let compression = false;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--compression') {
      compression = true;
      continue;
    }
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    const match = /^--(chunks|rounds|warmup|seed|window)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}" (known: --chunks, --rounds, --warmup, --seed, --window, --compression, --verbose)`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    raw[match[1]!] = value;
  }
  const integer = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} is an integer from ${min} to ${max}, got "${text}"`);
    return value;
  };
  return {
    chunks: integer('chunks', raw.chunks ?? '10000', 1, 2_000_000),
    rounds: integer('rounds', raw.rounds ?? '3', 1, 100),
    warmup: integer('warmup', raw.warmup ?? '1', 0, 100),
    seed: integer('seed', raw.seed ?? '1391', 0, 2 ** 31 - 1),
    window: integer('window', raw.window ?? '64', 1, 10_000),
    compression,
    verbose,
  };
}

const ROLES: { role: string; viewer: Viewer }[] = [
  { role: 'secretariat', viewer: { role: 'secretariat', city: null } },
  { role: 'city:tehran', viewer: { role: 'city', city: 'tehran' } },
  { role: 'reader', viewer: { role: 'reader', city: null } },
];

interface Lane {
  name: string;
  index: SearchIndex;
  indexSeconds: number;
  bytes: number;
  samples: number[];
  /** The answer of the first round, per cell (query × role). */
  answers: Map<string, SearchResult>;
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Indexes the corpus through the adapter, `window` documents at a time; returns the seconds it took. */
async function indexCorpus(name: string, index: SearchIndex, options: Options): Promise<number> {
  const vocab = buildVocabulary(options.seed);
  const metas = corpusMeta(options.chunks, options.seed);
  let pages = 0;
  let indexing = 0;
  const started = performance.now();
  // Generated per slice, so that the corpus is never held at once and generation is not counted.
  for (let from = 0; from < metas.length; from += options.window * 4) {
    const docs = metas.slice(from, from + options.window * 4).map((meta) => toIndexed(generateDoc(meta, vocab, options.seed)));
    const t0 = performance.now();
    await inWindows(docs, options.window, (doc) => index.upsert(doc));
    indexing += (performance.now() - t0) / 1000;
    pages += docs.reduce((sum, doc) => sum + doc.pages.length, 0);
    log(`  ${name}: ${thousands(pages)} / ${thousands(options.chunks)} pages, ${Math.round(pages / indexing)} pages/s (${((performance.now() - started) / 1000).toFixed(0)} s with generation)`);
  }
  return indexing;
}

function ftsBytes(file: string): number {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return ['', '-wal'].reduce((sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0), 0);
}

async function meiliUsedBytes(url: string, apiKey: string | undefined): Promise<number> {
  const answer = await fetch(new URL('/stats', url), { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  if (!answer.ok) throw new Error(`GET /stats answered ${answer.status}`);
  return ((await answer.json()) as { usedDatabaseSize: number }).usedDatabaseSize;
}

async function meiliDeleteIndex(url: string, apiKey: string | undefined, uid: string): Promise<void> {
  await fetch(new URL(`/indexes/${uid}`, url), { method: 'DELETE', headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} }).catch(() => undefined);
}

const cellKey = (label: string, params: string, role: string): string => `${label} \`${params}\` · ${role}`;

/** Every query as every role, the lanes interleaved; the first round's answers are kept for the agreement table. */
async function runMix(lanes: Lane[], options: Options): Promise<void> {
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const measured = round >= options.warmup;
    log(`${measured ? 'round' : 'warm-up'} ${measured ? round - options.warmup + 1 : round + 1}`);
    for (const spec of QUERIES) {
      const query = engineQuery(spec.params);
      for (const { role, viewer } of ROLES) {
        for (const lane of lanes) {
          const t0 = performance.now();
          const result = await lane.index.search(viewer, query);
          const elapsed = performance.now() - t0;
          const key = cellKey(spec.label, decodeURIComponent(queryString(spec.params).replace(/\+/g, ' ')), role);
          if (!lane.answers.has(key)) lane.answers.set(key, result);
          if (measured) lane.samples.push(elapsed);
        }
      }
    }
  }
}

function printLanes(lanes: Lane[], options: Options): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  out('| engine | indexing pages/s | index on disk MB | search p50 ms | p95 ms | p99 ms | max ms | samples |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const lane of lanes) {
    const l = latency(lane.samples);
    out(`| ${lane.name} | ${lane.indexSeconds > 0 ? thousands(Math.round(options.chunks / lane.indexSeconds)) : '–'} | ${lane.bytes > 0 ? mb(lane.bytes) : '–'} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${l.n} |`);
  }
  out();
}

function printAgreement(a: Lane, b: Lane, options: Options): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  let equalTotals = 0;
  let equalRelaxed = 0;
  let equalSuggestion = 0;
  let sameTop = 0;
  let overlapSum = 0;
  const rows: string[] = [];
  for (const [key, left] of a.answers) {
    const right = b.answers.get(key)!;
    const top = (result: SearchResult): string[] => result.hits.slice(0, 10).map((hit) => hit.id);
    const shown = Math.max(top(left).length, top(right).length);
    const shared = top(left).filter((id) => top(right).includes(id)).length;
    const overlap = shown === 0 ? 1 : shared / shown;
    overlapSum += overlap;
    if (left.total === right.total) equalTotals++;
    if (left.relaxed === right.relaxed) equalRelaxed++;
    if ((left.didYouMean ?? '') === (right.didYouMean ?? '')) equalSuggestion++;
    if (shared === shown) sameTop++;
    if (options.verbose || left.total !== right.total || left.relaxed !== right.relaxed || (left.didYouMean ?? '') !== (right.didYouMean ?? '')) {
      rows.push(
        `| ${key} | ${thousands(left.total)} | ${thousands(right.total)} | ${left.relaxed ? 'yes' : ''} / ${right.relaxed ? 'yes' : ''} | ${left.didYouMean ?? ''} / ${right.didYouMean ?? ''} | ${shared}/${shown} |`,
      );
    }
  }
  const cells = a.answers.size;
  out(`### agreement between ${a.name} and ${b.name} (${cells} cells: ${QUERIES.length} queries × ${ROLES.length} roles)`);
  out();
  out(`totals equal: ${equalTotals} / ${cells}`);
  out(`relaxed equal: ${equalRelaxed} / ${cells}; didYouMean equal: ${equalSuggestion} / ${cells}`);
  out(`top-10 hits the same documents: ${sameTop} / ${cells}; mean top-10 overlap ${((overlapSum / cells) * 100).toFixed(1)} %`);
  out();
  if (rows.length > 0) {
    out(options.verbose ? 'every cell:' : 'cells that differ:');
    out();
    out(`| query · role | ${a.name} total | ${b.name} total | relaxed | didYouMean | top-10 shared |`);
    out('|---|---:|---:|---|---|---:|');
    for (const row of rows) out(row);
    out();
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const url = process.env.MEILI_URL || undefined;
  const apiKey = process.env.MEILI_API_KEY || undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-bench-engines-'));
  const uid = `bench-engines-${crypto.randomBytes(4).toString('hex')}`;
  const lanes: Lane[] = [];
  try {
    out('# bench:engines');
    out();
    out(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · load average ${os.loadavg()[0]!.toFixed(2)}`);
    out(`${thousands(options.chunks)} chunks (seed ${options.seed}); ${options.warmup} warm-up + ${options.rounds} measured rounds of ${QUERIES.length} queries × ${ROLES.length} roles; ${options.window} documents written at once`);
    out(url ? `Meilisearch at ${url}` : 'MEILI_URL is not set: the FTS5 lane only');
    out();
    const synonyms = SEED_SYNONYMS.map((group) => [...group.terms]);

    const file = path.join(work, 'search.sqlite');
    const fts = new FtsSearchIndex(file);
    await fts.init();
    await fts.setSynonyms(synonyms);
    log('FTS5: indexing');
    const ftsSeconds = await indexCorpus('FTS5', fts, options);
    lanes.push({ name: 'FTS5', index: fts, indexSeconds: ftsSeconds, bytes: ftsBytes(file), samples: [], answers: new Map() });

    if (url) {
      const meili = new MeilisearchSearchIndex({ url, apiKey, index: uid });
      await meili.init();
      await meili.setSynonyms(synonyms);
      const before = await meiliUsedBytes(url, apiKey);
      log('Meilisearch: indexing');
      const meiliSeconds = await indexCorpus('Meilisearch', meili, options);
      const bytes = (await meiliUsedBytes(url, apiKey)) - before;
      lanes.push({ name: 'Meilisearch', index: meili, indexSeconds: meiliSeconds, bytes, samples: [], answers: new Map() });
      if (options.compression) {
        const gzip = new MeilisearchSearchIndex({ url, apiKey, index: uid, compressedAnswers: true });
        await gzip.setSynonyms(synonyms);
        lanes.push({ name: 'Meilisearch, answers gzipped', index: gzip, indexSeconds: 0, bytes: 0, samples: [], answers: new Map() });
      }
    }
    const loadBefore = os.loadavg()[0]!;
    await runMix(lanes, options);
    out(`load average ${loadBefore.toFixed(2)} before the query rounds, ${os.loadavg()[0]!.toFixed(2)} after`);
    out();
    printLanes(lanes, options);
    if (lanes.length > 1) printAgreement(lanes[0]!, lanes[1]!, options);
    return 0;
  } finally {
    for (const lane of lanes) await lane.index.close();
    if (url) for (const name of [uid, `${uid}-words`]) await meiliDeleteIndex(url, apiKey, name);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
