import os from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { addressEntryProblem } from './observability/address-list';
import { LOG_LEVELS, type LogLevel } from './observability/logger';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();

/** What Express's `trust proxy` accepts from us: nobody, the nearest N hops, or these addresses, ranges and names. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `10.0.0.1`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `fd00::/8`, or one of Express's names. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

const trustProxy = z
  .string()
  .default('loopback')
  .transform((value, ctx): TrustProxy => {
    const text = value.trim();
    if (text.toLowerCase() === 'false') return false;
    if (/^\d+$/.test(text) && Number(text) >= 1) return Number(text);
    const entries = text.split(',').map((entry) => entry.trim());
    if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not false, a hop count (1 or more), or a comma-separated list of addresses, CIDR ranges and loopback/linklocal/uniquelocal`,
    });
    return z.NEVER;
  });

/** Who may read /metrics: `loopback` (default), `false` (nobody), or addresses, CIDR ranges and loopback/linklocal/uniquelocal. */
const metricsAllow = z
  .string()
  .default('loopback')
  .transform((value, ctx): string[] => {
    const text = value.trim();
    if (text.toLowerCase() === 'false') return [];
    const entries = text.split(',').map((entry) => entry.trim());
    const problems = entries.map(addressEntryProblem).filter((problem): problem is string => problem !== null);
    if (problems.length === 0) return entries;
    ctx.addIssue({ code: 'custom', message: `${problems.join('; ')} (give false, or a comma-separated list of addresses, CIDR ranges and loopback/linklocal/uniquelocal)` });
    return z.NEVER;
  });

const minioFields = {
  MINIO_ENDPOINT: url,
  MINIO_ACCESS_KEY: z.string().min(1),
  MINIO_SECRET_KEY: z.string().min(1),
  MINIO_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a valid S3 bucket name').default('tajrobe'),
};

const storageSchema = z.discriminatedUnion('STORAGE', [z.object({ STORAGE: z.literal('fs') }), z.object({ STORAGE: z.literal('minio'), ...minioFields })]);

/** MinIO's settings also with STORAGE=fs: versions still in MinIO are read from it, and storage:migrate moves files either way. */
const minioSchema = z.object(minioFields);

const searchSchema = z.discriminatedUnion('SEARCH', [
  z.object({
    SEARCH: z.literal('sqlite'),
    /** Worker threads answering searches (each with a read-only connection); 0: the portal's own thread answers them. */
    SEARCH_WORKERS: z.coerce.number().int().min(0).max(16).default(Math.min(4, os.availableParallelism())),
  }),
  z.object({
    SEARCH: z.literal('meilisearch'),
    MEILI_URL: url,
    MEILI_API_KEY: z.string().optional(),
    MEILI_INDEX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('documents'),
  }),
]);

const baseSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_USERNAME: z.string().min(3).max(64).optional(),
  ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3 + 64 * 1024 ** 2),
  TOKEN_TTL_HOURS: z.coerce.number().positive().default(24 * 30),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  SESSION_SECRET: z.string().min(16).optional(),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  TRUST_PROXY: trustProxy,
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  EXTRACT_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
  EXTRACT_MEMORY_MB: z.coerce.number().int().min(64).default(512),
  EXTRACT_MAX_PAGES: z.coerce.number().int().positive().default(5000),
  DISK_FREE_FLOOR_MB: z.coerce.number().int().min(0).default(512),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  METRICS_ALLOW: metricsAllow,
  PUBLIC_URL: url.refine((value) => /^https?:\/\//.test(value), 'an http:// or https:// URL').optional(),
  SMTP_URL: url.refine((value) => /^smtps?:\/\//.test(value), 'an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587').optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).default('Tajrobe <tajrobe@localhost>'),
});

export type StorageConfig = z.infer<typeof storageSchema>;
export type SearchConfig = z.infer<typeof searchSchema>;

export interface MinioSettings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  admin: { username?: string; password?: string };
  maxUploadBytes: number;
  tokenTtlMs: number;
  sessionTtlMs: number;
  sessionSecret?: string;
  cookieSecure: boolean;
  /** Which proxies may set X-Forwarded-For/-Proto: decides the client address (login throttling) and `req.secure`. */
  trustProxy: TrustProxy;
  loginThrottle: { maxFailures: number; windowMs: number };
  extraction: { timeoutMs: number; maxMemoryMb: number; maxPages: number };
  storage: StorageConfig;
  /** MinIO's settings whenever MINIO_ENDPOINT is set, whatever STORAGE says. */
  minio?: MinioSettings;
  /** Below this many free bytes in DATA_DIR, /healthz says degraded and uploads are refused before they stream. */
  diskFreeFloorBytes: number;
  /** How long a stop waits for requests in flight before it cuts them. */
  shutdownGraceMs: number;
  search: SearchConfig;
  /** The least severe level written to the log (stdout, one JSON object a line). */
  logLevel: LogLevel;
  /** The client addresses and ranges that may read /metrics; empty: nobody. */
  metricsAllow: string[];
  /** The portal's address as its users reach it, without a trailing slash: links in e-mails and feeds start with it. */
  publicUrl: string;
  /** Whether PUBLIC_URL set it; otherwise pages and feeds use the address each request came to (e-mails, which have none, keep http://HOST:PORT). */
  publicUrlConfigured: boolean;
  /** Set when SMTP_URL is: notifications people chose to receive by e-mail are sent through it. */
  email: { smtpUrl: string; from: string } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every problem is reported together, naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const withDefaults: Record<string, string> = { STORAGE: 'fs', SEARCH: 'sqlite', ...withoutEmpty(env) };
  const problems: string[] = [];
  const base = collect(baseSchema.safeParse(withDefaults), problems);
  const storage = collect(storageSchema.safeParse(withDefaults), problems);
  const search = collect(searchSchema.safeParse(withDefaults), problems);
  const minio = withDefaults.MINIO_ENDPOINT && storage?.STORAGE !== 'minio' ? collect(minioSchema.safeParse(withDefaults), problems) : storage?.STORAGE === 'minio' ? storage : undefined;
  if (Boolean(withDefaults.ADMIN_USERNAME) !== Boolean(withDefaults.ADMIN_PASSWORD)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD: set both or neither');
  }
  if (!base || !storage || !search || problems.length > 0) throw new ConfigError(problems);
  return {
    port: base.PORT,
    host: base.HOST,
    dataDir: path.resolve(base.DATA_DIR),
    admin: { username: base.ADMIN_USERNAME, password: base.ADMIN_PASSWORD },
    maxUploadBytes: base.MAX_UPLOAD_BYTES,
    tokenTtlMs: base.TOKEN_TTL_HOURS * 3600_000,
    sessionTtlMs: base.SESSION_TTL_HOURS * 3600_000,
    sessionSecret: base.SESSION_SECRET,
    cookieSecure: base.COOKIE_SECURE === 'true',
    trustProxy: base.TRUST_PROXY,
    loginThrottle: { maxFailures: base.LOGIN_MAX_FAILURES, windowMs: base.LOGIN_WINDOW_MINUTES * 60_000 },
    extraction: { timeoutMs: base.EXTRACT_TIMEOUT_SECONDS * 1000, maxMemoryMb: base.EXTRACT_MEMORY_MB, maxPages: base.EXTRACT_MAX_PAGES },
    storage,
    minio: minio && { endpoint: minio.MINIO_ENDPOINT, accessKey: minio.MINIO_ACCESS_KEY, secretKey: minio.MINIO_SECRET_KEY, bucket: minio.MINIO_BUCKET },
    diskFreeFloorBytes: base.DISK_FREE_FLOOR_MB * 1024 ** 2,
    shutdownGraceMs: base.SHUTDOWN_GRACE_SECONDS * 1000,
    search,
    logLevel: base.LOG_LEVEL,
    metricsAllow: base.METRICS_ALLOW,
    publicUrl: (base.PUBLIC_URL ?? `http://${base.HOST.includes(':') ? `[${base.HOST}]` : base.HOST}:${base.PORT}`).replace(/\/+$/, ''),
    publicUrlConfigured: base.PUBLIC_URL !== undefined,
    email: base.SMTP_URL ? { smtpUrl: base.SMTP_URL, from: base.MAIL_FROM } : null,
  };
}

function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

function collect<T>(result: z.ZodSafeParseResult<T>, problems: string[]): T | undefined {
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const variable = issue.path.join('.') || '(environment)';
    problems.push(`${variable}: ${issue.message}`);
  }
  return undefined;
}
