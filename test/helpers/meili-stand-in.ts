import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * A local HTTP stand-in for the parts of the Meilisearch API the adapter uses. It records every
 * request and answers with responses of the documented shapes: 202 + a summarized task for every
 * write, task objects from GET /tasks/:uid (first `processing`, then `succeeded`, unless told to fail),
 * and programmable answers for search and document fetches. POST /multi-search answers each query
 * as POST /indexes/:uid/search would (programmed or not), and an error of one query as the error of
 * the whole request, its message prefixed with the query's place as Meilisearch does. It does not
 * search: tests say what a search answers and check what the adapter asked.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** What the stand-in answered. */
  reply?: Reply;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface MeiliError {
  message: string;
  code: string;
  type: 'invalid_request' | 'internal' | 'auth' | 'system';
  link: string;
}

interface TaskState {
  uid: number;
  indexUid: string | null;
  type: string;
  enqueuedAt: string;
  polls: number;
  error: MeiliError | null;
}

/** A programmed answer; a function that returns undefined leaves the request to the next answer or the default. */
type Route = { method: string; pattern: RegExp; reply: (req: RecordedRequest, match: RegExpMatchArray) => Reply | undefined; once: boolean };

export function meiliError(code: string, message: string, type: MeiliError['type'] = 'invalid_request'): MeiliError {
  return { message, code, type, link: `https://docs.meilisearch.com/errors#${code}` };
}

export class MeiliStandIn {
  readonly requests: RecordedRequest[] = [];
  /** How many times GET /tasks/:uid answers `processing` before the final status. */
  pollsBeforeDone = 1;
  /**
   * Answer as a real Meilisearch (actix-web's compress middleware) does when the client accepts gzip:
   * the head first, then the gzip stream in pieces, chunked, from a socket that waits for the client's
   * ACK before sending a small segment (Nagle). A client that delays its ACKs then waits ~40 ms per answer.
   */
  compressAnswers = false;
  private readonly tasks = new Map<number, TaskState>();
  private readonly overrides: Route[] = [];
  private readonly taskFailures: { type: string; error: MeiliError }[] = [];
  private nextTaskUid = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<MeiliStandIn> {
    let standIn: MeiliStandIn | undefined;
    const server = http.createServer((req, res) => void standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new MeiliStandIn(server, `http://127.0.0.1:${port}`);
    return standIn;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Forgets the recorded requests, the programmed answers and the task failures. */
  reset(): void {
    this.requests.length = 0;
    this.overrides.length = 0;
    this.taskFailures.length = 0;
    this.pollsBeforeDone = 1;
    this.compressAnswers = false;
  }

  /** Answers `method path` (the path a regular expression, anchored by the caller) with `reply`, before the defaults. */
  on(method: string, pattern: RegExp, reply: Reply | ((req: RecordedRequest, match: RegExpMatchArray) => Reply | undefined), options: { once?: boolean } = {}): void {
    this.overrides.push({ method, pattern, reply: typeof reply === 'function' ? reply : () => reply, once: options.once ?? false });
  }

  /** The next enqueued task of `type` (e.g. `documentAdditionOrUpdate`) ends `failed` with `error`. */
  failNextTask(type: string, error: MeiliError): void {
    this.taskFailures.push({ type, error });
  }

  /** The recorded requests other than task polling, as `METHOD /path`. */
  calls(): string[] {
    return this.requests.filter((r) => !r.path.startsWith('/tasks/')).map((r) => `${r.method} ${r.path}`);
  }

  /** The bodies of the requests `METHOD path` received, in order. */
  bodies(method: string, path: string): unknown[] {
    return this.requests.filter((r) => r.method === method && r.path === path).map((r) => r.body);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: raw === '' ? undefined : JSON.parse(raw),
    };
    this.requests.push(recorded);
    const reply = this.route(recorded);
    recorded.reply = reply;
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    if (this.compressAnswers && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return compressedInPieces(res, reply.status, body);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(body);
  }

  private route(req: RecordedRequest): Reply {
    if (req.method === 'POST' && req.path === '/multi-search') return this.multiSearch(req);
    for (const [i, route] of this.overrides.entries()) {
      const match = req.method === route.method ? req.path.match(route.pattern) : null;
      if (!match) continue;
      const reply = route.reply(req, match);
      if (!reply) continue;
      if (route.once) this.overrides.splice(i, 1);
      return reply;
    }
    return this.defaultRoute(req);
  }

  private multiSearch(req: RecordedRequest): Reply {
    const { queries } = req.body as { queries: ({ indexUid: string } & Record<string, unknown>)[] };
    const results: unknown[] = [];
    for (const [i, { indexUid, ...query }] of queries.entries()) {
      const reply = this.route({ ...req, path: `/indexes/${indexUid}/search`, body: query });
      if (reply.status !== 200) {
        const error = reply.body as MeiliError;
        return { status: reply.status, body: { ...error, message: `Inside \`.queries[${i}]\`: ${error.message}` } };
      }
      results.push({ indexUid, ...(reply.body as Record<string, unknown>) });
    }
    return { status: 200, body: { results } };
  }

  private defaultRoute(req: RecordedRequest): Reply {
    const { method, path } = req;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/health') return { status: 200, body: { status: 'available' } };
    if (method === 'GET' && (m = path.match(/^\/tasks\/(\d+)$/))) return this.taskReply(Number(m[1]));
    if (method === 'POST' && path === '/indexes') return this.enqueue('indexCreation', (req.body as { uid: string }).uid);
    if ((m = path.match(/^\/indexes\/([^/]+)$/)) && method === 'DELETE') return this.enqueue('indexDeletion', m[1]!);
    if (path.match(/^\/indexes\/[^/]+\/stats$/) && method === 'GET') {
      return { status: 200, body: { numberOfDocuments: 0, rawDocumentDbSize: 0, avgDocumentSize: 0, isIndexing: false, numberOfEmbeddings: 0, numberOfEmbeddedDocuments: 0, fieldDistribution: {} } };
    }
    if ((m = path.match(/^\/indexes\/([^/]+)\/settings$/)) && method === 'PATCH') return this.enqueue('settingsUpdate', m[1]!);
    if ((m = path.match(/^\/indexes\/([^/]+)\/settings\/synonyms$/)) && method === 'PUT') return this.enqueue('settingsUpdate', m[1]!);
    if ((m = path.match(/^\/indexes\/([^/]+)\/documents$/))) {
      if (method === 'POST' || method === 'PUT') return this.enqueue('documentAdditionOrUpdate', m[1]!);
      if (method === 'DELETE') return this.enqueue('documentDeletion', m[1]!);
    }
    if ((m = path.match(/^\/indexes\/([^/]+)\/documents\/delete$/)) && method === 'POST') return this.enqueue('documentDeletion', m[1]!);
    if (path.match(/^\/indexes\/[^/]+\/documents\/fetch$/) && method === 'POST') {
      const { offset = 0, limit = 20 } = (req.body ?? {}) as { offset?: number; limit?: number };
      return { status: 200, body: { results: [], offset, limit, total: 0 } };
    }
    if ((m = path.match(/^\/indexes\/[^/]+\/search$/)) && method === 'POST') {
      return { status: 200, body: searchResponse(req.body as SearchBody, { hits: [], totalHits: 0, facetDistribution: {} }) };
    }
    return { status: 404, body: meiliError('not_found', `The route ${method} ${path} does not exist in the stand-in.`) };
  }

  private enqueue(type: string, indexUid: string | null): Reply {
    const uid = this.nextTaskUid++;
    const failure = this.taskFailures.findIndex((f) => f.type === type);
    const error = failure >= 0 ? this.taskFailures.splice(failure, 1)[0]!.error : null;
    const enqueuedAt = new Date().toISOString();
    this.tasks.set(uid, { uid, indexUid, type, enqueuedAt, polls: 0, error });
    return { status: 202, body: { taskUid: uid, indexUid, status: 'enqueued', type, enqueuedAt } };
  }

  private taskReply(uid: number): Reply {
    const task = this.tasks.get(uid);
    if (!task) return { status: 404, body: meiliError('task_not_found', `Task \`${uid}\` not found.`) };
    task.polls += 1;
    const finished = task.polls > this.pollsBeforeDone;
    const now = new Date().toISOString();
    return {
      status: 200,
      body: {
        uid: task.uid,
        batchUid: finished ? task.uid : null,
        indexUid: task.indexUid,
        status: !finished ? 'processing' : task.error ? 'failed' : 'succeeded',
        type: task.type,
        canceledBy: null,
        details: {},
        error: finished ? task.error : null,
        duration: finished ? 'PT0.001S' : null,
        enqueuedAt: task.enqueuedAt,
        startedAt: now,
        finishedAt: finished ? now : null,
      },
    };
  }
}

/** A gzip answer as actix-web sends it on a socket with Nagle's algorithm on: head, then the stream in two writes. */
function compressedInPieces(res: http.ServerResponse, status: number, body: string): void {
  res.socket?.setNoDelay(false);
  res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'accept-encoding' });
  res.flushHeaders();
  const compressed = zlib.gzipSync(body);
  setImmediate(() => {
    res.write(compressed.subarray(0, 10));
    setImmediate(() => res.end(compressed.subarray(10)));
  });
}

interface SearchBody {
  q?: string;
  page?: number;
  hitsPerPage?: number;
}

/** A search answer in the documented shape for `page`/`hitsPerPage` requests. */
export function searchResponse(
  request: SearchBody,
  result: { hits: Record<string, unknown>[]; totalHits: number; facetDistribution: Record<string, Record<string, number>> },
): Record<string, unknown> {
  const hitsPerPage = request.hitsPerPage ?? 20;
  return {
    hits: result.hits,
    query: request.q ?? '',
    processingTimeMs: 1,
    hitsPerPage,
    page: request.page ?? 1,
    totalPages: Math.ceil(result.totalHits / hitsPerPage),
    totalHits: result.totalHits,
    facetDistribution: result.facetDistribution,
    facetStats: {},
  };
}
