/**
 * Many users at once: the real portal (a child process, `node --import tsx server/main.ts`) on the
 * generated corpus of bench/corpus.ts, loaded by clients on loopback that mix API searches, search
 * pages and document pages, while one large upload streams in.
 *
 *   npm run bench:load                                    100,000 chunks, 50 clients, both loops
 *   npm run bench:load -- --chunks 10000 --duration 10    a quicker run
 *   npm run bench:load -- --data /tmp/load-100k --keep    prepare once, reuse the data folder later
 *
 * Options (flag, or environment variable):
 *   --chunks / BENCH_CHUNKS       page chunks of the corpus (default 100000)
 *   --clients / BENCH_CLIENTS     concurrent clients, or users of the open loop (default 50)
 *   --duration / BENCH_DURATION   seconds each loop runs at least (default 20; it also runs until the upload is in)
 *   --interval / BENCH_INTERVAL   open loop: seconds between one user's requests (default 2)
 *   --upload / BENCH_UPLOAD       size of the upload that runs during each loop (default 256M; 0 = none)
 *   --limit / BENCH_LIMIT         seconds after which a loop stops even if its upload is not in (default 180; the upload then counts as stalled)
 *   --loops / BENCH_LOOPS         closed, open, or closed,open (default); none only prepares the data folder
 *   --mix / BENCH_MIX             mixed (searches, search pages, document pages; default) or search (API searches only)
 *   --workers / BENCH_WORKERS     SEARCH_WORKERS for the portal (default: the portal's own default)
 *   --data DIR                    the portal's DATA_DIR: prepared when empty, reused as it is otherwise
 *   --keep                        keep the data folder (without --data it is in the OS temp folder)
 *
 * Phases: (1) the corpus goes into a fresh DATA_DIR through the portal's own repository and
 * indexer (as bench/search.ts does; no HTTP, no extraction) with three users; (2) the portal starts
 * as a child process on a free loopback port; (3) the upload alone, timed (its solo figure);
 * (4) the closed loop: `clients` clients, each sending its next request when the last answer has
 * arrived, the upload starting 2 s in; (5) the open loop: `clients` users, each sending a request
 * every `interval` seconds whatever the answers (latency counted from the planned send time, so a
 * stalled server is not hidden by clients that wait). Each upload is an MP4 (nothing to extract)
 * and the bench waits for its background job before going on. The 1-minute load average is
 * printed with every figure: other work on the machine moves them.
 *
 * Nothing leaves 127.0.0.1; every loop is bounded by its duration and the upload; the child portal
 * and a temporary data folder are removed in every case, Ctrl-C included.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config';
import { wire } from '../server/wire';
import { DocumentsRepository } from '../server/documents/documents.repository';
import { postMultipart } from './multipart-upload';
import { buildVocabulary, corpusMeta, generateDoc, latency, ms, QUERIES, queryString, storeInPortal, thousands, type DocMeta, type Latency } from './corpus';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIB = 1024 ** 2;
const PASSWORD = 'bench-load-password';
const USERS = [
  { username: 'load-secretariat', role: 'secretariat' as const, city: undefined },
  { username: 'load-tehran', role: 'city' as const, city: 'tehran' },
  { username: 'load-reader', role: 'reader' as const, city: undefined },
];
/** How long after a loop starts its upload begins, so that it meets a server already under load. */
const UPLOAD_DELAY_MS = 2000;

// --- options ---

interface Options {
  chunks: number;
  clients: number;
  duration: number;
  limit: number;
  interval: number;
  upload: number;
  loops: ('closed' | 'open')[];
  mix: 'mixed' | 'search';
  workers: string | undefined;
  data: string | undefined;
  keep: boolean;
  seed: number;
}

class UsageError extends Error {}

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`cannot read the size "${text}" (try 256M)`);
  return Math.round(Number(match[1]) * { '': 1, k: 1024, m: MIB, g: 1024 * MIB }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']);
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const raw: Record<string, string | undefined> = {
    chunks: env.BENCH_CHUNKS,
    clients: env.BENCH_CLIENTS,
    duration: env.BENCH_DURATION,
    limit: env.BENCH_LIMIT,
    interval: env.BENCH_INTERVAL,
    upload: env.BENCH_UPLOAD,
    loops: env.BENCH_LOOPS,
    mix: env.BENCH_MIX,
    workers: env.BENCH_WORKERS,
  };
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--keep') {
      keep = true;
      continue;
    }
    const match = /^--(chunks|clients|duration|limit|interval|upload|loops|mix|workers|data)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    raw[match[1]!] = value;
  }
  const number = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${name} is a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const loops = raw.loops === 'none' ? [] : (raw.loops ?? 'closed,open').split(',').map((loop) => loop.trim());
  if (loops.some((loop) => loop !== 'closed' && loop !== 'open')) throw new UsageError(`--loops is closed, open or closed,open, got "${raw.loops}"`);
  const mix = raw.mix ?? 'mixed';
  if (mix !== 'mixed' && mix !== 'search') throw new UsageError(`--mix is mixed or search, got "${mix}"`);
  return {
    chunks: Math.trunc(number('chunks', raw.chunks ?? '100000', 1, 2_000_000)),
    clients: Math.trunc(number('clients', raw.clients ?? '50', 1, 1000)),
    duration: number('duration', raw.duration ?? '20', 1, 600),
    limit: number('limit', raw.limit ?? '180', 1, 3600),
    interval: number('interval', raw.interval ?? '2', 0.01, 60),
    upload: raw.upload === '0' ? 0 : parseSize(raw.upload ?? '256M'),
    loops: loops as Options['loops'],
    mix,
    workers: raw.workers,
    data: raw.data ? path.resolve(raw.data) : undefined,
    keep,
    seed: 1391,
  };
}

// --- preparing the data folder ---

async function prepare(dataDir: string, options: Options): Promise<DocMeta[]> {
  const metas = corpusMeta(options.chunks, options.seed);
  if (fs.existsSync(path.join(dataDir, 'tajrobe.sqlite'))) {
    log(`reusing the prepared data folder ${dataDir}`);
    return metas;
  }
  const vocab = buildVocabulary(options.seed);
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'bench-load-session-secret' });
  const services = await wire(config, () => undefined);
  try {
    const users: { id: number }[] = [];
    for (const user of USERS) users.push(await services.users.create({ username: user.username, password: PASSWORD, role: user.role, ...(user.city ? { city: user.city } : {}) }, null));
    const repository = new DocumentsRepository(services.db);
    const started = performance.now();
    let pages = 0;
    for (let from = 0; from < metas.length; from += 100) {
      const docs = metas.slice(from, from + 100).map((meta) => generateDoc(meta, vocab, options.seed));
      services.db.transaction(() => storeInPortal(repository, docs, users[0]!.id))();
      for (const doc of docs) {
        await services.indexer.sync(doc.id);
        pages += doc.pages;
      }
      if ((from / 100) % 10 === 9) log(`  prepared ${thousands(pages)} / ${thousands(options.chunks)} pages (${Math.round(pages / ((performance.now() - started) / 1000))} pages/s)`);
    }
    log(`prepared ${thousands(metas.length)} documents, ${thousands(pages)} pages in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    services.sessions.close();
    await services.searchIndex.close();
    services.db.close();
  }
  return metas;
}

// --- the portal ---

interface Portal {
  child: ChildProcess;
  port: number;
  logFile: string;
}

let running: Portal | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startPortal(dataDir: string, workDir: string, options: Options): Promise<Portal> {
  const port = await freePort();
  const logFile = path.join(workDir, 'portal.log');
  const childTmp = path.join(workDir, 'tmp');
  fs.mkdirSync(childTmp, { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: childTmp,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    SESSION_SECRET: 'bench-load-session-secret',
    MAX_UPLOAD_BYTES: String(options.upload + 64 * MIB),
    STORAGE: 'fs',
    SEARCH: 'sqlite',
    // The bench's own data folder holds a big index; its disk may be below the default floor on a busy machine.
    DISK_FREE_FLOOR_MB: '64',
    ...(options.workers !== undefined ? { SEARCH_WORKERS: options.workers } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const portal: Portal = { child, port, logFile };
  running = portal;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the portal exited before it was healthy:\n${tail(logFile)}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return portal;
    if (Date.now() > deadline) throw new Error(`GET /healthz did not answer 200 within 120 s:\n${tail(logFile)}`);
    await sleep(250);
  }
}

async function stopPortal(): Promise<void> {
  const child = running?.child;
  running = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

// --- HTTP ---

interface Answer {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

function send(agent: http.Agent, port: number, method: string, url: string, headers: http.OutgoingHttpHeaders, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** A bearer token for the API and a signed-in session for pages, per user. */
interface Credentials {
  username: string;
  token: string;
  cookie: string;
}

async function signIn(port: number, username: string): Promise<Credentials> {
  const agent = new http.Agent({ keepAlive: false });
  const tokenAnswer = await send(agent, port, 'POST', '/api/v1/tokens', { 'content-type': 'application/json' }, JSON.stringify({ username, password: PASSWORD }));
  if (tokenAnswer.status !== 201) throw new Error(`POST /api/v1/tokens for ${username}: ${tokenAnswer.status}`);
  const token = (JSON.parse(tokenAnswer.body.toString('utf8')) as { token: string }).token;
  const form = await send(agent, port, 'GET', '/login', {});
  const cookieOf = (answer: Answer): string => (answer.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body.toString('utf8'))?.[1];
  if (!csrf) throw new Error('no CSRF token on /login');
  const body = new URLSearchParams({ _csrf: csrf, username, password: PASSWORD }).toString();
  const login = await send(agent, port, 'POST', '/login', { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(form) }, body);
  if (login.status !== 303) throw new Error(`POST /login for ${username}: ${login.status}`);
  agent.destroy();
  return { username, token, cookie: cookieOf(login) || cookieOf(form) };
}

// --- what the clients ask ---

type Kind = 'api search' | 'search page' | 'document page';

interface Planned {
  kind: Kind;
  url: string;
  headers: http.OutgoingHttpHeaders;
}

function planner(credentials: Credentials[], documents: string[], mix: Options['mix'], seed: number): () => Planned {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const searches = QUERIES.map((spec) => queryString(spec.params));
  return () => {
    const who = pick(credentials);
    const r = mix === 'search' ? 0 : random();
    if (r < 0.7) return { kind: 'api search', url: `/api/v1/search?${pick(searches)}`, headers: { authorization: `Bearer ${who.token}`, accept: 'application/json' } };
    if (r < 0.85) return { kind: 'search page', url: `/search?${pick(searches)}`, headers: { cookie: who.cookie, accept: 'text/html' } };
    return { kind: 'document page', url: `/documents/${pick(documents)}`, headers: { cookie: who.cookie, accept: 'text/html' } };
  };
}

interface Samples {
  byKind: Map<Kind, number[]>;
  errors: Map<string, number>;
  started: number;
  ended: number;
}

function record(samples: Samples, kind: Kind, elapsed: number): void {
  const list = samples.byKind.get(kind) ?? [];
  list.push(elapsed);
  samples.byKind.set(kind, list);
}

function recordError(samples: Samples, what: string): void {
  samples.errors.set(what, (samples.errors.get(what) ?? 0) + 1);
}

/** Closed loop: each client sends its next request once the last answer has arrived, until `until()` says stop. */
async function closedLoop(port: number, clients: number, next: () => Planned, until: () => boolean): Promise<Samples> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const samples: Samples = { byKind: new Map(), errors: new Map(), started: performance.now(), ended: 0 };
  const client = async (): Promise<void> => {
    while (!until()) {
      const planned = next();
      const t0 = performance.now();
      try {
        const answer = await send(agent, port, 'GET', planned.url, planned.headers);
        if (answer.status === 200) record(samples, planned.kind, performance.now() - t0);
        else recordError(samples, `${planned.kind} ${answer.status}`);
      } catch (error) {
        recordError(samples, `${planned.kind} ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  samples.ended = performance.now();
  agent.destroy();
  return samples;
}

/**
 * Open loop: each user sends a request every `intervalMs` (first at a random offset), whether or not
 * the last one was answered; latency counts from the planned time, so waiting clients hide nothing.
 */
async function openLoop(port: number, users: number, intervalMs: number, next: () => Planned, until: () => boolean): Promise<Samples> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: users * 4 });
  const samples: Samples = { byKind: new Map(), errors: new Map(), started: performance.now(), ended: 0 };
  const inFlight = new Set<Promise<void>>();
  const user = async (offset: number): Promise<void> => {
    let planned = samples.started + offset;
    while (!until()) {
      const wait = planned - performance.now();
      if (wait > 0) await sleep(wait);
      if (until()) break;
      const request = next();
      const at = planned;
      const done = send(agent, port, 'GET', request.url, request.headers).then(
        (answer) => {
          if (answer.status === 200) record(samples, request.kind, performance.now() - at);
          else recordError(samples, `${request.kind} ${answer.status}`);
        },
        (error: unknown) => recordError(samples, `${request.kind} ${(error as Error).message}`),
      );
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
      planned += intervalMs;
    }
  };
  await Promise.all(Array.from({ length: users }, (_, i) => user((intervalMs * i) / users)));
  await Promise.all([...inFlight]);
  samples.ended = performance.now();
  agent.destroy();
  return samples;
}

// --- the upload ---

/** `size` bytes of an MP4 (an ftyp box, then xorshift output in 1 MiB blocks, each stamped with its index): nothing to extract. */
function mp4Body(size: number): Readable {
  const block = Buffer.allocUnsafe(MIB);
  let x = 0x2545f491;
  for (let i = 0; i < MIB; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block.writeUInt32LE(x >>> 0, i);
  }
  const ftyp = Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isommp41')]);
  let produced = 0;
  let index = 0;
  return new Readable({
    highWaterMark: MIB,
    read() {
      if (produced >= size) return void this.push(null);
      const length = Math.min(MIB, size - produced);
      const chunk = Buffer.from(block.subarray(0, length));
      chunk.writeUInt32LE(index, Math.min(4096, length - 4));
      if (index === 0) ftyp.copy(chunk);
      produced += length;
      index++;
      this.push(chunk);
    },
  });
}

interface UploadResult {
  seconds: number;
  id: string;
}

async function upload(port: number, token: string, size: number, signal?: AbortSignal): Promise<UploadResult> {
  const { status, text, seconds } = await postMultipart({
    url: new URL(`http://127.0.0.1:${port}/api/v1/documents`),
    token,
    fields: [
      ['title', 'محک بار: فیلم آموزشی'],
      ['summary', 'بارگذاری هم‌زمان با جست‌وجوهای بسیار'],
      ['kind', 'training-material'],
      ['year', '1403'],
      ['hazards', 'earthquake'],
      ['access', 'portal'],
      ['city', 'tehran'],
    ],
    file: { name: 'load.mp4', contentType: 'video/mp4', size, bytes: mp4Body(size) },
    signal,
  });
  if (status !== 201) throw new Error(`the upload answered ${status}: ${text.slice(0, 500)}`);
  return { seconds, id: (JSON.parse(text) as { id: string }).id };
}

/** Waits for the upload's background job (copy to a temp file, nothing to extract from an MP4) to end. */
async function settle(port: number, token: string, id: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (let i = 0; i < 600; i++) {
      const answer = await send(agent, port, 'GET', `/api/v1/documents/${id}`, { authorization: `Bearer ${token}` });
      const state = (JSON.parse(answer.body.toString('utf8')) as { indexing?: { state: string } }).indexing?.state;
      if (state !== 'queued' && state !== 'running') return;
      await sleep(250);
    }
  } finally {
    agent.destroy();
  }
}

// --- a loop with its upload ---

interface LoopResult {
  loop: 'closed' | 'open';
  samples: Samples;
  /** null: no upload asked for; 'stalled': not in when the loop's limit came. */
  upload: UploadResult | 'stalled' | null;
  load: [string, string];
}

async function runLoop(loop: 'closed' | 'open', portal: Portal, admin: Credentials, next: () => Planned, options: Options): Promise<LoopResult> {
  const loadBefore = loadAverage();
  const started = performance.now();
  let uploaded: UploadResult | null = null;
  let uploading: Promise<void> = Promise.resolve();
  const stalled = new AbortController();
  const elapsed = (): number => performance.now() - started;
  const until = (): boolean => (elapsed() >= options.duration * 1000 && uploaded !== null) || elapsed() >= options.limit * 1000;
  const limit = setTimeout(() => stalled.abort(), options.limit * 1000);
  if (options.upload > 0) {
    uploading = sleep(UPLOAD_DELAY_MS)
      .then(() => upload(portal.port, admin.token, options.upload, stalled.signal))
      .then(
        (result) => {
          uploaded = result;
        },
        (error: unknown) => {
          if (!stalled.signal.aborted) throw error;
        },
      );
  } else uploaded = { seconds: 0, id: '' };
  const sampling =
    loop === 'closed' ? closedLoop(portal.port, options.clients, next, until) : openLoop(portal.port, options.clients, options.interval * 1000, next, until);
  const [samples] = await Promise.all([sampling, uploading]).finally(() => clearTimeout(limit));
  const loadAfter = loadAverage();
  const done = uploaded as UploadResult | null;
  if (options.upload > 0 && done) await settle(portal.port, admin.token, done.id);
  return { loop, samples, upload: options.upload > 0 ? (done ?? 'stalled') : null, load: [loadBefore, loadAfter] };
}

// --- output ---

function printLoop(result: LoopResult, solo: number | null, options: Options): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const { samples } = result;
  const seconds = (samples.ended - samples.started) / 1000;
  const all = [...samples.byKind.values()].flat();
  const searches = [...(samples.byKind.get('api search') ?? []), ...(samples.byKind.get('search page') ?? [])];
  const title =
    result.loop === 'closed'
      ? `closed loop: ${options.clients} clients, each sending its next request when the last is answered`
      : `open loop: ${options.clients} users, each sending a request every ${options.interval} s (${(options.clients / options.interval).toFixed(1)} requests/s planned)`;
  out(`### ${title}`);
  out();
  out(`${seconds.toFixed(1)} s; load average ${result.load[0]} before, ${result.load[1]} after`);
  out(`answered 200: ${thousands(all.length)} requests, ${(all.length / seconds).toFixed(1)} requests/s, of which searches (API and page) ${(searches.length / seconds).toFixed(1)}/s`);
  const errors = [...samples.errors].map(([what, count]) => `${what} ×${count}`).join(', ');
  out(`errors: ${errors || 'none'}`);
  out();
  out('| requests | count | per s | p50 ms | p95 ms | p99 ms | max ms |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  const row = (name: string, list: number[]): void => {
    const l: Latency = latency(list);
    out(`| ${name} | ${thousands(l.n)} | ${(l.n / seconds).toFixed(1)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} |`);
  };
  for (const [kind, list] of samples.byKind) row(kind, list);
  row('**all**', all);
  row('**searches (API + page)**', searches);
  out();
  if (result.upload === 'stalled') {
    out(`upload of ${(options.upload / MIB).toFixed(0)} MiB during the loop: NOT IN after ${options.limit} s (--limit); it was cut off`);
    out();
  } else if (result.upload) {
    const rate = options.upload / MIB / result.upload.seconds;
    const share = solo === null ? '' : `; ${((solo / result.upload.seconds) * 100).toFixed(0)} % of its solo throughput (goal ≥ 80 %)`;
    out(`upload of ${(options.upload / MIB).toFixed(0)} MiB during the loop: ${result.upload.seconds.toFixed(2)} s, ${rate.toFixed(1)} MiB/s${share}`);
    out();
  }
}

// --- main ---

function loadAverage(): string {
  const [one, , , runnable] = fs.readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `${one} (${runnable} runnable)`;
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`bench/load: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-bench-load-'));
  const dataDir = options.data ?? path.join(workDir, 'data');
  const cleanUp = async (): Promise<void> => {
    await stopPortal();
    if (!options.keep && !options.data) fs.rmSync(workDir, { recursive: true, force: true });
    else fs.rmSync(path.join(workDir, 'tmp'), { recursive: true, force: true });
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  try {
    out('# bench:load');
    out();
    out(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · commit ${gitHead()}`);
    out(
      `${thousands(options.chunks)} chunks; ${options.clients} clients; mix ${options.mix === 'mixed' ? '70 % API searches, 15 % search pages, 15 % document pages' : 'API searches only'}; ` +
        `upload ${(options.upload / MIB).toFixed(0)} MiB; SEARCH_WORKERS ${options.workers ?? '(portal default)'}`,
    );
    out();
    const metas = await prepare(dataDir, options);
    const documents = metas.filter((m) => m.status === 'published' && m.access === 'portal').map((m) => m.id);
    const portal = await startPortal(dataDir, workDir, options);
    log(`portal pid ${portal.child.pid} on port ${portal.port}`);
    const credentials = [];
    for (const user of USERS) credentials.push(await signIn(portal.port, user.username));
    const admin = credentials[0]!;
    // Warm the page cache and the portal's first-use paths before anything is timed.
    await closedLoop(portal.port, 4, planner(credentials, documents, options.mix, 7), ((t) => () => performance.now() - t > 3000)(performance.now()));

    let solo: number | null = null;
    if (options.upload > 0) {
      const loadBefore = loadAverage();
      const alone = await upload(portal.port, admin.token, options.upload);
      await settle(portal.port, admin.token, alone.id);
      solo = alone.seconds;
      out(`upload alone: ${(options.upload / MIB).toFixed(0)} MiB in ${alone.seconds.toFixed(2)} s, ${(options.upload / MIB / alone.seconds).toFixed(1)} MiB/s (load average ${loadBefore} before)`);
      out();
    }
    for (const [i, loop] of options.loops.entries()) {
      log(`${loop} loop`);
      printLoop(await runLoop(loop, portal, admin, planner(credentials, documents, options.mix, 1000 + i), options), solo, options);
    }
    if (options.keep || options.data) out(`data folder kept: ${dataDir}`);
    return 0;
  } catch (error) {
    console.error(`bench/load FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (running) console.error(tail(running.logFile));
    return 1;
  } finally {
    await cleanUp();
  }
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

process.exitCode = await main();
