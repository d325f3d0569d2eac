import { statfs } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { StorageFullError } from '../http/errors';

export interface DiskReading {
  freeBytes: number;
  floorBytes: number;
  /** Free space is below the floor. */
  low: boolean;
}

export type FreeSpaceReader = (dir: string) => Promise<{ bavail: number; bsize: number }>;

/** A reading is reused this long, so a burst of requests asks the kernel once. */
const READING_TTL_MS = 1_000;

/**
 * Free space in DATA_DIR (the metadata database, and the files when STORAGE=fs) against the configured
 * floor: below it `/healthz` says `degraded` and uploads are refused before a byte of them is read.
 */
export class DiskSpace {
  private last: { at: number; reading: DiskReading } | null = null;

  constructor(
    readonly dir: string,
    readonly floorBytes: number,
    /** Whether uploaded files land in `dir` too (the fs store), so their declared size must fit above the floor. */
    private readonly filesLandHere: boolean,
    private readonly readFreeSpace: FreeSpaceReader = statfs,
  ) {}

  async reading(): Promise<DiskReading> {
    if (this.last && Date.now() - this.last.at < READING_TTL_MS) return this.last.reading;
    const { bavail, bsize } = await this.readFreeSpace(this.dir);
    const freeBytes = bavail * bsize;
    const reading = { freeBytes, floorBytes: this.floorBytes, low: freeBytes < this.floorBytes };
    this.last = { at: Date.now(), reading };
    return reading;
  }

  /** Why the portal is degraded, for /healthz and the log; null while there is room. */
  async problem(): Promise<string | null> {
    const reading = await this.reading();
    if (!reading.low) return null;
    return `${megabytes(reading.freeBytes)} MB free in ${this.dir}, below the floor of ${megabytes(reading.floorBytes)} MB (DISK_FREE_FLOOR_MB)`;
  }

  /** Refuses an upload (507) while free space is below the floor, or when the request's declared size would take it there. */
  async assertRoomForUpload(headers: IncomingHttpHeaders): Promise<void> {
    const reading = await this.reading();
    const declared = Number(headers['content-length']);
    const incoming = this.filesLandHere && Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
    if (reading.low || reading.freeBytes - incoming < reading.floorBytes) {
      throw new StorageFullError(
        reading.low
          ? 'the portal is low on disk space and takes no uploads until room is made; nothing was kept'
          : `this upload (${megabytes(incoming)} MB) does not fit in the space left; nothing was kept`,
      );
    }
  }
}

function megabytes(bytes: number): number {
  return Math.floor(bytes / 1024 ** 2);
}
