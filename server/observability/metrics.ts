import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExtractionFailure } from '../extraction/extraction.types';

/** The jobs waiting or running, per kind and state, with the oldest one's start (ISO time). */
export interface JobsBacklog {
  backlog(): { kind: string; state: string; count: number; oldestAt: string | null }[];
}

/** What the gauges read at each scrape (the portal's own objects; nothing is polled in between). */
export interface MetricSources {
  jobs: JobsBacklog;
  requestsInFlight: () => number;
  diskFreeBytes: () => Promise<number>;
  storage: string;
  search: string;
}

const JOB_KINDS = ['extract', 'index'];
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Why an extraction failed, as a label: the extractor's own reasons, or `store`/`other` for what failed around it. */
export type ExtractionFailureReason = ExtractionFailure | 'store' | 'other';

const EXTRACTION_FAILURE_REASONS = [
  'timeout',
  'out of memory',
  'file not found',
  'unreadable PDF',
  'encrypted PDF',
  'unreadable document',
  'corrupt archive',
  'archive limits exceeded',
  'worker crashed',
  'store',
  'other',
] as const satisfies readonly ExtractionFailureReason[];

/** `out of memory` → `out_of_memory`: label values without spaces or capitals. */
function reasonLabel(reason: ExtractionFailureReason): string {
  return reason.toLowerCase().replace(/\s+/g, '_');
}

/**
 * The portal's Prometheus metrics, in a registry of its own (several portals in one test process do not
 * mix). Label values come from closed sets only: route patterns (never ids), methods, status codes,
 * engine and store kinds, operation names and the extractor's failure reasons.
 */
export class PortalMetrics {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'tajrobe_http_request_duration_seconds',
    help: 'Time from a request’s arrival to the end of its answer, by route pattern (never an id), method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });

  private readonly uploadBytes = new Histogram({
    name: 'tajrobe_upload_bytes',
    help: 'Size of each file stored by an accepted upload (sum: bytes uploaded), by route pattern',
    labelNames: ['route'] as const,
    buckets: [64 * 1024, 1024 ** 2, 10 * 1024 ** 2, 100 * 1024 ** 2, 512 * 1024 ** 2, 1024 ** 3, 2 * 1024 ** 3],
    registers: [this.registry],
  });

  private readonly extractionFailures = new Counter({
    name: 'tajrobe_extraction_failures_total',
    help: 'Failed attempts to extract a file’s text, by reason (final: no attempt is left)',
    labelNames: ['reason', 'final'] as const,
    registers: [this.registry],
  });

  private readonly searchDuration = new Histogram({
    name: 'tajrobe_search_duration_seconds',
    help: 'Time the search engine took to answer, by engine and operation (search, related)',
    labelNames: ['engine', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly indexErrors = new Counter({
    name: 'tajrobe_search_index_errors_total',
    help: 'Calls to the search engine that failed, by engine and operation',
    labelNames: ['engine', 'operation'] as const,
    registers: [this.registry],
  });

  private readonly storeErrors = new Counter({
    name: 'tajrobe_store_errors_total',
    help: 'Calls to an object store that failed, by store and operation',
    labelNames: ['store', 'operation'] as const,
    registers: [this.registry],
  });

  /**
   * @param options.processMetrics also the process's and Node.js's own figures (CPU, memory, event-loop delay,
   *   garbage collection): the running portal has them; a portal built for a test does not need their timers.
   */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    for (const reason of EXTRACTION_FAILURE_REASONS) for (const final of ['false', 'true']) this.extractionFailures.inc({ reason: reasonLabel(reason), final }, 0);
  }

  /** Registers the gauges read from the portal at each scrape. */
  watch(sources: MetricSources): void {
    const registers = [this.registry];
    new Gauge({
      name: 'tajrobe_info',
      help: 'Always 1; the labels say which engines this portal runs on',
      labelNames: ['storage', 'search'] as const,
      registers,
      collect() {
        this.set({ storage: sources.storage, search: sources.search }, 1);
      },
    });
    // One read of the jobs table serves both gauges of a scrape (their collects run in the same turn of the event loop).
    let rows: ReturnType<JobsBacklog['backlog']> | null = null;
    const readJobs = () => {
      if (!rows) {
        rows = sources.jobs.backlog();
        setImmediate(() => (rows = null));
      }
      return rows;
    };
    new Gauge({
      name: 'tajrobe_jobs',
      help: 'Background jobs by kind (extract, index) and state (queued, running, failed)',
      labelNames: ['kind', 'state'] as const,
      registers,
      collect() {
        this.reset();
        for (const kind of JOB_KINDS) for (const state of ['queued', 'running', 'failed']) this.set({ kind, state }, 0);
        for (const row of readJobs()) this.set({ kind: row.kind, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: 'tajrobe_jobs_oldest_age_seconds',
      help: 'Age of the oldest job by kind and state: queued, since it was queued; running, since it was started',
      labelNames: ['kind', 'state'] as const,
      registers,
      collect() {
        this.reset();
        for (const kind of JOB_KINDS) for (const state of ['queued', 'running']) this.set({ kind, state }, 0);
        for (const row of readJobs()) {
          if (row.state === 'failed' || !row.oldestAt) continue;
          this.set({ kind: row.kind, state: row.state }, Math.max(0, (Date.now() - Date.parse(row.oldestAt)) / 1000));
        }
      },
    });
    new Gauge({
      name: 'tajrobe_http_requests_in_flight',
      help: 'Requests being answered now (uploads and downloads included)',
      registers,
      collect() {
        this.set(sources.requestsInFlight());
      },
    });
    new Gauge({
      name: 'tajrobe_disk_free_bytes',
      help: 'Free space in DATA_DIR (below DISK_FREE_FLOOR_MB uploads are refused with 507)',
      registers,
      async collect() {
        this.set(await sources.diskFreeBytes());
      },
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method: HTTP_METHODS.has(method) ? method : 'OTHER', route, status: String(status) }, seconds);
  }

  upload(route: string, bytes: number): void {
    this.uploadBytes.observe({ route }, bytes);
  }

  extractionFailed(reason: ExtractionFailureReason, final: boolean): void {
    this.extractionFailures.inc({ reason: reasonLabel(reason), final: String(final) });
  }

  search(engine: string, operation: string, seconds: number): void {
    this.searchDuration.observe({ engine, operation }, seconds);
  }

  indexError(engine: string, operation: string): void {
    this.indexErrors.inc({ engine, operation });
  }

  storeError(store: string, operation: string): void {
    this.storeErrors.inc({ store, operation });
  }

  /**
   * Makes these series exist at 0 from the start: an alert on `increase(…)` then sees the first error too
   * (a series that appears at 1 has no increase).
   */
  expect(errors: { engine?: string; store?: string; operations: readonly string[] }): void {
    for (const operation of errors.operations) {
      if (errors.engine) this.indexErrors.inc({ engine: errors.engine, operation }, 0);
      if (errors.store) this.storeErrors.inc({ store: errors.store, operation }, 0);
    }
  }

  /** The text format Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
