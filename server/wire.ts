import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ObjectStore } from '../storage/object-store';
import { FsObjectStore } from '../storage/fs-object-store';
import { MinioObjectStore } from '../storage/minio-object-store';
import type { Config } from './config';
import type { Services } from './services';
import { openDatabase } from './db/database';
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
import { SynonymsService } from './search/synonyms.service';
import { documentLabels } from './search/labels';
import { extractText } from './extraction/extract';
import { NotificationsService } from './notifications/notifications.service';
import { PackagesService } from './packages/packages.service';

/**
 * The one place the portal is put together: configuration in, engines and services out.
 * A configured engine that does not answer stops the start-up; there is no silent fallback.
 */
export async function wire(config: Config, log: (message: string) => void = console.error): Promise<Services> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(path.join(config.dataDir, 'tajrobe.sqlite'));
  seedReferenceData(db);

  const store = buildStore(config);
  const searchIndex = buildSearchIndex(config);
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
  const reference = new ReferenceService(db);
  const indexer = new SearchIndexer(repository, store, searchIndex, jobs, (input) => extractText(input, config.extraction), documentLabels(reference), log);
  const worker = new JobsWorker(jobs, indexer);
  const indexFollower = new IndexFollower(indexer, worker, log);
  const documents = new DocumentsService(db, repository, audit, jobs, indexFollower);
  const notifications = new NotificationsService(db);
  const packages = new PackagesService(db, repository, audit, notifications);
  const synonyms = new SynonymsService(db, audit, searchIndex, log);
  try {
    await synonyms.push();
  } catch (error) {
    await searchIndex.close();
    db.close();
    throw new Error(`search engine "${searchIndex.kind}" refuses the synonym groups: ${(error as Error).message}`);
  }
  return {
    config,
    db,
    store,
    searchIndex,
    jobs,
    indexer,
    worker,
    search: new SearchService(db, searchIndex, documents),
    synonyms,
    notifications,
    audit,
    users,
    tokens,
    throttle: new LoginThrottle(config.loginThrottle.maxFailures, config.loginThrottle.windowMs),
    sessions: new SqliteSessionStore(db, config.sessionTtlMs),
    passport: configurePassport(users, tokens),
    documents,
    review: new ReviewService(db, documents, repository, audit, jobs, notifications, indexFollower),
    reference,
    packages,
    resolutions: new ResolutionsService(db, audit, notifications, packages),
    sessionSecret: config.sessionSecret ?? persistentSecret(path.join(config.dataDir, 'session-secret')),
  };
}

function buildSearchIndex(config: Config): SearchIndex {
  if (config.search.SEARCH === 'meilisearch') {
    return new MeilisearchSearchIndex({ url: config.search.MEILI_URL, apiKey: config.search.MEILI_API_KEY, index: config.search.MEILI_INDEX });
  }
  return new FtsSearchIndex(path.join(config.dataDir, 'search.sqlite'));
}

function buildStore(config: Config): ObjectStore {
  if (config.storage.STORAGE === 'minio') {
    return new MinioObjectStore({
      endpoint: config.storage.MINIO_ENDPOINT,
      accessKey: config.storage.MINIO_ACCESS_KEY,
      secretKey: config.storage.MINIO_SECRET_KEY,
      bucket: config.storage.MINIO_BUCKET,
    });
  }
  return new FsObjectStore(path.join(config.dataDir, 'files'));
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

/** On first start with no users: the configured secretariat account, or one with a random password printed once. */
export async function ensureFirstUser(services: Services, log: (line: string) => void): Promise<void> {
  if (services.users.count() > 0) return;
  const { username, password } = services.config.admin;
  if (username && password) {
    await services.users.create({ username, password, role: 'secretariat' }, null);
    log(`created the secretariat user "${username}" from ADMIN_USERNAME`);
    return;
  }
  const generated = crypto.randomBytes(12).toString('base64url');
  await services.users.create({ username: 'admin', password: generated, role: 'secretariat' }, null);
  log(`created the secretariat user "admin" with the password ${generated} (shown once; change it or set ADMIN_USERNAME/ADMIN_PASSWORD)`);
}
