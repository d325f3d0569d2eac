import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { FsObjectStore, resolveInside } from '../../storage/fs-object-store';
import { InvalidObjectKeyError } from '../../storage/object-store';
import { describeObjectStore } from './object-store.contract';

async function freshStore(): Promise<{ store: FsObjectStore; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tajrobe-fs-store-'));
  const store = new FsObjectStore(root);
  await store.init();
  return { store, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

describe('FsObjectStore', function () {
  describeObjectStore('fs', async () => {
    const { store, cleanup } = await freshStore();
    return { store, cleanup, leftovers: () => readdir(store.tempDir) };
  });

  describe('on disk', function () {
    let store: FsObjectStore;
    let root: string;
    let cleanup: () => Promise<void>;

    beforeEach(async function () {
      ({ store, root, cleanup } = await freshStore());
    });

    afterEach(async function () {
      await cleanup();
    });

    it('writes an object to <root>/objects/<key> and nothing else', async function () {
      await store.put('versions/abc-1', Readable.from([Buffer.from('hello')]));
      expect(await readFile(path.join(root, 'objects', 'versions', 'abc-1'), 'utf8')).to.equal('hello');
      expect(await readdir(path.join(root, '.tmp'))).to.deep.equal([]);
    });

    it('removes temp files a crash left behind when it starts', async function () {
      const abandoned = path.join(root, '.tmp', 'abandoned.part');
      await writeFile(abandoned, 'half an upload');
      await store.init();
      expect(await readdir(path.join(root, '.tmp'))).to.deep.equal([]);
    });

    it('writes nothing for a refused key', async function () {
      for (const key of ['../escape', '/etc/passwd', 'a/../../b', 'پرونده']) {
        try {
          await store.put(key, Readable.from([Buffer.from('x')]));
          expect.fail(`put ${key} resolved`);
        } catch (error) {
          expect(error).to.be.instanceOf(InvalidObjectKeyError);
        }
      }
      expect(await readdir(root)).to.have.members(['objects', '.tmp']);
      expect(await readdir(path.join(root, 'objects'))).to.deep.equal([]);
      expect(await readdir(path.join(root, '.tmp'))).to.deep.equal([]);
    });

    it('reports a key that only prefixes other keys as missing', async function () {
      await store.put('versions/abc', Readable.from([Buffer.from('x')]));
      expect(await store.stat('versions')).to.equal(null);
      try {
        await store.get('versions');
        expect.fail('get of a directory resolved');
      } catch (error) {
        expect((error as Error).name).to.equal('ObjectNotFoundError');
      }
    });

    it('pings a ready store and fails on a missing folder', async function () {
      await store.ping();
      await rm(path.join(root, 'objects'), { recursive: true });
      try {
        await store.ping();
        expect.fail('ping resolved without an objects folder');
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
      }
    });
  });

  describe('resolveInside', function () {
    const base = path.join(os.tmpdir(), 'store', 'objects');

    it('resolves a relative path under the base', function () {
      expect(resolveInside(base, 'versions/abc')).to.equal(path.join(base, 'versions', 'abc'));
    });

    for (const escape of ['../x', '/abs', 'a/../../x', '../objects-sibling/x', '.', 'a/..']) {
      it(`refuses ${JSON.stringify(escape)}, which does not resolve strictly under the base`, function () {
        expect(() => resolveInside(base, escape)).to.throw(InvalidObjectKeyError);
      });
    }
  });
});
