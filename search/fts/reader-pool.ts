import { Worker } from 'node:worker_threads';
import type { SearchHit, SearchQuery, SearchResult, Viewer } from '../search-index';
import type { MatcherOptions } from './matcher';
import type { SearchWorkerAnswer, SearchWorkerCall, SearchWorkerData } from './search-worker';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Call = WithoutId<SearchWorkerCall>;

/** How many nice steps below the portal thread a search worker runs (search-worker.ts: searches give way to file transfers). */
export const SEARCH_WORKER_NICENESS = 5;

const WORKER_SCRIPT = new URL('./search-worker.ts', import.meta.url).href;
/**
 * A worker thread does not inherit the TypeScript loader the portal runs under (`node --import tsx`, `tsx`,
 * mocha's `import=tsx`) on Node 20: it loads the worker's module through tsx's own API instead.
 */
const WORKER_BOOT = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_SCRIPT)}, ${JSON.stringify(WORKER_SCRIPT)}))`;

interface PendingAnswer {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, PendingAnswer>;
}

/**
 * Searches in worker threads, each with its own read-only connection (search-worker.ts), so that
 * searches use every core and never hold up the portal's thread, which streams uploads and
 * downloads and is the one that writes the index.
 *
 * One worker starts with the index (`warm`), more when searches arrive together, up to `size`; a
 * call goes to the worker with the fewest calls waiting. A worker that fails is replaced by the
 * next call that needs one; what it was answering is refused with its error. Synonym groups reach
 * every worker before any later search.
 */
export class ReaderPool {
  private readonly workers: PoolWorker[] = [];
  private synonyms: string[][] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly size: number,
    private readonly options: MatcherOptions,
  ) {}

  search(viewer: Viewer, query: SearchQuery): Promise<SearchResult> {
    return this.call({ call: 'search', viewer, query }) as Promise<SearchResult>;
  }

  related(viewer: Viewer, entry: string, limit: number): Promise<SearchHit[]> {
    return this.call({ call: 'related', viewer, entry, limit }) as Promise<SearchHit[]>;
  }

  async setSynonyms(groups: string[][]): Promise<void> {
    this.synonyms = groups;
    await Promise.all(this.workers.map((member) => this.send(member, { call: 'synonyms', groups })));
  }

  /** Starts the first worker ahead of the first search, which then does not wait for it to load. */
  warm(): void {
    if (!this.closed && this.workers.length === 0) this.start();
  }

  /** How many workers run now (tests, metrics). */
  get running(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const members = this.workers.splice(0);
    await Promise.all(members.map((member) => member.worker.terminate()));
    for (const member of members) this.refuseWaiting(member, new Error('the search index was closed'));
  }

  private call(call: Call): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the search index was closed'));
    return this.send(this.leastBusy(), call);
  }

  private send(member: PoolWorker, call: Call): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      member.pending.set(id, { resolve, reject });
      member.worker.ref();
      member.worker.postMessage({ ...call, id } as SearchWorkerCall);
    });
  }

  private leastBusy(): PoolWorker {
    const idle = this.workers.find((member) => member.pending.size === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) return this.start();
    return this.workers.reduce((best, member) => (member.pending.size < best.pending.size ? member : best));
  }

  private start(): PoolWorker {
    const workerData: SearchWorkerData = { file: this.file, options: this.options, synonyms: this.synonyms, niceness: SEARCH_WORKER_NICENESS };
    const worker = new Worker(WORKER_BOOT, { eval: true, workerData });
    const member: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (answer: SearchWorkerAnswer) => {
      const waiting = member.pending.get(answer.id);
      if (!waiting) return;
      member.pending.delete(answer.id);
      if (member.pending.size === 0) worker.unref();
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(Object.assign(new Error(answer.message), { stack: answer.stack }));
    });
    const fail = (reason: unknown) => {
      const error = reason instanceof Error ? reason : new Error(`a search worker failed: ${JSON.stringify(reason)}`);
      const index = this.workers.indexOf(member);
      if (index >= 0) this.workers.splice(index, 1);
      this.refuseWaiting(member, error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a search worker stopped (exit code ${code})`)));
    this.workers.push(member);
    return member;
  }

  private refuseWaiting(member: PoolWorker, error: Error): void {
    for (const waiting of member.pending.values()) waiting.reject(error);
    member.pending.clear();
  }
}
