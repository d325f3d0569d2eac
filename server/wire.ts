import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ObjectStore, StoreKind } from '../storage/object-store';
import { FsObjectStore } from '../storage/fs-object-store';
import { MinioObjectStore } from '../storage/minio-object-store';
import { StoreRegistry } from '../storage/store-registry';
import type { Config, MinioSettings } from './config';
import type { Services } from './services';
import { COMMAND_BUSY_TIMEOUT_MS, openDatabase, type Db } from './db/database';
import { seedReferenceData } from './db/seed';
import { AuditLog } from './audit/audit.log';
import { UsersService } from './users/users.service';
import { TokensService } from './auth/tokens.service';
import { LoginThrottle } from './auth/login-throttle';
import { SqliteSessionStore } from './auth/session.store';
import { configurePassport } from './auth/passport';
import { DocumentsRepository } from './documents/documents.repository';
import { DocumentsService } from './documents/documents.service';
import { ReviewService } from './review/review.service';
import { ReferenceService } from './reference/reference.service';
import { ResolutionsService } from './resolutions/resolutions.service';
import type { SearchIndex } from '../search/search-index';
import { FtsSearchIndex } from '../search/fts-search-index';
import { MeilisearchSearchIndex } from '../search/meilisearch-search-index';
import { JobsQueue } from './jobs/jobs.queue';
import { JobsWorker } from './jobs/jobs.worker';
import { SearchIndexer } from './search/indexer';
import { IndexFollower } from './search/index-follower';
import { SearchService } from './search/search.service';
import { SearchLog } from './search/search-log';
import { DiskSpace } from './operations/disk-space';
import { ShutdownGate } from './operations/shutdown-gate';
import { SynonymsService } from './search/synonyms.service';
import { documentLabels } from './search/labels';
import { extractText } from './extraction/extract';
import { NotificationsService } from './notifications/notifications.service';
import { PackagesService } from './packages/packages.service';
import { CitiesService } from './cities/cities.service';
import { JobRunners } from './jobs/job-runners';
import { PreviewService } from './previews/previews.service';
import { PreviewTools } from './previews/preview-tools';
import { LocalCopies } from './previews/local-copies';
import { PreviewsRepository } from './previews/previews.repository';
import { PreviewJob } from './previews/preview.job';
import { createLogger, logLines, type Logger, type LogLine } from './observability/logger';
import { PortalMetrics } from './observability/metrics';
import { meteredObjectStore, meteredSearchIndex } from './observability/metered';
import { LessonsRepository } from './lessons/lessons.repository';
import { LessonsService } from './lessons/lessons.service';
import { LessonIndexer, LessonIndexFollower } from './lessons/lesson-index';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { SubscribedItems } from './subscriptions/subscribed-items';
import { SubscriptionDigest, SubscriptionMatcher, SubscriptionWatch } from './subscriptions/subscription-matcher';
import { MailOutbox } from './email/mail-outbox';
import { MailSender, smtpTransport, type MailTransport } from './email/mail-sender';
import { TaskRunner, type TaskHandler } from './jobs/task-runner';
import type { JobKind } from './jobs/jobs.queue';
import { everyDocumentListener } from './documents/document-changes';
import { everyLessonListener } from './lessons/lesson-changes';

/** The lanes of the background worker: the search index, extraction and previews in one, what people are told in the other. */
const WORKER_LANES: readonly (readonly JobKind[])[] = [
  ['index', 'index-lesson', 'extract', 'preview'],
  ['match', 'digest', 'email'],
];

/** Address space a page-drawing tool may map beyond the extraction's memory limit: its own code and libraries. */
const TOOL_CODE_MB = 256;

export interface WireOptions {
  /**
   * The portal owns DATA_DIR: it empties the temporary folders a crash left, and refuses to start while
   * stored versions are in a store other than STORAGE. A command run beside the portal (reindex) is not
   * the owner and touches neither.
   */
  owner?: boolean;
  /** Where the portal logs (JSON lines); by default stdout at LOG_LEVEL. */
  logger?: Logger;
  /** The portal's metrics; by default a registry of its own. */
  metrics?: PortalMetrics;
  /** Sends e-mail instead of SMTP_URL's server (tests that count attempts); SMTP_URL still decides whether e-mail is sent at all. */
  mailTransport?: MailTransport;
}

/**
 * The one place the portal is put together: configuration in, engines and services out.
 * A configured engine that does not answer stops the start-up; there is no silent fallback.
 */
export async function wire(config: Config, log?: LogLine, options: WireOptions = {}): Promise<Services> {
  const owner = options.owner ?? true;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // What the background parts say (the worker, the index, the store) is worth an operator's look: a warning.
  log ??= logLines(logger, 'warn');
  const metrics = options.metrics ?? new PortalMetrics();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(path.join(config.dataDir, 'tajrobe.sqlite'), owner ? {} : { busyTimeoutMs: COMMAND_BUSY_TIMEOUT_MS });
  try {
    seedReferenceData(db);
    if (owner) assertVersionsInConfiguredStore(db, config.storage.STORAGE);
  } catch (error) {
    db.close();
    throw error;
  }
  const tempDir = path.join(config.dataDir, 'tmp');
  if (owner) fs.rmSync(tempDir, { recursive: true, force: true });
  fs.mkdirSync(tempDir, { recursive: true });

  const stores = buildStores(config, owner, metrics);
  const store = stores.primary;
  const searchIndex = meteredSearchIndex(buildSearchIndex(config, log), metrics);
  const started = await Promise.allSettled([store.init(), searchIndex.init()]);
  const problems = [
    started[0].status === 'rejected' ? `object store "${store.kind}" is not usable: ${(started[0].reason as Error).message}` : null,
    started[1].status === 'rejected' ? `search engine "${searchIndex.kind}" is not reachable: ${(started[1].reason as Error).message}` : null,
  ].filter((problem): problem is string => problem !== null);
  if (problems.length > 0) {
    await searchIndex.close();
    db.close();
    throw new Error(problems.join('; '));
  }

  const audit = new AuditLog(db);
  const users = new UsersService(db, audit);
  const tokens = new TokensService(db, users, config.tokenTtlMs);
  const repository = new DocumentsRepository(db);
  const jobs = new JobsQueue(db);
  const outbox = new MailOutbox(db, jobs);
  const notifications = new NotificationsService(db, config.email ? outbox : null);
  const packages = new PackagesService(db, repository, audit, notifications);
  const cities = new CitiesService(db, audit, packages);
  const reference = new ReferenceService(db, cities);
  const indexer = new SearchIndexer(
    repository,
    stores,
    searchIndex,
    jobs,
    (input, { signal, tempRoot }) => extractText(input, config.extraction, { signal, tempRoot }),
    path.join(tempDir, 'extraction'),
    documentLabels(reference),
    log,
    metrics,
  );

  const labels = documentLabels(reference);
  const lessonsRepository = new LessonsRepository(db);
  const subscriptionsRepository = new SubscriptionsRepository(db);
  const items = new SubscribedItems(repository, lessonsRepository);
  const lessonIndexer = new LessonIndexer(lessonsRepository, searchIndex, labels);
  const cityName = (id: string, locale: 'fa' | 'en') => {
    const city = reference.cities().find((c) => c.id === id);
    return city ? (locale === 'fa' ? city.name : city.nameEn) : id;
  };
  const previews = new PreviewService(
    stores,
    new PreviewTools({ timeoutMs: config.extraction.timeoutMs, memoryMb: config.extraction.maxMemoryMb + TOOL_CODE_MB }),
    new LocalCopies(path.join(tempDir, 'previews', 'copies')),
    path.join(tempDir, 'previews'),
    new PreviewsRepository(db),
  );
  const handlers: Partial<Record<JobKind, TaskHandler>> = {
    preview: new PreviewJob(repository, previews).run,
    'index-lesson': lessonIndexer.run,
    match: new SubscriptionMatcher(db, subscriptionsRepository, items, searchIndex, jobs, notifications).run,
    digest: new SubscriptionDigest(db, subscriptionsRepository, items, notifications).run,
    ...(config.email
      ? { email: new MailSender(outbox, options.mailTransport ?? smtpTransport(config.email.smtpUrl), config.email.from, config.publicUrl, items, cityName).run }
      : {}),
  };
  const tasks = new TaskRunner(jobs, handlers, log);
  const runner = new JobRunners({
    extract: indexer,
    index: indexer,
    preview: tasks,
    'index-lesson': tasks,
    match: tasks,
    digest: tasks,
    email: tasks,
  });
  const worker = new JobsWorker(jobs, runner, { log, lanes: WORKER_LANES });
  const searchLog = new SearchLog(db, log);
  const watch = new SubscriptionWatch(db, subscriptionsRepository, items, jobs, worker, log);
  const documentChanges = everyDocumentListener(new IndexFollower(indexer, worker, log), watch);
  const lessonChanges = everyLessonListener(new LessonIndexFollower(jobs, tasks, worker, log), watch);
  const documents = new DocumentsService(db, repository, audit, jobs, documentChanges, stores, notifications, log);
  const synonyms = new SynonymsService(db, audit, searchIndex, log);
  try {
    await synonyms.push();
  } catch (error) {
    await searchIndex.close();
    db.close();
    throw new Error(`search engine "${searchIndex.kind}" refuses the synonym groups: ${(error as Error).message}`);
  }
  const disk = new DiskSpace(config.dataDir, config.diskFreeFloorBytes, store.kind === 'fs');
  const shutdown = new ShutdownGate();
  metrics.watch({
    jobs,
    requestsInFlight: () => shutdown.requestsInFlight,
    diskFreeBytes: async () => (await disk.reading()).freeBytes,
    storage: store.kind,
    search: searchIndex.kind,
  });
  return {
    config,
    logger,
    metrics,
    db,
    store,
    stores,
    searchIndex,
    jobs,
    indexer,
    lessonIndexer,
    worker,
    searchLog,
    search: new SearchService(searchIndex, searchLog, documents),
    synonyms,
    disk,
    shutdown,
    notifications,
    audit,
    users,
    tokens,
    throttle: new LoginThrottle(config.loginThrottle.maxFailures, config.loginThrottle.windowMs),
    sessions: new SqliteSessionStore(db, config.sessionTtlMs),
    passport: configurePassport(users, tokens),
    documents,
    previews,
    review: new ReviewService(db, documents, repository, audit, jobs, notifications, documentChanges),
    reference,
    cities,
    packages,
    resolutions: new ResolutionsService(db, audit, notifications, packages),
    lessons: new LessonsService(db, lessonsRepository, repository, audit, jobs, notifications, lessonChanges, searchIndex),
    subscriptions: new SubscriptionsService(db, subscriptionsRepository, items, audit),
    sessionSecret: config.sessionSecret ?? persistentSecret(path.join(config.dataDir, 'session-secret')),
  };
}

function buildSearchIndex(config: Config, log: LogLine): SearchIndex {
  if (config.search.SEARCH === 'meilisearch') {
    return new MeilisearchSearchIndex({ url: config.search.MEILI_URL, apiKey: config.search.MEILI_API_KEY, index: config.search.MEILI_INDEX });
  }
  return new FtsSearchIndex(path.join(config.dataDir, 'search.sqlite'), { log, searchWorkers: config.search.SEARCH_WORKERS });
}

/**
 * STORAGE's store takes the new files; the other kind is there too when the environment configures it
 * (the local folder always is; MinIO when MINIO_* is set), so a version is read from the store its row
 * names, also while storage:migrate moves files under a running portal.
 */
export function buildStores(config: Config, owner = true, metrics?: PortalMetrics): StoreRegistry {
  const measured = (store: ObjectStore) => (metrics ? meteredObjectStore(store, metrics) : store);
  const fsStore = measured(new FsObjectStore(path.join(config.dataDir, 'files'), { sweepTempOnInit: owner }));
  const minioStore = config.minio ? measured(buildMinioStore(config.minio)) : undefined;
  const primary = config.storage.STORAGE === 'minio' ? minioStore! : fsStore;
  return new StoreRegistry(primary, [fsStore, ...(minioStore ? [minioStore] : [])]);
}

function buildMinioStore(settings: MinioSettings): ObjectStore {
  return new MinioObjectStore({ endpoint: settings.endpoint, accessKey: settings.accessKey, secretKey: settings.secretKey, bucket: settings.bucket });
}

/** Thrown at start-up when stored versions are in a store other than STORAGE; names the command that moves them. */
export class StoreMismatchError extends Error {
  constructor(
    readonly configured: StoreKind,
    readonly elsewhere: { store: string; versions: number }[],
  ) {
    const where = elsewhere.map((e) => `${e.versions} in the ${e.store} store`).join(' and ');
    super(
      `STORAGE=${configured}, but the database names stored versions elsewhere (${where}). ` +
        `Copy them with \`npm run storage:migrate -- --to ${configured}\` (with this environment, MINIO_* included), then start again; ` +
        `or set STORAGE back to ${elsewhere[0]!.store}.`,
    );
    this.name = 'StoreMismatchError';
  }
}

function assertVersionsInConfiguredStore(db: Db, configured: StoreKind): void {
  const elsewhere = db
    .prepare('SELECT store, count(*) AS versions FROM document_versions WHERE store <> ? GROUP BY store ORDER BY store')
    .all(configured) as { store: string; versions: number }[];
  if (elsewhere.length > 0) throw new StoreMismatchError(configured, elsewhere);
}

/** Sessions survive a restart without asking the operator for a secret. */
function persistentSecret(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

/**
 * On first start with no users: the configured secretariat account, or one with a random password printed once
 * (through `reveal`, which the portal points at stderr so that the password stays out of the JSON log).
 */
export async function ensureFirstUser(services: Services, log: LogLine, reveal: (line: string) => void): Promise<void> {
  if (services.users.count() > 0) return;
  const { username, password } = services.config.admin;
  if (username && password) {
    await services.users.create({ username, password, role: 'secretariat' }, null);
    log(`created the secretariat user "${username}" from ADMIN_USERNAME`);
    return;
  }
  const generated = crypto.randomBytes(12).toString('base64url');
  await services.users.create({ username: 'admin', password: generated, role: 'secretariat' }, null);
  log('created the secretariat user "admin" with a generated password, shown once on stderr');
  reveal(`created the secretariat user "admin" with the password ${generated} (shown once; change it or set ADMIN_USERNAME/ADMIN_PASSWORD)`);
}
