import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FsObjectStore } from '../../storage/fs-object-store';
import { ObjectNotFoundError } from '../../storage/object-store';
import type { StoreRegistry } from '../../storage/store-registry';
import type { Db } from '../db/database';
import {
  countRows,
  DATABASE_FILE,
  FILES_DIR,
  newManifest,
  schemaVersion,
  SESSION_SECRET_FILE,
  writeManifest,
  type BackupManifest,
  type ManifestObject,
} from './backup-manifest';
import { CommandError } from './command';
import { hashing, sha256Of } from './hashing';
import { ProgressBar } from './progress-bar';
import { StoredObjectsRepository, type StoredObject } from './stored-objects.repository';

export interface BackupReport {
  manifest: BackupManifest;
  filesCopied: number;
  bytesCopied: number;
  minioVerified: number;
}

/**
 * `npm run backup -- DIR`, while the portal serves. The metadata database is copied with SQLite's online
 * backup API in a single step, which reads one consistent snapshot and lets the portal go on writing.
 * Files are immutable once stored (every version has its own key) and are written before their row, so
 * the local ones are copied first (those the database names then), the snapshot is taken, and the files
 * of versions added meanwhile follow. Every copy is hashed against its version's SHA-256. Files in MinIO
 * stay there (MinIO keeps its own copies); each is read and hashed (the verification pass) and listed in
 * the manifest with its key, size and hash. `manifest.json` is written last.
 */
export class BackupService {
  constructor(
    private readonly live: Db,
    private readonly dataDir: string,
    private readonly stores: StoreRegistry,
    private readonly log: (line: string) => void,
    private readonly progressOut: NodeJS.WritableStream = process.stderr,
  ) {}

  async run(dir: string): Promise<BackupReport> {
    const target = path.resolve(dir);
    this.assertUsableTarget(target);
    fs.mkdirSync(target, { recursive: true });
    const backupFiles = new FsObjectStore(path.join(target, FILES_DIR), { sweepTempOnInit: false });
    const copied = new Map<string, number>();

    const live = new StoredObjectsRepository(this.live);
    const before = live.list('fs');
    this.log(`copying ${before.length} stored files`);
    // A document deleted meanwhile takes its file along, and the snapshot will not name it either.
    await this.copyFiles(before, backupFiles, copied, (key) => live.stillIn(key, 'fs'));

    const snapshotFile = path.join(target, DATABASE_FILE);
    const takenAt = new Date().toISOString();
    // One step copies every page under one read transaction: a consistent snapshot, while the portal keeps writing.
    await this.live.backup(snapshotFile, { progress: () => 0x7fffffff });
    const snapshot = new Database(snapshotFile, { fileMustExist: true });
    try {
      const integrity = snapshot.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new CommandError(`the database copy fails its integrity check: ${String(integrity)}`);
      const named = new StoredObjectsRepository(snapshot).list();
      const added = named.filter((o) => o.store === 'fs' && !copied.has(o.objectKey));
      if (added.length > 0) this.log(`copying ${added.length} files uploaded while the first files were copied`);
      await this.copyFiles(added, backupFiles, copied, () => true);
      await this.dropUnnamed(backupFiles, copied, new Set(named.map((o) => o.objectKey)));
      const minio = named.filter((o) => o.store === 'minio');
      await this.verifyInMinio(minio);
      this.copySessionSecret(target);
      const objects: ManifestObject[] = named.map((o) => ({ key: o.objectKey, store: o.store, size: o.size, sha256: o.sha256 }));
      const manifest = newManifest(takenAt, schemaVersion(snapshot), countRows(snapshot), objects);
      // One self-contained file (no -wal beside it), to be copied anywhere.
      snapshot.pragma('journal_mode = DELETE');
      snapshot.close();
      writeManifest(target, manifest);
      return {
        manifest,
        filesCopied: copied.size,
        bytesCopied: [...copied.values()].reduce((sum, size) => sum + size, 0),
        minioVerified: minio.length,
      };
    } finally {
      if (snapshot.open) snapshot.close();
    }
  }

  private assertUsableTarget(target: string): void {
    const dataDir = path.resolve(this.dataDir);
    if (target === dataDir || target.startsWith(dataDir + path.sep)) {
      throw new CommandError(`the backup folder ${target} is inside DATA_DIR (${dataDir}); choose one outside it, ideally on another disk`);
    }
    if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
      throw new CommandError(`the backup folder ${target} is not empty; a backup goes into a new or empty folder`);
    }
  }

  private async copyFiles(objects: StoredObject[], backupFiles: FsObjectStore, copied: Map<string, number>, stillNamed: (key: string) => boolean): Promise<void> {
    if (objects.length === 0) return;
    await backupFiles.init();
    const source = this.stores.for('fs');
    const progress = new ProgressBar(objects.length, 'files ', this.progressOut);
    for (const object of objects) {
      let stored;
      try {
        stored = await source.get(object.objectKey);
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw error;
        if (stillNamed(object.objectKey)) {
          throw new CommandError(`the stored file ${object.objectKey} is missing, though the database names it (a document deleted while the backup ran?); run the backup again into an empty folder`);
        }
        progress.tick();
        continue;
      }
      const body = hashing(stored);
      await backupFiles.put(object.objectKey, body, { size: object.size });
      if (body.digest() !== object.sha256) {
        throw new CommandError(`the stored file ${object.objectKey} does not match its version's SHA-256: it is damaged in the portal's store; the backup stops`);
      }
      copied.set(object.objectKey, object.size);
      progress.tick(object.size);
    }
    progress.done();
  }

  /** A file copied before the snapshot whose version was deleted before it: the backup does not name it, so it goes. */
  private async dropUnnamed(backupFiles: FsObjectStore, copied: Map<string, number>, named: Set<string>): Promise<void> {
    for (const key of [...copied.keys()]) {
      if (named.has(key)) continue;
      await backupFiles.delete(key);
      copied.delete(key);
    }
  }

  /** MinIO's files are not copied: each is read and hashed, so the manifest lists only what is really there. */
  private async verifyInMinio(objects: StoredObject[]): Promise<void> {
    if (objects.length === 0) return;
    const minio = this.stores.for('minio');
    this.log(`verifying ${objects.length} files in MinIO`);
    const progress = new ProgressBar(objects.length, 'minio ', this.progressOut);
    const problems: string[] = [];
    for (const object of objects) {
      const found = await minio.stat(object.objectKey);
      if (!found) problems.push(`${object.objectKey}: missing`);
      else if ((await sha256Of(await minio.get(object.objectKey))).sha256 !== object.sha256) problems.push(`${object.objectKey}: SHA-256 differs`);
      progress.tick(object.size);
    }
    progress.done();
    if (problems.length > 0) throw new CommandError(`files the database names are not intact in MinIO:\n  ${problems.join('\n  ')}`);
  }

  private copySessionSecret(target: string): void {
    const secret = path.join(this.dataDir, SESSION_SECRET_FILE);
    if (fs.existsSync(secret)) fs.copyFileSync(secret, path.join(target, SESSION_SECRET_FILE));
  }
}
