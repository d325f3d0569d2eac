import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';

export interface ObjectStoreHarness {
  store: ObjectStore;
  cleanup: () => Promise<void>;
  /** What an unfinished write of `key` could leave inside the engine: temp files, open multipart uploads. */
  leftovers?: (key: string) => Promise<string[]>;
}

const MIB = 1024 * 1024;
const LARGE_OBJECT_BYTES = 200 * MIB;
const RSS_GROWTH_LIMIT = 100 * MIB;
/** Larger than the 5 MiB minimum part, so a store built with that part size goes through multipart uploads. */
const MULTIPART_BYTES = 12 * MIB + 123;
const INVALID_KEYS = ['../x', '/abs', 'a/../b', 'UPPER', 'پرونده', '', 'a//b', 'a/.', 'a/', '.', '..', 'x'.repeat(513)];

/** Runs the ObjectStore port's behaviour, as every adapter must honour it, against the store `make` builds. */
export function describeObjectStore(name: string, make: () => Promise<ObjectStoreHarness>): void {
  describe(`ObjectStore contract: ${name}`, function () {
    let harness: ObjectStoreHarness | undefined;
    let store: ObjectStore;

    before(async function () {
      harness = await make();
      store = harness.store;
    });

    after(async function () {
      await harness?.cleanup();
    });

    async function expectNothingUnder(key: string): Promise<void> {
      expect(await store.stat(key)).to.equal(null);
      expect(await rejectionOf(store.get(key))).to.be.instanceOf(ObjectNotFoundError);
      if (harness?.leftovers) expect(await harness.leftovers(key)).to.deep.equal([]);
    }

    it('gets back exactly the bytes it was given, every byte value included', async function () {
      const key = freshKey('roundtrip');
      const bytes = byteValues(4 * 256);
      expect(await store.put(key, Readable.from([bytes]))).to.deep.equal({ size: bytes.length });
      expect(await readAll(await store.get(key))).to.deep.equal(bytes);
    });

    it('stores an empty object', async function () {
      const key = freshKey('empty');
      expect(await store.put(key, Readable.from([]), { size: 0 })).to.deep.equal({ size: 0 });
      expect(await store.stat(key)).to.deep.equal({ size: 0 });
      expect(await readAll(await store.get(key))).to.have.length(0);
    });

    it('reports the size of a stored object', async function () {
      const key = freshKey('stat');
      await store.put(key, Readable.from([byteValues(777)]));
      expect(await store.stat(key)).to.deep.equal({ size: 777 });
    });

    it('reports a missing object as null', async function () {
      expect(await store.stat(freshKey('missing'))).to.equal(null);
    });

    it('rejects a get of a missing object with ObjectNotFoundError', async function () {
      const key = freshKey('missing');
      const error = await rejectionOf(store.get(key));
      expect(error).to.be.instanceOf(ObjectNotFoundError);
      expect((error as ObjectNotFoundError).key).to.equal(key);
      expect(await rejectionOf(store.get(key, { start: 0, end: 0 }))).to.be.instanceOf(ObjectNotFoundError);
    });

    describe('ranged reads', function () {
      const bytes = byteValues(1000).map((value, index) => (value * 31 + index) % 256);
      const key = freshKey('ranges');

      before(async function () {
        await store.put(key, Readable.from([bytes]));
      });

      const ranges = {
        'the first byte': { start: 0, end: 0 },
        'the head': { start: 0, end: 99 },
        'the middle': { start: 400, end: 599 },
        'the last bytes': { start: 990, end: 999 },
        'a single byte inside': { start: 500, end: 500 },
        'the last byte': { start: 999, end: 999 },
        'the whole object': { start: 0, end: 999 },
      };
      for (const [label, range] of Object.entries(ranges)) {
        it(`reads ${label} (${range.start}-${range.end})`, async function () {
          const got = await readAll(await store.get(key, range));
          expect(got).to.deep.equal(bytes.subarray(range.start, range.end + 1));
        });
      }

      it('rejects a malformed range with RangeError', async function () {
        for (const range of [{ start: 5, end: 4 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }]) {
          expect(await rejectionOf(store.get(key, range))).to.be.instanceOf(RangeError);
        }
      });
    });

    it('replaces the content on overwrite', async function () {
      const key = freshKey('overwrite');
      await store.put(key, Readable.from([Buffer.from('first version, longer than the second')]));
      await store.put(key, Readable.from([Buffer.from('second')]));
      expect((await readAll(await store.get(key))).toString()).to.equal('second');
      expect(await store.stat(key)).to.deep.equal({ size: 6 });
    });

    it('deletes an object', async function () {
      const key = freshKey('delete');
      await store.put(key, Readable.from([byteValues(10)]));
      await store.delete(key);
      await expectNothingUnder(key);
    });

    it('deletes a missing object without complaint', async function () {
      const key = freshKey('never-stored');
      await store.delete(key);
      await store.delete(key);
    });

    describe('deleting a prefix', function () {
      it('removes every object under the prefix, at any depth, and nothing beside it', async function () {
        const base = freshKey('prefix');
        const under = [`${base}/p/a`, `${base}/p/b`, `${base}/p/deeper/c`];
        const beside = [`${base}/pq/x`, `${base}/p-sibling`, `${base}/other/p/a`];
        for (const key of [...under, ...beside]) await store.put(key, Readable.from([Buffer.from(key)]));
        await store.deletePrefix(`${base}/p`);
        for (const key of under) await expectNothingUnder(key);
        for (const key of beside) expect((await readAll(await store.get(key))).toString(), key).to.equal(key);
      });

      it('removes more objects than one delete request takes', async function () {
        this.timeout(120_000);
        const base = freshKey('many');
        const keys = Array.from({ length: 1005 }, (_, index) => `${base}/p/o-${index}`);
        for (let at = 0; at < keys.length; at += 50) {
          await Promise.all(keys.slice(at, at + 50).map((key) => store.put(key, Readable.from([Buffer.from('x')]))));
        }
        await store.deletePrefix(`${base}/p`);
        for (const key of [keys[0]!, keys[999]!, keys[1000]!, keys[1004]!]) expect(await store.stat(key), key).to.equal(null);
      });

      it('leaves an object stored under exactly the prefix', async function () {
        const key = freshKey('exact');
        await store.put(key, Readable.from([Buffer.from('kept')]));
        await store.deletePrefix(key);
        expect((await readAll(await store.get(key))).toString()).to.equal('kept');
      });

      it('deletes a prefix with nothing under it without complaint', async function () {
        await store.deletePrefix(freshKey('never-stored'));
      });

      it('refuses an invalid prefix with InvalidObjectKeyError', async function () {
        for (const prefix of INVALID_KEYS) {
          expect(await rejectionOf(store.deletePrefix(prefix)), `deletePrefix ${JSON.stringify(prefix)}`).to.be.instanceOf(InvalidObjectKeyError);
        }
      });
    });

    it('refuses invalid keys with InvalidObjectKeyError before reading the body', async function () {
      for (const key of INVALID_KEYS) {
        const body = new TrackedReadable(Buffer.from('must not be stored'));
        const error = await rejectionOf(store.put(key, body));
        expect(error, `put ${JSON.stringify(key)}`).to.be.instanceOf(InvalidObjectKeyError);
        expect(body.wasRead, `body of ${JSON.stringify(key)} was read`).to.equal(false);
        expect(await rejectionOf(store.get(key)), `get ${JSON.stringify(key)}`).to.be.instanceOf(InvalidObjectKeyError);
        expect(await rejectionOf(store.stat(key)), `stat ${JSON.stringify(key)}`).to.be.instanceOf(InvalidObjectKeyError);
        expect(await rejectionOf(store.delete(key)), `delete ${JSON.stringify(key)}`).to.be.instanceOf(InvalidObjectKeyError);
      }
    });

    describe('a body that fails', function () {
      for (const [label, bytesBeforeFailure] of [
        ['before its first byte', 0],
        ['after 1 KiB', 1024],
        ['after several parts', MULTIPART_BYTES],
      ] as const) {
        it(`${label}: the put rejects with the stream's error and leaves nothing`, async function () {
          this.timeout(60_000);
          const key = freshKey('failing');
          const failure = new Error('client went away');
          const error = await rejectionOf(store.put(key, failingBody(bytesBeforeFailure, failure)));
          expect(error).to.equal(failure);
          await expectNothingUnder(key);
        });
      }

      it('destroyed without an error: the put rejects and leaves nothing', async function () {
        this.timeout(60_000);
        const key = freshKey('destroyed');
        await rejectionOf(store.put(key, failingBody(MULTIPART_BYTES)));
        await expectNothingUnder(key);
      });

      for (const [label, declared] of [
        ['shorter than', MULTIPART_BYTES + 1],
        ['longer than', MULTIPART_BYTES - 1],
      ] as const) {
        it(`${label} the declared size: the put rejects and leaves nothing`, async function () {
          this.timeout(60_000);
          const key = freshKey('size-mismatch');
          await rejectionOf(store.put(key, new DeterministicBody(MULTIPART_BYTES, 3), { size: declared }));
          await expectNothingUnder(key);
        });
      }

      it('while overwriting: the previous object stays whole', async function () {
        this.timeout(60_000);
        const key = freshKey('failed-overwrite');
        const previous = byteValues(5000);
        await store.put(key, Readable.from([previous]));
        await rejectionOf(store.put(key, failingBody(MULTIPART_BYTES, new Error('cut'))));
        expect(await readAll(await store.get(key))).to.deep.equal(previous);
        if (harness?.leftovers) expect(await harness.leftovers(key)).to.deep.equal([]);
      });
    });

    for (const sizeKnown of [false, true]) {
      it(`streams a multi-part object ${sizeKnown ? 'with' : 'without'} a declared size`, async function () {
        this.timeout(60_000);
        const key = freshKey(sizeKnown ? 'sized' : 'unsized');
        const source = new DeterministicBody(MULTIPART_BYTES, sizeKnown ? 7 : 8);
        const info = await store.put(key, source, sizeKnown ? { size: MULTIPART_BYTES } : {});
        expect(info).to.deep.equal({ size: MULTIPART_BYTES });
        expect(await store.stat(key)).to.deep.equal({ size: MULTIPART_BYTES });
        expect(await digestOf(await store.get(key))).to.deep.equal({ size: MULTIPART_BYTES, sha256: source.sha256() });
      });
    }

    it('handles concurrent puts of different keys', async function () {
      this.timeout(60_000);
      const uploads = Array.from({ length: 8 }, (_, index) => ({
        key: freshKey(`concurrent-${index}`),
        body: new DeterministicBody(MIB + index * 4099, 100 + index),
      }));
      await Promise.all(uploads.map(({ key, body }) => store.put(key, body)));
      for (const { key, body } of uploads) {
        expect(await digestOf(await store.get(key))).to.deep.equal({ size: body.size, sha256: body.sha256() });
      }
    });

    it(`streams a ${LARGE_OBJECT_BYTES / MIB} MiB object in and out without holding it in memory`, async function () {
      this.timeout(300_000);
      const key = freshKey('large');
      const source = new DeterministicBody(LARGE_OBJECT_BYTES, 42);
      const rss = new RssWatch();
      try {
        expect(await store.put(key, source)).to.deep.equal({ size: LARGE_OBJECT_BYTES });
        const got = await digestOf(await store.get(key));
        expect(got).to.deep.equal({ size: LARGE_OBJECT_BYTES, sha256: source.sha256() });
      } finally {
        rss.stop();
        await store.delete(key);
      }
      console.log(`      ${name}: RSS grew by at most ${(rss.maxGrowth / MIB).toFixed(1)} MiB for a ${LARGE_OBJECT_BYTES / MIB} MiB object`);
      expect(rss.maxGrowth).to.be.below(RSS_GROWTH_LIMIT);
    });
  });
}

function freshKey(label: string): string {
  return `contract/${label}-${randomUUID()}`;
}

function byteValues(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, index) => index % 256));
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function digestOf(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Emits `bytesBeforeFailure` bytes, then is destroyed with `failure` (or with no error at all). */
function failingBody(bytesBeforeFailure: number, failure?: Error): Readable {
  return new DeterministicBody(bytesBeforeFailure, 1, (body) => body.destroy(failure));
}

/** A pseudo-random body generated chunk by chunk, hashed as it is read, never held whole. */
class DeterministicBody extends Readable {
  private static readonly CHUNK_BYTES = 64 * 1024;
  private readonly hash = createHash('sha256');
  private produced = 0;
  private state: number;

  constructor(
    readonly size: number,
    seed: number,
    private readonly finish: (body: Readable) => void = (body) => body.push(null),
  ) {
    super();
    this.state = seed >>> 0 || 1;
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  override _read(): void {
    if (this.produced >= this.size) {
      this.finish(this);
      return;
    }
    const length = Math.min(DeterministicBody.CHUNK_BYTES, this.size - this.produced);
    const words = new Uint32Array(Math.ceil(length / 4));
    let x = this.state;
    for (let index = 0; index < words.length; index++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[index] = x >>> 0;
    }
    this.state = x;
    const chunk = Buffer.from(words.buffer, 0, length);
    this.hash.update(chunk);
    this.produced += length;
    this.push(chunk);
  }
}

class TrackedReadable extends Readable {
  wasRead = false;

  constructor(private readonly content: Buffer) {
    super();
  }

  override _read(): void {
    this.wasRead = true;
    this.push(this.content);
    this.push(null);
  }
}

/** Samples the resident set size while a test streams, to catch an adapter that buffers whole objects. */
class RssWatch {
  private readonly baseline = process.memoryUsage.rss();
  private peak = this.baseline;
  private readonly timer = setInterval(() => this.sample(), 20);

  get maxGrowth(): number {
    return this.peak - this.baseline;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}
