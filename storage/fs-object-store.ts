import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertValidKey,
  assertValidRange,
  assertValidSize,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  StorageFullError,
  type ByteRange,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './object-store';

/** Objects as plain files under `<root>/objects/<key>`, written through `<root>/.tmp` and renamed into place. */
/** Fewer, larger reads: 64 KiB reads cost a large download a third of its time in syscalls and callbacks. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface FsObjectStoreOptions {
  /**
   * Whether init removes the temp files in `<root>/.tmp`: only the process that owns the root (the portal)
   * may, since a command run beside it would delete the portal's uploads in flight.
   */
  sweepTempOnInit?: boolean;
}

/** Objects as plain files under `<root>/objects/<key>`, written through `<root>/.tmp` and renamed into place. */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs';
  readonly objectsDir: string;
  readonly tempDir: string;

  constructor(
    readonly root: string,
    private readonly options: FsObjectStoreOptions = {},
  ) {
    this.objectsDir = path.resolve(root, 'objects');
    this.tempDir = path.resolve(root, '.tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await mkdir(this.tempDir, { recursive: true });
    if (this.options.sweepTempOnInit === false) return;
    // init runs before this process serves requests and the root belongs to one process,
    // so every temp file present now was abandoned by a crash.
    for (const name of await readdir(this.tempDir)) {
      await rm(path.join(this.tempDir, name), { recursive: true, force: true });
    }
  }

  async ping(): Promise<void> {
    await access(this.objectsDir, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
    await access(this.tempDir, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const target = this.objectPath(key);
    assertValidSize(options.size);
    const tempPath = path.join(this.tempDir, `${randomUUID()}.part`);
    // The body may fail while the temp file is being opened, before the loop below listens: its error
    // would then have no listener and end the process. The loop still sees it (the stream is errored).
    body.on('error', () => undefined);
    let temp: FileHandle | undefined = await open(tempPath, 'wx', 0o600);
    try {
      let size = 0;
      for await (const chunk of body) {
        const bytes: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        await writeFully(temp, bytes);
        size += bytes.length;
      }
      if (options.size !== undefined && size !== options.size) {
        throw new Error(`body of ${key} had ${size} bytes, ${options.size} were declared`);
      }
      await temp.sync();
      await temp.close();
      temp = undefined;
      const parent = path.dirname(target);
      await mkdir(parent, { recursive: true });
      await rename(tempPath, target);
      await syncDirectory(parent);
      return { size };
    } catch (error) {
      await temp?.close().catch(() => {});
      await rm(tempPath, { force: true });
      if (hasCode(error, 'ENOSPC', 'EDQUOT')) throw new StorageFullError(this.kind, error);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.objectPath(key);
    if (range) assertValidRange(range);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isAbsentPathError(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
    try {
      // A key that is only a prefix of other keys is a directory here, and opening one succeeds.
      if (!(await handle.stat()).isFile()) throw new ObjectNotFoundError(key);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const file = this.objectPath(key);
    try {
      const info = await stat(file);
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isAbsentPathError(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.objectPath(key);
    try {
      await unlink(file);
    } catch (error) {
      if (!isAbsentPathError(error)) throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = this.objectPath(prefix);
    try {
      if (!(await stat(folder)).isDirectory()) return;
    } catch (error) {
      if (isAbsentPathError(error)) return;
      throw error;
    }
    await rm(folder, { recursive: true, force: true });
  }

  private objectPath(key: string): string {
    assertValidKey(key);
    return resolveInside(this.objectsDir, key);
  }
}

/** Resolves `relative` against `base`, refusing any result outside `base`. */
export function resolveInside(base: string, relative: string): string {
  const resolvedBase = path.resolve(base);
  const resolved = path.resolve(resolvedBase, relative);
  if (!resolved.startsWith(resolvedBase + path.sep)) throw new InvalidObjectKeyError(relative);
  return resolved;
}

async function writeFully(file: FileHandle, bytes: Buffer): Promise<void> {
  // write() may accept fewer bytes than offered; the rest must follow at once, in order.
  for (let offset = 0; offset < bytes.length; ) {
    offset += (await file.write(bytes, offset)).bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms and file systems cannot open or fsync a directory; the rename itself still stands.
    if (!hasCode(error, 'EISDIR', 'EINVAL', 'EPERM', 'EACCES')) throw error;
  } finally {
    await handle?.close();
  }
}

function isAbsentPathError(error: unknown): boolean {
  return hasCode(error, 'ENOENT', 'ENOTDIR');
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
