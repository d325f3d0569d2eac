import { randomBytes } from 'node:crypto';
import { Meilisearch } from 'meilisearch';
import { MeilisearchSearchIndex } from '../../search/meilisearch-search-index';
import { describeSearchIndex } from './search-index.contract';

/**
 * The shared SearchIndex contract against a real Meilisearch (`docker compose up meilisearch`, then
 * MEILI_URL=http://127.0.0.1:7700 MEILI_API_KEY=…). Meilisearch cannot run on the build machines, so
 * without MEILI_URL this suite is skipped, under CI too; meilisearch-protocol.test.ts is what CI checks.
 */
describe('MeilisearchSearchIndex against a real Meilisearch', function () {
  const url = process.env.MEILI_URL;
  const apiKey = process.env.MEILI_API_KEY || undefined;

  before(function () {
    if (url) return;
    console.log('      skipped: set MEILI_URL to run against a real Meilisearch (docker compose up meilisearch)');
    this.skip();
  });

  describeSearchIndex('meilisearch', async () => {
    const uid = `tajrobe-test-${randomBytes(6).toString('hex')}`;
    const index = new MeilisearchSearchIndex({ url: url!, apiKey, index: uid });
    const admin = new Meilisearch({ host: url!, apiKey });
    return {
      index,
      cleanup: async () => {
        await admin.deleteIndex(uid).waitTask();
        await admin.deleteIndex(`${uid}-words`).waitTask();
      },
    };
  });
});
