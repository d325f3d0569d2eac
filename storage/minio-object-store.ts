import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import {
  assertValidKey,
  assertValidRange,
  assertValidSize,
  ObjectNotFoundError,
  StorageFullError,
  type ByteRange,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './object-store';

export interface MinioObjectStoreOptions {
  /** Server URL, e.g. `http://127.0.0.1:9000`. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Bytes buffered per upload in flight; S3 accepts 5 MiB to 5 GiB. */
  partSize?: number;
  /** How long init and ping wait for the server before giving up. */
  reachabilityTimeoutMs?: number;
}

export interface MinioConnection {
  endPoint: string;
  port: number;
  useSSL: boolean;
}

const MIB = 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * MIB;
const MAX_PARTS = 10_000;
const DEFAULT_REACHABILITY_TIMEOUT_MS = 5_000;
/** Keys per multi-object delete: S3's limit. */
const DELETE_BATCH = 1000;
const MISSING_OBJECT_CODES = new Set(['NoSuchKey', 'NotFound']);
/** What MinIO answers below its free-space threshold, and S3's quota refusals. */
const FULL_CODES = new Set(['XMinioStorageFull', 'StorageFull', 'QuotaExceeded', 'XMinioAdminBucketQuotaExceeded']);

/**
 * Objects in one MinIO (S3) bucket.
 *
 * Uploads run their own multipart loop instead of streaming through `Client.putObject`: in minio
 * v8.0.7, putObject pipes the body without listening for its errors, so a failing body never settles
 * the promise (or crashes the process when nobody else listens), the multipart upload stays open,
 * and a later putObject to the same key resumes that upload's parts.
 */
export class MinioObjectStore implements ObjectStore {
  readonly kind = 'minio';
  readonly bucket: string;
  readonly endpoint: string;
  private readonly client: Client;
  private readonly partSize: number;
  private readonly reachabilityTimeoutMs: number;

  constructor(options: MinioObjectStoreOptions) {
    this.endpoint = options.endpoint;
    this.bucket = options.bucket;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.reachabilityTimeoutMs = options.reachabilityTimeoutMs ?? DEFAULT_REACHABILITY_TIMEOUT_MS;
    this.client = new Client({
      ...parseMinioEndpoint(options.endpoint),
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      partSize: this.partSize,
    });
  }

  async init(): Promise<void> {
    try {
      if (await this.withTimeout(this.client.bucketExists(this.bucket))) return;
      await this.withTimeout(this.client.makeBucket(this.bucket)).catch((error: unknown) => {
        if (errorCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
      });
    } catch (error) {
      throw this.serverFailure(error);
    }
  }

  async ping(): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.withTimeout(this.client.bucketExists(this.bucket));
    } catch (error) {
      throw this.serverFailure(error);
    }
    if (!exists) throw new Error(`MinIO at ${this.endpoint} has no bucket ${this.bucket}`);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    assertValidSize(options.size);
    const partSize =
      options.size === undefined ? this.partSize : Math.max(this.partSize, Math.ceil(options.size / MAX_PARTS));
    // One buffer per upload, refilled for each part: memory stays at partSize however large the object.
    const part = Buffer.allocUnsafe(partSize);
    let filled = 0;
    let size = 0;
    let uploadId: string | undefined;
    const uploadedParts: { part: number; etag: string }[] = [];
    const flushPart = async (): Promise<void> => {
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, {});
      uploadedParts.push(await this.uploadPart(key, uploadId, uploadedParts.length + 1, part.subarray(0, filled)));
      filled = 0;
    };
    try {
      for await (const chunk of body) {
        let bytes: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        size += bytes.length;
        while (bytes.length > 0) {
          const copied = bytes.copy(part, filled);
          filled += copied;
          bytes = bytes.subarray(copied);
          if (filled === partSize) await flushPart();
        }
      }
      if (options.size !== undefined && size !== options.size) {
        throw new Error(`body of ${key} had ${size} bytes, ${options.size} were declared`);
      }
      if (uploadId === undefined) {
        await this.client.putObject(this.bucket, key, part.subarray(0, filled));
      } else {
        if (filled > 0) await flushPart();
        await this.client.completeMultipartUpload(this.bucket, key, uploadId, uploadedParts);
      }
      return { size };
    } catch (error) {
      if (uploadId !== undefined) {
        await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => {});
      }
      if (FULL_CODES.has(errorCode(error))) throw new StorageFullError(this.kind, error);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    try {
      return range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (MISSING_OBJECT_CODES.has(errorCode(error))) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const { size } = await this.client.statObject(this.bucket, key);
      return { size };
    } catch (error) {
      if (MISSING_OBJECT_CODES.has(errorCode(error))) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidKey(prefix);
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length > 0) await this.client.removeObjects(this.bucket, batch);
      batch = [];
    };
    // Listed and removed in batches (S3 takes at most 1000 keys a request), so a large prefix is never held whole.
    for await (const item of this.client.listObjectsV2(this.bucket, `${prefix}/`, true)) {
      const name = (item as { name?: string }).name;
      if (!name) continue;
      batch.push(name);
      if (batch.length === DELETE_BATCH) await flush();
    }
    await flush();
  }

  private async uploadPart(key: string, uploadId: string, partNumber: number, bytes: Buffer) {
    const { etag } = await this.client.uploadPart(
      {
        bucketName: this.bucket,
        objectName: key,
        uploadID: uploadId,
        partNumber,
        headers: { 'Content-MD5': createHash('md5').update(bytes).digest('base64') },
      },
      bytes,
    );
    return { part: partNumber, etag };
  }

  /** The client has no request timeout, and a silent server would otherwise hold init or /healthz for minutes. */
  private async withTimeout<T>(request: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.reachabilityTimeoutMs} ms`)),
        this.reachabilityTimeoutMs,
      );
    });
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private serverFailure(error: unknown): Error {
    const reason = error instanceof Error ? error.message || errorCode(error) || error.name : String(error);
    return new Error(`MinIO at ${this.endpoint} (bucket ${this.bucket}) failed: ${reason}`, { cause: error });
  }
}

export function parseMinioEndpoint(endpoint: string): MinioConnection {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`MinIO endpoint must be an http(s) URL, got ${endpoint}`);
  }
  const useSSL = url.protocol === 'https:';
  return {
    // URL keeps the brackets of an IPv6 literal; the client adds its own.
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
  };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

