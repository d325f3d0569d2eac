import crypto from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { Request } from 'express';
import type multer from 'multer';
import type { ObjectStore } from '../../storage/object-store';
import { PayloadTooLargeError, UnsupportedTypeError } from '../http/errors';
import type { StoredFile } from './document';
import { SNIFF_BYTES, safeFilename, sniffFileType } from './file-type';

export type UploadedFile = Express.Multer.File & { stored: StoredFile };

/**
 * A multer storage engine that streams each file straight into the object store, hashing it on
 * the way. The type is decided from the first bytes before anything is written; a refused,
 * oversized or interrupted file leaves no object behind.
 */
export class ObjectStoreEngine implements multer.StorageEngine {
  constructor(
    private readonly store: ObjectStore,
    private readonly maxBytes: number,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<UploadedFile>) => void): void {
    this.store_(file).then(
      (stored) => callback(null, { stored, size: stored.size }),
      (error: unknown) => callback(error),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<UploadedFile>, callback: (error: Error | null) => void): void {
    if (!file.stored) return callback(null);
    this.store.delete(file.stored.objectKey).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  private async store_(file: Express.Multer.File): Promise<StoredFile> {
    const source = file.stream;
    const { head, ended } = await readHead(source, SNIFF_BYTES);
    const sniffed = sniffFileType(head, file.originalname);
    if (!sniffed.ok) {
      source.resume();
      throw new UnsupportedTypeError(sniffed.reason);
    }

    const objectKey = `versions/${crypto.randomUUID()}`;
    const hashing = new HashingStream();
    const tooLarge = () => hashing.destroy(new PayloadTooLargeError(this.maxBytes));
    source.once('limit', tooLarge);
    source.once('error', (error) => hashing.destroy(error));
    hashing.write(head);
    if (ended) hashing.end();
    else source.pipe(hashing);

    try {
      await this.store.put(objectKey, hashing);
    } finally {
      source.off('limit', tooLarge);
    }
    if ((source as Readable & { truncated?: boolean }).truncated) {
      await this.store.delete(objectKey);
      throw new PayloadTooLargeError(this.maxBytes);
    }
    return {
      filename: safeFilename(file.originalname),
      size: hashing.size,
      sha256: hashing.digest(),
      contentType: sniffed.contentType,
      store: this.store.kind,
      objectKey,
    };
  }
}

class HashingStream extends PassThrough {
  private readonly hash = crypto.createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Collects the first `limit` bytes (or all, if fewer) and pauses the stream there. */
function readHead(stream: Readable, limit: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (!ended) stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
