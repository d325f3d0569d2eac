import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import type express from 'express';
import { loadConfig } from '../../server/config';
import { createApp } from '../../server/app';
import { wire } from '../../server/wire';
import type { Services } from '../../server/services';
import type { Role, User } from '../../server/auth/roles';
import { createLogger } from '../../server/observability/logger';

export const PASSWORD = 'correct-horse-battery';

export interface TestPortal {
  app: express.Express;
  services: Services;
  dataDir: string;
  /** Every line the portal logged (JSON), oldest first. */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * A real portal on the embedded engines in a fresh folder (or on MinIO when `env` says so),
 * driven through HTTP with supertest.
 */
export async function startPortal(env: Record<string, string> = {}): Promise<TestPortal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, ...env });
  const workerLog: string[] = [];
  const logLines: string[] = [];
  const logger = createLogger({ level: config.logLevel, destination: { write: (line: string) => void logLines.push(line) } });
  const services = await wire(config, (line) => workerLog.push(line), { logger });
  const errors: unknown[] = [];
  const app = createApp(services, (error) => errors.push(error));
  return {
    app,
    services,
    dataDir,
    logLines,
    async close() {
      await services.worker.stop();
      services.searchLog.close();
      await services.searchIndex.close();
      services.sessions.close();
      services.db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`the portal logged unexpected errors: ${errors.map(String).join('; ')}`);
    },
  };
}

export interface Actor {
  user: User;
  token: string;
  auth: { Authorization: string };
}

/** Creates a user with PASSWORD and gets a bearer token through the real API. */
export async function actor(portal: TestPortal, username: string, role: Role, city: string | null = null): Promise<Actor> {
  const user = await portal.services.users.create({ username, password: PASSWORD, role, city }, null);
  const res = await supertest(portal.app).post('/api/v1/tokens').send({ username, password: PASSWORD }).expect(201);
  return { user, token: res.body.token, auth: { Authorization: `Bearer ${res.body.token}` } };
}

/** The five points of view of the authorization rules, for a document owned by Tehran. */
export interface Cast {
  secretariat: Actor;
  owner: Actor;
  otherCity: Actor;
  sharedCity: Actor;
  reader: Actor;
}

export async function cast(portal: TestPortal): Promise<Cast> {
  const [secretariat, owner, otherCity, sharedCity, reader] = await Promise.all([
    actor(portal, 'sec', 'secretariat'),
    actor(portal, 'tehran-staff', 'city', 'tehran'),
    actor(portal, 'shiraz-staff', 'city', 'shiraz'),
    actor(portal, 'isfahan-staff', 'city', 'isfahan'),
    actor(portal, 'reader', 'reader'),
  ]);
  return { secretariat, owner, otherCity, sharedCity, reader };
}

export const SAMPLE_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export interface UploadFields {
  title?: string;
  summary?: string;
  kind?: string;
  year?: string;
  hazards?: string[];
  keywords?: string[];
  resolutions?: string[];
  access?: string;
  city?: string;
  sharedWith?: string[];
  [extra: string]: string | string[] | undefined;
}

export const DEFAULT_FIELDS: UploadFields = {
  title: 'مطالعهٔ خطر زلزلهٔ کلان‌شهر تهران',
  summary: 'بررسی آسیب‌پذیری شریان‌های حیاتی',
  kind: 'threat-study',
  year: '1391',
  hazards: ['earthquake', 'fire'],
  keywords: ['زلزله', 'شریان حیاتی'],
  resolutions: ['9/2'],
  access: 'portal',
};

/** A multipart upload request with the given fields and file (null for none). */
export function uploadRequest(
  portal: TestPortal,
  who: Actor,
  fields: UploadFields = DEFAULT_FIELDS,
  file: { content: Buffer; name: string } | null = { content: SAMPLE_PDF, name: 'گزارش زلزله.pdf' },
  url = '/api/v1/documents',
) {
  const req = supertest(portal.app).post(url).set(who.auth);
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) req.field(name, v);
  }
  if (file) req.attach('file', file.content, { filename: file.name, contentType: 'application/octet-stream' });
  return req;
}

export async function upload(portal: TestPortal, who: Actor, fields: UploadFields = DEFAULT_FIELDS) {
  const res = await uploadRequest(portal, who, fields);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; versions: { number: number; sha256: string }[] };
}

/** Moves a document through the workflow as the secretariat would. */
export async function bring(portal: TestPortal, c: Cast, id: string, status: 'draft' | 'submitted' | 'published' | 'returned' | 'withdrawn') {
  const step = (action: string, body: object = {}) =>
    supertest(portal.app).post(`/api/v1/documents/${id}/${action}`).set(c.secretariat.auth).send(body).expect(200);
  if (status === 'draft') return;
  await step('submit');
  if (status === 'submitted') return;
  if (status === 'returned') return void (await step('return', { comment: 'جدول خسارت‌ها کامل نیست' }));
  await step('publish');
  if (status === 'withdrawn') await step('withdraw');
}

export function countRows(portal: TestPortal, table: 'documents' | 'document_versions' | 'audit_log'): number {
  return portal.services.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Every object file under the fs store (nothing should be orphaned). */
export function storedObjects(portal: TestPortal): string[] {
  const root = path.join(portal.dataDir, 'files');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** A supertest parser that keeps the body as raw bytes, whatever its content type. */
export const binaryBody = ((res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as Parameters<supertest.Test['parse']>[0];
