import type { ObjectStore, StoreKind } from './object-store';

export class StoreNotConfiguredError extends Error {
  constructor(readonly kind: StoreKind) {
    super(
      kind === 'minio'
        ? 'a stored version is in MinIO, but MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY are not set'
        : `a stored version is in the ${kind} store, which this portal cannot reach`,
    );
    this.name = 'StoreNotConfiguredError';
  }
}

/**
 * One adapter per store kind the portal can reach. New files go to `primary` (STORAGE); every stored
 * version is read from, and deleted in, the store its row names: `stores.for(version.store)`.
 */
export class StoreRegistry {
  private readonly byKind = new Map<StoreKind, ObjectStore>();

  constructor(
    readonly primary: ObjectStore,
    others: readonly ObjectStore[] = [],
  ) {
    for (const store of [primary, ...others]) if (!this.byKind.has(store.kind)) this.byKind.set(store.kind, store);
  }

  /** The adapter of `kind`; throws StoreNotConfiguredError when the portal has no settings for it. */
  for(kind: StoreKind): ObjectStore {
    const store = this.byKind.get(kind);
    if (!store) throw new StoreNotConfiguredError(kind);
    return store;
  }

  has(kind: StoreKind): boolean {
    return this.byKind.has(kind);
  }

  kinds(): StoreKind[] {
    return [...this.byKind.keys()];
  }
}
