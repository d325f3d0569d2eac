import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged, counting and hashing them (SHA-256) on the way. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** `source` piped through a HashingStream; an error of either side ends both (no file or socket left open). */
export function hashing(source: Readable): HashingStream {
  const through = new HashingStream();
  source.once('error', (error) => through.destroy(error));
  through.once('close', () => source.destroy());
  return source.pipe(through);
}

/** Reads a stream to its end: its SHA-256 (hex) and length. */
export async function sha256Of(source: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
