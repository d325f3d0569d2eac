import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { expect } from 'chai';
import type { Request } from 'express';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { ConfigError, loadConfig } from '../../server/config';
import { AddressList } from '../../server/observability/address-list';
import { mayScrape } from '../../server/observability/metrics.route';
import { PortalMetrics } from '../../server/observability/metrics';
import { meteredObjectStore, meteredSearchIndex } from '../../server/observability/metered';
import type { SearchIndex } from '../../search/search-index';
import type { ObjectStore } from '../../storage/object-store';
import { bring, cast, DEFAULT_FIELDS, startPortal, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';

/** Every sample of the exposition: name, labels and value. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const found: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    found.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return found;
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('metrics: GET /metrics in Prometheus format', function () {
  this.timeout(120_000);

  describe('what it measures', function () {
    let portal: TestPortal;
    let c: Cast;
    const scrape = async () => (await supertest(portal.app).get('/metrics').expect(200)).text;

    before(async function () {
      portal = await startPortal();
      c = await cast(portal);
    });
    after(() => portal.close());

    it('answers the text format, uncached', async function () {
      const res = await supertest(portal.app).get('/metrics').expect(200);
      expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text).to.include('# TYPE tajrobe_http_request_duration_seconds histogram');
      expect(value(res.text, 'tajrobe_info', { storage: 'fs', search: 'sqlite' })).to.equal(1);
      samples(res.text); // every line parses
    });

    it('times requests by route pattern, method and status, never by id', async function () {
      const doc = await upload(portal, c.owner);
      await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.owner.auth).expect(200);
      await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.owner.auth).expect(200);
      await supertest(portal.app).get(`/api/v1/documents/00000000-0000-4000-8000-000000000000`).set(c.owner.auth).expect(404);
      await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).expect(401);
      await supertest(portal.app).get('/no/such/thing').expect(404);
      const text = await scrape();
      const count = (labels: Record<string, string>) => value(text, 'tajrobe_http_request_duration_seconds_count', labels);
      expect(count({ method: 'GET', route: '/api/v1/documents/:id', status: '200' })).to.equal(2);
      expect(count({ method: 'GET', route: '/api/v1/documents/:id', status: '404' })).to.equal(1);
      expect(count({ method: 'GET', route: '/api/v1/documents/:id', status: '401' }), 'refused before the route ran: still its pattern').to.equal(1);
      expect(count({ method: 'POST', route: '/api/v1/documents', status: '201' })).to.equal(1);
      expect(count({ method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
      expect(text, 'no id in any label').not.to.include(doc.id).and.not.to.include('00000000-0000');
      expect(text).not.to.include('/no/such/thing');
    });

    it('counts the bytes of accepted uploads (and not of refused ones)', async function () {
      const before = await scrape();
      const sum = (text: string) => value(text, 'tajrobe_upload_bytes_sum', { route: '/api/v1/documents' }) ?? 0;
      const uploads = (text: string) => value(text, 'tajrobe_upload_bytes_count', { route: '/api/v1/documents' }) ?? 0;
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300_000, 0x20)]);
      await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: big, name: 'بزرگ.pdf' }).expect(201);
      await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, kind: 'no-such-kind' }).expect(400);
      await uploadRequest(portal, c.reader).expect(403);
      const after = await scrape();
      expect(sum(after) - sum(before)).to.equal(big.length);
      expect(uploads(after) - uploads(before)).to.equal(1);
      expect(value(after, 'tajrobe_upload_bytes_bucket', { route: '/api/v1/documents', le: '1048576' })).to.be.at.least(1);
    });

    it('shows the job queue: depth by kind and state, and the age of the oldest', async function () {
      const { id } = await upload(portal, c.owner);
      // The test portal's worker is not started: the extraction waits.
      portal.services.db.prepare("UPDATE jobs SET created_at = ? WHERE kind = 'extract' AND document_id = ?").run(new Date(Date.now() - 90_000).toISOString(), id);
      const waiting = await scrape();
      expect(value(waiting, 'tajrobe_jobs', { kind: 'extract', state: 'queued' })).to.equal(portal.services.jobs.pending('extract'));
      expect(value(waiting, 'tajrobe_jobs', { kind: 'extract', state: 'queued' })).to.be.at.least(1);
      expect(value(waiting, 'tajrobe_jobs_oldest_age_seconds', { kind: 'extract', state: 'queued' })).to.be.within(89, 200);
      await portal.services.worker.drain();
      const done = await scrape();
      expect(value(done, 'tajrobe_jobs', { kind: 'extract', state: 'queued' })).to.equal(0);
      expect(value(done, 'tajrobe_jobs_oldest_age_seconds', { kind: 'extract', state: 'queued' })).to.equal(0);
    });

    it('counts extraction failures by reason, and says when no attempt is left', async function () {
      const fresh = await startPortal();
      try {
        const owner = (await cast(fresh)).owner;
        const first = (await supertest(fresh.app).get('/metrics').expect(200)).text;
        expect(value(first, 'tajrobe_extraction_failures_total', { reason: 'unreadable_pdf', final: 'true' }), 'every reason starts at 0').to.equal(0);
        expect(value(first, 'tajrobe_extraction_failures_total', { reason: 'timeout', final: 'false' })).to.equal(0);
        await uploadRequest(fresh, owner, DEFAULT_FIELDS, { content: Buffer.from('%PDF-1.4\nthis is not really a pdf at all\n'), name: 'خراب.pdf' }).expect(201);
        await fresh.services.worker.drain();
        const after = (await supertest(fresh.app).get('/metrics').expect(200)).text;
        expect(value(after, 'tajrobe_extraction_failures_total', { reason: 'unreadable_pdf', final: 'true' })).to.equal(1);
        expect(value(after, 'tajrobe_jobs', { kind: 'extract', state: 'failed' })).to.equal(1);
      } finally {
        await fresh.close();
      }
    });

    it('times searches by engine and operation', async function () {
      const { id } = await upload(portal, c.owner);
      await bring(portal, c, id, 'published');
      const before = await scrape();
      const searches = (text: string) => value(text, 'tajrobe_search_duration_seconds_count', { engine: 'sqlite', operation: 'search' }) ?? 0;
      await supertest(portal.app).get('/api/v1/search?q=زلزله').set(c.reader.auth).expect(200);
      await supertest(portal.app).get(`/api/v1/documents/${id}/related`).set(c.reader.auth).expect(200);
      const after = await scrape();
      expect(searches(after) - searches(before)).to.equal(1);
      expect(value(after, 'tajrobe_search_duration_seconds_count', { engine: 'sqlite', operation: 'related' })).to.be.at.least(1);
      expect(value(after, 'tajrobe_search_duration_seconds_sum', { engine: 'sqlite', operation: 'search' })).to.be.greaterThan(0);
    });

    it('counts object-store errors by store and operation (a stored file gone from the disk)', async function () {
      const { id, versions } = await upload(portal, c.owner);
      const before = await scrape();
      expect(value(before, 'tajrobe_store_errors_total', { store: 'fs', operation: 'get' })).to.equal(0);
      const key = portal.services.db.prepare('SELECT object_key FROM document_versions WHERE document_id = ? AND number = ?').pluck().get(id, versions[0]!.number) as string;
      await portal.services.store.delete(key);
      // An app of its own, whose unexpected errors go to the log rather than fail the test portal.
      const res = await supertest(createApp(portal.services)).get(`/api/v1/documents/${id}/file`).set(c.owner.auth);
      expect(res.status).to.equal(500);
      const after = await scrape();
      expect(value(after, 'tajrobe_store_errors_total', { store: 'fs', operation: 'get' })).to.be.at.least(1);
      expect(value(after, 'tajrobe_search_index_errors_total', { engine: 'sqlite', operation: 'upsert' }), 'index errors start at 0').to.equal(0);
    });

    it('shows requests in flight and the free disk space', async function () {
      const text = await scrape();
      expect(value(text, 'tajrobe_http_requests_in_flight'), 'the scrape itself').to.equal(1);
      expect(value(text, 'tajrobe_disk_free_bytes')).to.equal((await portal.services.disk.reading()).freeBytes);
    });
  });

  describe('the metered ports', function () {
    it('count each failed call of the search index and time searches, whatever the method', async function () {
      const metrics = new PortalMetrics();
      const failing = {
        kind: 'sqlite',
        async search() {
          return { total: 0, hits: [], facets: {}, relaxed: false };
        },
        async upsert() {
          throw new Error('disk I/O error');
        },
        async somethingNew() {
          throw new Error('a method added to the port later');
        },
      } as unknown as SearchIndex & { somethingNew(): Promise<void> };
      const index = meteredSearchIndex(failing, metrics) as typeof failing;
      expect(index.kind).to.equal('sqlite');
      await index.search({ role: 'reader', city: null }, { q: 'x', filters: {}, sort: 'relevance', page: 1, perPage: 10 });
      for (const call of [() => index.upsert({} as never), () => index.upsert({} as never), () => index.somethingNew()]) {
        await call().then(
          () => expect.fail('the failure was swallowed'),
          (error: Error) => expect(error.message).to.be.a('string'),
        );
      }
      const { body } = await metrics.exposition();
      expect(value(body, 'tajrobe_search_index_errors_total', { engine: 'sqlite', operation: 'upsert' })).to.equal(2);
      expect(value(body, 'tajrobe_search_index_errors_total', { engine: 'sqlite', operation: 'somethingNew' })).to.equal(1);
      expect(value(body, 'tajrobe_search_index_errors_total', { engine: 'sqlite', operation: 'remove' })).to.equal(0);
      expect(value(body, 'tajrobe_search_duration_seconds_count', { engine: 'sqlite', operation: 'search' })).to.equal(1);
    });

    it('call the method the port has now: one replaced after its first call is the one called and measured', async function () {
      const metrics = new PortalMetrics();
      const port = {
        kind: 'sqlite',
        async search() {
          return { total: 0, hits: [], facets: {}, relaxed: false };
        },
      } as unknown as SearchIndex;
      const index = meteredSearchIndex(port, metrics);
      const viewer = { role: 'reader', city: null } as const;
      const query = { q: 'x', filters: {}, sort: 'relevance', page: 1, perPage: 10 } as const;
      expect((await index.search(viewer, query)).total).to.equal(0);
      index.search = async () => ({ total: 7, hits: [], facets: {} as never, relaxed: false });
      expect((await index.search(viewer, query)).total, 'the replacement answers').to.equal(7);
      const { body } = await metrics.exposition();
      expect(value(body, 'tajrobe_search_duration_seconds_count', { engine: 'sqlite', operation: 'search' })).to.equal(2);
    });

    it('count each failed call of an object store', async function () {
      const metrics = new PortalMetrics();
      const store = meteredObjectStore(
        {
          kind: 'minio',
          async stat() {
            throw new Error('connect ECONNREFUSED');
          },
          async delete() {},
        } as unknown as ObjectStore,
        metrics,
      );
      await store.delete('versions/x');
      await store.stat('versions/x').catch(() => undefined);
      const { body } = await metrics.exposition();
      expect(value(body, 'tajrobe_store_errors_total', { store: 'minio', operation: 'stat' })).to.equal(1);
      expect(value(body, 'tajrobe_store_errors_total', { store: 'minio', operation: 'delete' })).to.equal(0);
    });
  });

  describe('who may read it: METRICS_ALLOW', function () {
    const portals: TestPortal[] = [];
    const portalWith = async (env: Record<string, string>) => {
      const portal = await startPortal(env);
      portals.push(portal);
      return portal;
    };
    after(async () => {
      for (const portal of portals) await portal.close();
    });

    /** What an unknown path answers, to compare a refusal with: nothing tells /metrics exists. */
    const unknownPath = async (portal: TestPortal, headers: Record<string, string> = {}) => {
      const res = await supertest(portal.app).get('/no-such-path').set(headers);
      return { status: res.status, type: res.headers['content-type'] };
    };
    const refused = async (portal: TestPortal, headers: Record<string, string>, what: string) => {
      for (const accept of ['text/html', 'application/json']) {
        const res = await supertest(portal.app).get('/metrics').set({ ...headers, Accept: accept });
        expect({ status: res.status, type: res.headers['content-type'] }, `${what} (${accept})`).to.deep.equal(await unknownPath(portal, { ...headers, Accept: accept }));
        expect(res.text, what).not.to.include('tajrobe_');
      }
      const post = await supertest(portal.app).post('/metrics').set({ ...headers, Accept: 'application/json' });
      expect(post.status, `${what}: another method`).to.equal(404);
      expect(post.headers.allow).to.equal(undefined);
    };

    it('validates the setting and names the variable', function () {
      expect(loadConfig({}).metricsAllow).to.deep.equal(['loopback']);
      expect(loadConfig({ METRICS_ALLOW: 'false' }).metricsAllow).to.deep.equal([]);
      expect(loadConfig({ METRICS_ALLOW: 'loopback, 10.0.0.0/8,fd00::/8 ,172.18.0.5' }).metricsAllow).to.deep.equal(['loopback', '10.0.0.0/8', 'fd00::/8', '172.18.0.5']);
      for (const bad of ['true', '*', 'all', '10.0.0.0/33', '10.0.0.300', 'prometheus', 'loopback,', '::1/129', '10.0.0.0/8/8']) {
        const error = configError({ METRICS_ALLOW: bad });
        expect(error.problems, bad).to.have.length(1);
        expect(error.problems[0], bad).to.match(/^METRICS_ALLOW: /);
      }
      expect(configError({ LOG_LEVEL: 'verbose' }).problems[0]).to.match(/^LOG_LEVEL: /);
      expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).to.equal('warn');
    });

    it('matches addresses, ranges, names and IPv4 seen as IPv6', function () {
      const list = new AddressList(['loopback', '10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
      for (const yes of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '10.200.1.1', '::ffff:10.0.0.1', '2001:db8::5', '192.0.2.7']) expect(list.has(yes), yes).to.equal(true);
      for (const no of ['192.0.2.8', '11.0.0.1', '::2', '2001:db9::1', 'localhost', '', undefined, '127.0.0.1:80']) expect(list.has(no), String(no)).to.equal(false);
      expect(new AddressList([]).has('127.0.0.1')).to.equal(false);
    });

    it('is open to loopback by default, and closed to a client a proxy on loopback forwards', async function () {
      const portal = await portalWith({});
      await supertest(portal.app).get('/metrics').expect(200);
      await refused(portal, { 'X-Forwarded-For': '203.0.113.5' }, 'a public client through a reverse proxy on loopback');
      await refused(portal, { 'X-Real-IP': '203.0.113.5' }, 'the same, told by X-Real-IP');
      await refused(portal, { Forwarded: 'for=203.0.113.5;proto=https' }, 'the same, told by Forwarded');
      await refused(portal, { 'X-Forwarded-For': '127.0.0.1, 203.0.113.5' }, 'a forged loopback address in front of the real one');
      await refused(portal, { 'X-Forwarded-For': 'unknown' }, 'an entry that is not an address');
      await supertest(portal.app).get('/metrics').set('X-Forwarded-For', '127.0.0.1').expect(200);
      const post = await supertest(portal.app).post('/metrics').set('Accept', 'application/json').expect(405);
      expect(post.headers.allow).to.equal('GET, HEAD, OPTIONS');
      expect(post.body.error.code).to.equal('method_not_allowed');
    });

    for (const trustProxy of ['loopback', '1', '2', 'false']) {
      it(`cannot be opened by a forged X-Forwarded-For naming an allowed address (TRUST_PROXY=${trustProxy})`, async function () {
        const portal = await portalWith({ TRUST_PROXY: trustProxy, METRICS_ALLOW: '10.0.0.0/8' });
        const from = portal.logLines.length;
        await refused(portal, { 'X-Forwarded-For': '10.1.2.3' }, 'a loopback client claiming 10.1.2.3');
        await refused(portal, { 'X-Forwarded-For': '10.9.9.9, 10.1.2.3' }, 'two allowed hops, none of them the connection');
        await refused(portal, {}, 'loopback itself, not in the list');
        if (trustProxy !== 'false') {
          // Express does believe the header (the client address of the log line): a check of req.ip would have opened /metrics.
          const believed = portal.logLines.slice(from).map((line) => JSON.parse(line) as { ip?: string; route?: string }).filter((entry) => entry.route === '/metrics');
          expect(believed.map((entry) => entry.ip)).to.include('10.1.2.3');
        }
      });
    }

    it('METRICS_ALLOW=false closes it to everyone, loopback included', async function () {
      const portal = await portalWith({ METRICS_ALLOW: 'false' });
      await refused(portal, {}, 'loopback with METRICS_ALLOW=false');
    });

    it('decides on the connection’s address: a client that is not loopback is refused by default and admitted when listed', async function () {
      const outside = Object.values(os.networkInterfaces())
        .flat()
        .find((address) => address && !address.internal && address.family === 'IPv4')?.address;
      const request = { socket: { remoteAddress: '203.0.113.9' }, headers: {} } as unknown as Request;
      expect(mayScrape(request, new AddressList(['loopback']))).to.equal(false);
      expect(mayScrape(request, new AddressList(['203.0.113.0/24']))).to.equal(true);
      expect(mayScrape({ ...request, headers: { 'x-forwarded-for': '203.0.113.10' } } as unknown as Request, new AddressList(['203.0.113.0/24']))).to.equal(true);
      if (!outside) {
        console.log('    (no non-loopback interface on this machine: the real-socket half of this test is left out)');
        return;
      }
      for (const [allow, expected] of [
        ['loopback', 404],
        [outside, 200],
        [`${outside}/24`, 200],
      ] as const) {
        const portal = await portalWith({ METRICS_ALLOW: allow });
        const server = http.createServer(portal.app);
        await new Promise<void>((resolve) => server.listen(0, outside, resolve));
        try {
          const { port } = server.address() as AddressInfo;
          const status = await new Promise<number>((resolve, reject) => {
            http.get({ host: outside, port, path: '/metrics', localAddress: outside, agent: false }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            }).once('error', reject);
          });
          expect(status, `METRICS_ALLOW=${allow}, client ${outside}`).to.equal(expected);
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
      }
    });
  });
});
