import { ObjectNotFoundError, type ObjectStore, type StoreKind } from '../../storage/object-store';
import type { StoreRegistry } from '../../storage/store-registry';
import type { AuditLog } from '../audit/audit.log';
import { whileBusy } from './busy-retry';
import { hashing, sha256Of } from './hashing';
import { ProgressBar } from './progress-bar';
import type { StoredObject, StoredObjectsRepository } from './stored-objects.repository';

export interface StorageMigrationOptions {
  to: StoreKind;
  /**
   * Once the new locations are recorded, delete from the old store every object whose version the
   * database now names in the new one (moved by this run or an earlier one).
   */
  deleteSource?: boolean;
}

export interface StorageMigrationReport {
  from: StoreKind;
  to: StoreKind;
  /** Objects found in the old store, over every pass. */
  found: number;
  /** Copied and verified by an earlier, interrupted run (the journal), found intact in the new store. */
  resumed: number;
  copied: number;
  copiedBytes: number;
  /** Versions whose row now names the new store. */
  moved: number;
  deletedFromSource: number;
  /** Versions still in the old store: uploaded after the last pass, or not copied because of a problem. */
  remaining: number;
  problems: string[];
}

/** Uploads that arrive while a pass copies are picked up by the next pass, this many times at most. */
const MAX_PASSES = 5;

/**
 * `npm run storage:migrate`: copies every stored object from the other store to `to`, checking each
 * copy's SHA-256 (of the bytes read from the old store, and again of the bytes read back from the new
 * one) against the version's recorded hash. Each verified copy is journaled at once, so a run that is
 * stopped goes on where it was; the new locations are recorded in one transaction at the end. Nothing is
 * deleted from the old store unless asked, and then only what was moved. Works beside a running portal,
 * which reads each version from the store its row names.
 */
export class StorageMigration {
  constructor(
    private readonly objects: StoredObjectsRepository,
    private readonly stores: StoreRegistry,
    private readonly audit: AuditLog,
    private readonly log: (line: string) => void,
    private readonly progressOut: NodeJS.WritableStream = process.stderr,
  ) {}

  async run({ to, deleteSource = false }: StorageMigrationOptions): Promise<StorageMigrationReport> {
    const from: StoreKind = to === 'fs' ? 'minio' : 'fs';
    const source = this.stores.for(from);
    const target = this.stores.for(to);
    await target.init();
    const report: StorageMigrationReport = { from, to, found: 0, resumed: 0, copied: 0, copiedBytes: 0, moved: 0, deletedFromSource: 0, remaining: 0, problems: [] };
    const journal = this.objects.journal(to);
    const verified = new Set<string>();
    const failed = new Set<string>();

    for (let pass = 1; pass <= MAX_PASSES; pass += 1) {
      const pending = this.objects.list(from).filter((o) => !verified.has(o.objectKey) && !failed.has(o.objectKey));
      if (pending.length === 0) break;
      report.found += pending.length;
      if (pass === 1) {
        const journaled = pending.filter((o) => journal.has(o.objectKey)).length;
        this.log(`${pending.length} stored files to move from ${from} to ${to}${journaled > 0 ? ` (${journaled} already copied by an earlier run, checked again)` : ''}`);
      } else {
        this.log(`${pending.length} more files were uploaded meanwhile`);
      }
      const progress = new ProgressBar(pending.length, `${from} → ${to} `, this.progressOut);
      for (const object of pending) {
        try {
          if (await this.alreadyCopied(object, journal.get(object.objectKey), target)) {
            report.resumed += 1;
          } else {
            await this.copy(object, source, target, from, to);
            await whileBusy(() => this.objects.journalCopy(object, to));
            report.copied += 1;
            report.copiedBytes += object.size;
          }
          verified.add(object.objectKey);
        } catch (error) {
          if (error instanceof ObjectNotFoundError && !this.objects.stillIn(object.objectKey, from)) continue; // deleted meanwhile
          failed.add(object.objectKey);
          report.problems.push(`${object.objectKey}: ${error instanceof Error ? error.message : String(error)}`);
        }
        progress.tick(object.size);
      }
      progress.done();
    }

    const moved = await whileBusy(() => this.objects.recordMoves([...verified], from, to, this.audit));
    report.moved = moved.length;
    await this.dropOrphanCopies(verified, new Set(moved), target, to);
    if (deleteSource) {
      for (const { objectKey } of this.objects.list(to)) {
        if (!(await source.stat(objectKey))) continue;
        await source.delete(objectKey);
        report.deletedFromSource += 1;
      }
    }
    report.remaining = this.objects.list(from).length;
    return report;
  }

  /** A journaled copy counts only if it is still there, whole, for the same bytes. */
  private async alreadyCopied(object: StoredObject, journaled: { sha256: string; size: number } | undefined, target: ObjectStore): Promise<boolean> {
    if (!journaled || journaled.sha256 !== object.sha256) return false;
    return (await target.stat(object.objectKey))?.size === object.size;
  }

  private async copy(object: StoredObject, source: ObjectStore, target: ObjectStore, from: StoreKind, to: StoreKind): Promise<void> {
    const body = hashing(await source.get(object.objectKey));
    await target.put(object.objectKey, body, { size: object.size });
    if (body.digest() !== object.sha256) {
      await target.delete(object.objectKey);
      throw new Error(`the bytes in ${from} do not match the version's SHA-256 (the file there is damaged); not moved`);
    }
    const readBack = await sha256Of(await target.get(object.objectKey));
    if (readBack.sha256 !== object.sha256 || readBack.size !== object.size) {
      await target.delete(object.objectKey);
      throw new Error(`the copy read back from ${to} does not match the version's SHA-256; not moved`);
    }
  }

  /** Copies whose version was deleted while the command ran: nothing names them, so they go. */
  private async dropOrphanCopies(verified: Set<string>, moved: Set<string>, target: ObjectStore, to: StoreKind): Promise<void> {
    for (const key of verified) {
      if (moved.has(key) || this.objects.stillIn(key, to)) continue;
      await target.delete(key);
      await whileBusy(() => this.objects.forget(key, to));
    }
  }
}
