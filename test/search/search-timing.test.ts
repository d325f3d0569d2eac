import { expect } from 'chai';
import type { User } from '../../server/auth/roles';
import type { SearchLog } from '../../server/search/search-log';
import { SearchService, searchQuerySchema, type SearchTiming } from '../../server/search/search.service';
import type { SearchIndex, SearchResult } from '../../search/search-index';

/**
 * The seam a metrics hook uses: SearchService tells `observe` how long each call to the search index
 * took, with the engine's name, whether it answered or threw.
 */
describe('SearchService: timing each call to the search index', function () {
  const user: User = { id: 1, username: 'reader', role: 'reader', city: null };
  const empty: SearchResult = { total: 0, hits: [], facets: { city: {}, kind: {}, hazard: {}, year: {}, resolution: {}, fileType: {}, type: {} }, relaxed: false };
  const log = { record: () => {} } as unknown as SearchLog;
  const visible = { getVisible: () => undefined } as never;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function service(index: Partial<SearchIndex>, timings: SearchTiming[], documents = visible): SearchService {
    return new SearchService(index as SearchIndex, log, documents, (timing) => timings.push(timing));
  }

  it('reports the engine, the operation and the seconds of a search and of related documents', async function () {
    const timings: SearchTiming[] = [];
    const index: Partial<SearchIndex> = {
      kind: 'meilisearch',
      search: async () => (await wait(30), empty),
      related: async () => (await wait(10), []),
    };
    await service(index, timings).search(user, searchQuerySchema.parse({ q: 'زلزله' }));
    await service(index, timings).related(user, 'doc-1');
    expect(timings.map(({ engine, operation, ok }) => [engine, operation, ok])).to.deep.equal([
      ['meilisearch', 'search', true],
      ['meilisearch', 'related', true],
    ]);
    expect(timings[0]!.seconds).to.be.within(0.025, 5);
    expect(timings[1]!.seconds).to.be.within(0.005, 5);
  });

  it('reports a call that threw, and still throws', async function () {
    const timings: SearchTiming[] = [];
    const index: Partial<SearchIndex> = { kind: 'sqlite', search: async () => Promise.reject(new Error('engine down')) };
    let error: unknown;
    await service(index, timings)
      .search(user, searchQuerySchema.parse({ q: 'سیل' }))
      .catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('engine down');
    expect(timings.map(({ engine, operation, ok }) => [engine, operation, ok])).to.deep.equal([['sqlite', 'search', false]]);
  });

  it('reports nothing when the document is not the user\'s to see: the index is not asked', async function () {
    const timings: SearchTiming[] = [];
    let asked = false;
    const index: Partial<SearchIndex> = { kind: 'sqlite', related: async () => ((asked = true), []) };
    const hidden = {
      getVisible: () => {
        throw new Error('not found');
      },
    } as never;
    let error: unknown;
    await service(index, timings, hidden)
      .related(user, 'secret')
      .catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('not found');
    expect(asked).to.equal(false);
    expect(timings).to.deep.equal([]);
  });
});
