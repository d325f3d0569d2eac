import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../../storage/object-store';

interface Entry {
  folder: string;
  file: string;
  ready: Promise<void>;
  users: number;
  lastUsed: number;
}

/**
 * Files copied out of the object store to the local disk for the tools (poppler reads a file, not a stream), kept
 * for the next page a reader turns to, so a 20 MB PDF in MinIO is not fetched again for each page. The copy is
 * streamed (never held in memory); at most `capacity` copies are kept, the least recently used removed first, never
 * one in use. They live under DATA_DIR/tmp, which the portal empties at each start.
 */
export class LocalCopies {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly root: string,
    private readonly capacity = 4,
  ) {}

  /** Runs `work` on a local copy of `key` from `store`, copying it first unless a copy is kept already. */
  async use<T>(store: ObjectStore, key: string, work: (file: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const id = `${store.kind}:${key}`;
    let entry = this.entries.get(id);
    if (!entry) {
      fs.mkdirSync(this.root, { recursive: true });
      const folder = await mkdtemp(path.join(this.root, 'copy-'));
      const file = path.join(folder, 'file');
      const created: Entry = { folder, file, users: 0, lastUsed: Date.now(), ready: Promise.resolve() };
      created.ready = (async () => pipeline(await store.get(key), fs.createWriteStream(file), { signal }))();
      entry = created;
      this.entries.set(id, entry);
      created.ready.catch(() => {
        if (this.entries.get(id) === created) this.entries.delete(id);
        void rm(folder, { recursive: true, force: true });
      });
    }
    entry.users++;
    try {
      await entry.ready;
      return await work(entry.file);
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
      await this.evict();
    }
  }

  /** Forgets the copy of `key` (its object is gone from the store). */
  async drop(store: ObjectStore, key: string): Promise<void> {
    const id = `${store.kind}:${key}`;
    const entry = this.entries.get(id);
    if (!entry || entry.users > 0) return;
    this.entries.delete(id);
    await rm(entry.folder, { recursive: true, force: true });
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries].filter(([, entry]) => entry.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let excess = this.entries.size - this.capacity;
    for (const [id, entry] of idle) {
      if (excess <= 0) return;
      this.entries.delete(id);
      excess--;
      await rm(entry.folder, { recursive: true, force: true });
    }
  }
}
