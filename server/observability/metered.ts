import type { ObjectStore } from '../../storage/object-store';
import type { SearchIndex } from '../../search/search-index';
import type { PortalMetrics } from './metrics';

/** The operations whose time is the search latency readers feel. */
const TIMED_SEARCH_OPERATIONS = new Set(['search', 'related']);

/** The ports' operations, whose error series start at 0 (a method added to a port later is counted as well, from its first error). */
const INDEX_OPERATIONS = ['init', 'ping', 'upsert', 'updateAccess', 'remove', 'clear', 'isEmpty', 'search', 'related', 'setSynonyms', 'close'] as const satisfies readonly (keyof SearchIndex)[];
const STORE_OPERATIONS = ['init', 'ping', 'put', 'get', 'stat', 'delete', 'deletePrefix'] as const satisfies readonly (keyof ObjectStore)[];

/**
 * The search index as the portal uses it, measured: the time of each search, and each failed call, by engine
 * and operation. Every method the port has (today's and tomorrow's) is measured the same way, so the adapters
 * and the port stay unaware of metrics.
 */
export function meteredSearchIndex(index: SearchIndex, metrics: PortalMetrics): SearchIndex {
  const engine = index.kind;
  metrics.expect({ engine, operations: INDEX_OPERATIONS });
  return metered(index, (operation, seconds, failed) => {
    if (failed) metrics.indexError(engine, operation);
    else if (TIMED_SEARCH_OPERATIONS.has(operation)) metrics.search(engine, operation, seconds);
  });
}

/** An object store whose failed calls are counted by store and operation. */
export function meteredObjectStore(store: ObjectStore, metrics: PortalMetrics): ObjectStore {
  const kind = store.kind;
  metrics.expect({ store: kind, operations: STORE_OPERATIONS });
  return metered(store, (operation, _seconds, failed) => {
    if (failed) metrics.storeError(kind, operation);
  });
}

type Observe = (operation: string, seconds: number, failed: boolean) => void;

/** Wraps every method of `target` that answers a promise; properties and synchronous methods pass through untouched. */
function metered<T extends object>(target: T, observe: Observe): T {
  // Keyed by the method itself, so a method replaced on the target later (a test's spy) is measured as it is now.
  const wrapped = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      const method = value as (...args: unknown[]) => unknown;
      let measured = wrapped.get(method);
      if (!measured) {
        measured = function (this: unknown, ...args: unknown[]) {
          const started = process.hrtime.bigint();
          const result: unknown = method.apply(object, args);
          if (!(result instanceof Promise)) return result;
          const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
          return result.then(
            (answer) => {
              observe(property, seconds(), false);
              return answer;
            },
            (error: unknown) => {
              observe(property, seconds(), true);
              throw error;
            },
          );
        };
        wrapped.set(method, measured);
      }
      return measured;
    },
  });
}
