import type { AccessFields, IndexedDocument } from '../search-index';

/** One change to the index, as the port asks for it. */
export type Write =
  | { kind: 'upsert'; doc: IndexedDocument }
  | { kind: 'access'; id: string; access: AccessFields }
  | { kind: 'remove'; id: string }
  | { kind: 'clear' };

export type WriteKind = Write['kind'];
export type WriteOf<K extends WriteKind> = Extract<Write, { kind: K }>;

/** How a batch of writes of one kind reaches the engine; each resolves once the engine has applied it. */
export type Sender = { [K in WriteKind]: (writes: WriteOf<K>[]) => Promise<void> };

export interface BatchLimits {
  /** At most this many documents in one batch. */
  documents: number;
  /** At most this many pages (of upserts) in one batch; a single larger document still goes alone. */
  pages: number;
}

interface Pending {
  write: Write;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The adapter's writes, in the order they were asked for, with the writes of one kind that wait
 * next to each other sent as one batch: a rebuild or a burst of uploads becomes a few engine tasks
 * instead of two per document. A write is sent at the earliest on the next turn of the event loop
 * (so calls made together are batched together), and while a batch is with the engine the next
 * writes gather. A batch the engine refuses is sent again one write at a time, so a document it
 * cannot take fails alone. Every write's promise settles when the engine has applied it (or
 * refused it), as the port promises.
 */
export class WriteQueue {
  private readonly waiting: Pending[] = [];
  private draining = false;

  constructor(
    private readonly send: Sender,
    private readonly limits: BatchLimits,
  ) {}

  push(write: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.nextBatch();
        try {
          await this.sendBatch(batch.map((pending) => pending.write));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const pending of batch) {
            await this.sendBatch([pending.write]).then(pending.resolve, pending.reject);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** The first waiting write and the writes of its kind right after it, within the limits. */
  private nextBatch(): Pending[] {
    const kind = this.waiting[0]!.write.kind;
    if (kind === 'clear') return this.waiting.splice(0, 1);
    let documents = 0;
    let pages = 0;
    let taken = 0;
    for (const pending of this.waiting) {
      const { write } = pending;
      if (write.kind !== kind) break;
      const size = write.kind === 'upsert' ? write.doc.pages.length : 0;
      if (taken > 0 && (documents + 1 > this.limits.documents || pages + size > this.limits.pages)) break;
      documents += 1;
      pages += size;
      taken += 1;
    }
    return this.waiting.splice(0, taken);
  }

  /** One batch of one kind; a document written twice in it is sent once, as last asked. */
  private sendBatch(writes: Write[]): Promise<void> {
    const kind = writes[0]!.kind;
    const lastPerDocument = <W extends WriteOf<'upsert' | 'access' | 'remove'>>(list: W[], id: (write: W) => string): W[] => [
      ...new Map(list.map((write) => [id(write), write])).values(),
    ];
    switch (kind) {
      case 'upsert':
        return this.send.upsert(lastPerDocument(writes as WriteOf<'upsert'>[], (w) => w.doc.id));
      case 'access':
        return this.send.access(lastPerDocument(writes as WriteOf<'access'>[], (w) => w.id));
      case 'remove':
        return this.send.remove(lastPerDocument(writes as WriteOf<'remove'>[], (w) => w.id));
      case 'clear':
        return this.send.clear(writes as WriteOf<'clear'>[]);
    }
  }
}
