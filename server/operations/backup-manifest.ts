import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../db/database';

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_FILE = 'tajrobe.sqlite';
export const FILES_DIR = 'files';
export const SESSION_SECRET_FILE = 'session-secret';
const FORMAT = 'tajrobe-backup/1';

/** The tables whose rows a restore must bring back, counted in the manifest and checked after a restore. */
export const COUNTED_TABLES = ['users', 'cities', 'documents', 'document_versions', 'packages', 'package_items', 'meetings', 'resolutions', 'resolution_followups', 'audit_log'] as const;
export type RowCounts = Record<(typeof COUNTED_TABLES)[number], number>;

const objectSchema = z.object({
  key: z.string().min(1),
  store: z.enum(['fs', 'minio']),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  takenAt: z.string(),
  schema: z.number().int(),
  rows: z.record(z.string(), z.number().int()),
  objects: z.array(objectSchema),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type ManifestObject = z.infer<typeof objectSchema>;

export function newManifest(takenAt: string, schema: number, rows: RowCounts, objects: ManifestObject[]): BackupManifest {
  return { format: FORMAT, takenAt, schema, rows, objects };
}

/** Written last, through a temp file: a backup folder without it is not a backup (the run did not finish). */
export function writeManifest(dir: string, manifest: BackupManifest): void {
  const temp = path.join(dir, `${MANIFEST_FILE}.part`);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, path.join(dir, MANIFEST_FILE));
}

export function readManifest(dir: string): BackupManifest {
  const text = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  return manifestSchema.parse(JSON.parse(text));
}

export function countRows(db: Db): RowCounts {
  return Object.fromEntries(COUNTED_TABLES.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number])) as RowCounts;
}

export function schemaVersion(db: Db): number {
  return db.prepare('SELECT coalesce(max(id), 0) FROM schema_migrations').pluck().get() as number;
}
