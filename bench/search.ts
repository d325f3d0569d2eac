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
import { SEED_SYNONYMS } from '../server/db/seed/synonyms';
import { FtsSearchIndex } from '../search/fts-search-index';
import type { SearchIndex, Viewer } from '../search/search-index';
import {
  buildVocabulary,
  corpusMeta,
  engineQuery,
  FUNCTION_WORDS,
  generateDoc,
  latency,
  mb,
  ms,
  QUERIES,
  queryString,
  thousands,
  storeInPortal,
  toIndexed,
  VERBS,
  type Latency,
  type Vocabulary,
} from './corpus';
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
      services.db.transaction(() => storeInPortal(repository, docs, secretariat.id))();
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
