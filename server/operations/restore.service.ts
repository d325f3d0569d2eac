import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FsObjectStore } from '../../storage/fs-object-store';
import type { StoreRegistry } from '../../storage/store-registry';
import { AuditLog } from '../audit/audit.log';
import { openDatabase } from '../db/database';
import {
  countRows,
  DATABASE_FILE,
  FILES_DIR,
  MANIFEST_FILE,
  readManifest,
  SESSION_SECRET_FILE,
  type BackupManifest,
  type ManifestObject,
  type RowCounts,
} from './backup-manifest';
import { CommandError } from './command';
import { hashing } from './hashing';
import { ProgressBar } from './progress-bar';

export interface RestoreReport {
  manifest: BackupManifest;
  rows: RowCounts;
  filesRestored: number;
  minioChecked: number;
}

/** A restore builds everything here first and moves it into DATA_DIR only once all of it is verified. */
const STAGING_PREFIX = '.restoring-';

/**
 * `npm run restore -- DIR` into an empty DATA_DIR. Every local file is copied back and hashed against the
 * manifest; every MinIO file the manifest lists must be in the bucket with its size; the database copy
 * must pass SQLite's integrity check. Only then are the files, the session secret and, last, the database
 * moved into DATA_DIR, so an interrupted restore leaves no database that names missing files. The portal
 * started on it finds its search index empty and rebuilds it from the database.
 */
export class RestoreService {
  constructor(
    private readonly dataDir: string,
    private readonly stores: Pick<StoreRegistry, 'has' | 'for'>,
    private readonly log: (line: string) => void,
    private readonly progressOut: NodeJS.WritableStream = process.stderr,
  ) {}

  async run(dir: string): Promise<RestoreReport> {
    const source = path.resolve(dir);
    const manifest = this.readBackup(source);
    this.assertEmptyDataDir();
    fs.mkdirSync(this.dataDir, { recursive: true });
    const staging = fs.mkdtempSync(path.join(this.dataDir, STAGING_PREFIX));
    try {
      this.checkDatabaseCopy(path.join(source, DATABASE_FILE));
      const local = manifest.objects.filter((o) => o.store === 'fs');
      const remote = manifest.objects.filter((o) => o.store === 'minio');
      await this.restoreFiles(source, staging, local);
      await this.checkMinio(remote);
      await copyDurably(path.join(source, DATABASE_FILE), path.join(staging, DATABASE_FILE));
      const secret = path.join(source, SESSION_SECRET_FILE);
      if (fs.existsSync(secret)) fs.copyFileSync(secret, path.join(staging, SESSION_SECRET_FILE));

      if (local.length > 0) fs.renameSync(path.join(staging, FILES_DIR), path.join(this.dataDir, FILES_DIR));
      if (fs.existsSync(path.join(staging, SESSION_SECRET_FILE))) fs.renameSync(path.join(staging, SESSION_SECRET_FILE), path.join(this.dataDir, SESSION_SECRET_FILE));
      fs.renameSync(path.join(staging, DATABASE_FILE), path.join(this.dataDir, DATABASE_FILE));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }

    const db = openDatabase(path.join(this.dataDir, DATABASE_FILE));
    try {
      new AuditLog(db).record(null, 'backup.restored', { details: { takenAt: manifest.takenAt, files: manifest.objects.length } });
      return { manifest, rows: countRows(db), filesRestored: manifest.objects.filter((o) => o.store === 'fs').length, minioChecked: manifest.objects.filter((o) => o.store === 'minio').length };
    } finally {
      db.close();
    }
  }

  private readBackup(source: string): BackupManifest {
    if (!fs.existsSync(path.join(source, MANIFEST_FILE))) {
      throw new CommandError(`${source} holds no ${MANIFEST_FILE}: it is not a backup, or its backup did not finish`);
    }
    if (!fs.existsSync(path.join(source, DATABASE_FILE))) throw new CommandError(`${source} holds no ${DATABASE_FILE}`);
    try {
      return readManifest(source);
    } catch (error) {
      throw new CommandError(`${path.join(source, MANIFEST_FILE)} is not a Tajrobe backup manifest: ${(error as Error).message}`);
    }
  }

  /** Nothing may be overwritten; only the staging folder of an interrupted restore is cleared away. */
  private assertEmptyDataDir(): void {
    if (!fs.existsSync(this.dataDir)) return;
    const entries = fs.readdirSync(this.dataDir);
    for (const leftover of entries.filter((name) => name.startsWith(STAGING_PREFIX))) fs.rmSync(path.join(this.dataDir, leftover), { recursive: true, force: true });
    // A freshly formatted disk mounted as DATA_DIR holds lost+found: it is still empty.
    const others = entries.filter((name) => !name.startsWith(STAGING_PREFIX) && name !== 'lost+found');
    if (others.length > 0) {
      throw new CommandError(`DATA_DIR (${this.dataDir}) is not empty (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}): a restore goes into an empty one`);
    }
  }

  private checkDatabaseCopy(file: string): void {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new CommandError(`the database in the backup fails its integrity check: ${String(integrity)}`);
    } finally {
      db.close();
    }
  }

  private async restoreFiles(source: string, staging: string, objects: ManifestObject[]): Promise<void> {
    if (objects.length === 0) return;
    this.log(`restoring ${objects.length} files`);
    const from = new FsObjectStore(path.join(source, FILES_DIR), { sweepTempOnInit: false });
    const to = new FsObjectStore(path.join(staging, FILES_DIR), { sweepTempOnInit: false });
    await to.init();
    const progress = new ProgressBar(objects.length, 'files ', this.progressOut);
    for (const object of objects) {
      const body = hashing(await from.get(object.key).catch(() => {
        throw new CommandError(`the backup lacks the file ${object.key} that its manifest lists`);
      }));
      await to.put(object.key, body, { size: object.size });
      if (body.digest() !== object.sha256) throw new CommandError(`the file ${object.key} in the backup does not match its SHA-256: the backup is damaged`);
      progress.tick(object.size);
    }
    progress.done();
  }

  private async checkMinio(objects: ManifestObject[]): Promise<void> {
    if (objects.length === 0) return;
    if (!this.stores.has('minio')) {
      throw new CommandError(`the backup names ${objects.length} files in MinIO: set MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY and MINIO_BUCKET as for the portal`);
    }
    const minio = this.stores.for('minio');
    this.log(`checking ${objects.length} files in MinIO`);
    const progress = new ProgressBar(objects.length, 'minio ', this.progressOut);
    const missing: string[] = [];
    for (const object of objects) {
      if ((await minio.stat(object.key))?.size !== object.size) missing.push(object.key);
      progress.tick(object.size);
    }
    progress.done();
    if (missing.length > 0) throw new CommandError(`${missing.length} files the backup names are missing in MinIO (or differ in size): ${missing.slice(0, 10).join(', ')}`);
  }
}

async function copyDurably(from: string, to: string): Promise<void> {
  await fs.promises.copyFile(from, to);
  const handle = await fs.promises.open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
