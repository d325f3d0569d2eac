import type passport from 'passport';
import type { ObjectStore } from '../storage/object-store';
import type { StoreRegistry } from '../storage/store-registry';
import type { Config } from './config';
import type { Db } from './db/database';
import type { AuditLog } from './audit/audit.log';
import type { LoginThrottle } from './auth/login-throttle';
import type { TokensService } from './auth/tokens.service';
import type { SqliteSessionStore } from './auth/session.store';
import type { DocumentsService } from './documents/documents.service';
import type { ReviewService } from './review/review.service';
import type { UsersService } from './users/users.service';
import type { ReferenceService } from './reference/reference.service';
import type { ResolutionsService } from './resolutions/resolutions.service';
import type { SearchIndex } from '../search/search-index';
import type { JobsQueue } from './jobs/jobs.queue';
import type { JobsWorker } from './jobs/jobs.worker';
import type { SearchIndexer } from './search/indexer';
import type { SearchService } from './search/search.service';
import type { SearchLog } from './search/search-log';
import type { DiskSpace } from './operations/disk-space';
import type { ShutdownGate } from './operations/shutdown-gate';
import type { SynonymsService } from './search/synonyms.service';
import type { NotificationsService } from './notifications/notifications.service';
import type { PackagesService } from './packages/packages.service';
import type { CitiesService } from './cities/cities.service';
import type { PreviewService } from './previews/previews.service';
import type { Logger } from './observability/logger';
import type { PortalMetrics } from './observability/metrics';
import type { LessonsService } from './lessons/lessons.service';
import type { LessonIndexer } from './lessons/lesson-index';
import type { SubscriptionsService } from './subscriptions/subscriptions.service';

/** Everything a route needs, built once in `wire.ts` and passed down. */
export interface Services {
  config: Config;
  /** The portal's log: one JSON object a line on stdout. */
  logger: Logger;
  metrics: PortalMetrics;
  db: Db;
  /** Where new files go (STORAGE). Read or delete a stored version through `stores.for(version.store)`. */
  store: ObjectStore;
  stores: StoreRegistry;
  searchIndex: SearchIndex;
  jobs: JobsQueue;
  indexer: SearchIndexer;
  /** Sends lessons to the search index (an `index-lesson` job, or a rebuild). */
  lessonIndexer: LessonIndexer;
  worker: JobsWorker;
  searchLog: SearchLog;
  search: SearchService;
  disk: DiskSpace;
  shutdown: ShutdownGate;
  synonyms: SynonymsService;
  notifications: NotificationsService;
  audit: AuditLog;
  users: UsersService;
  tokens: TokensService;
  throttle: LoginThrottle;
  sessions: SqliteSessionStore;
  passport: passport.PassportStatic;
  documents: DocumentsService;
  /** Page images of stored versions (server/previews/). */
  previews: PreviewService;
  review: ReviewService;
  reference: ReferenceService;
  cities: CitiesService;
  packages: PackagesService;
  resolutions: ResolutionsService;
  lessons: LessonsService;
  subscriptions: SubscriptionsService;
  sessionSecret: string;
}
