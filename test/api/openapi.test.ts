import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { load as parseYaml } from 'js-yaml';
import supertest from 'supertest';
import { RouteTable } from '../../server/http/route-table';
import { FIRST_YEAR, isValidJalali, LAST_YEAR } from '../../server/i18n/solar-hijri';
import { LESSON_FIELDS } from '../helpers/lessons';
import { cast, countRows, DEFAULT_FIELDS, startPortal, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';

type Operation = { operationId: string; responses: Record<string, unknown>; requestBody?: unknown; links?: unknown };
type PathItem = Record<string, Operation | unknown>;
interface Spec {
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, { enum?: string[] } & Record<string, unknown>> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_FILE = path.resolve(import.meta.dirname, '../../server/http/openapi.yaml');

/** The paths an API client sees (the pages are not in the description). */
const described = (routePath: string) => routePath.startsWith('/api/') || routePath === '/healthz' || routePath === '/metrics';
/** `/api/v1/documents/:id` → `/api/v1/documents/{id}`. */
const asOpenApiPath = (routePath: string) => routePath.replace(/:(\w+)/g, '{$1}');

function operationsOf(spec: Spec): { method: string; path: string; operation: Operation }[] {
  return Object.entries(spec.paths).flatMap(([specPath, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path: specPath, operation: item[method] as Operation })),
  );
}

describe('the OpenAPI description tells the truth', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const fileSpec = parseYaml(fs.readFileSync(SPEC_FILE, 'utf8')) as Spec;
  const api = () => supertest(portal.app);

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  describe('what is served and what is described are the same', function () {
    it('describes every route the app serves under /api, /healthz and /metrics (a route added later cannot be forgotten)', function () {
      const served = new RouteTable()
        .load(portal.app)
        .all()
        .filter((route) => described(route.path))
        .flatMap((route) => route.methods.map((method) => `${method} ${asOpenApiPath(route.path)}`));
      const inSpec = new Set(operationsOf(fileSpec).map(({ method, path: specPath }) => `${method} ${specPath}`));
      const missing = served.filter((operation) => !inSpec.has(operation));
      expect(missing, 'served but not in server/http/openapi.yaml').to.deep.equal([]);
      expect(served.length).to.be.greaterThan(45);
    });

    it('serves every operation it describes (HEAD where GET is)', function () {
      const routes = new RouteTable().load(portal.app);
      const served = new Set(
        routes
          .all()
          .flatMap((route) => route.methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])).map((method) => `${method} ${asOpenApiPath(route.path)}`)),
      );
      const unserved = operationsOf(fileSpec)
        .map(({ method, path: specPath }) => `${method} ${specPath}`)
        .filter((operation) => !served.has(operation));
      expect(unserved, 'in the description but not served').to.deep.equal([]);
    });

    it('is a sound document: unique operation ids, every $ref resolves, every link names an operation', function () {
      const ids = operationsOf(fileSpec).map(({ operation }) => operation.operationId);
      expect(ids.every(Boolean), 'every operation has an id').to.equal(true);
      expect(new Set(ids).size, 'operation ids are unique').to.equal(ids.length);
      const refs: string[] = [];
      const linked: string[] = [];
      const walk = (node: unknown, key = ''): void => {
        if (Array.isArray(node)) node.forEach((item) => walk(item));
        else if (node && typeof node === 'object') {
          for (const [name, value] of Object.entries(node)) {
            if (name === '$ref' && typeof value === 'string') refs.push(value);
            else if (name === 'operationId' && key === 'link' && typeof value === 'string') linked.push(value);
            else walk(value, name === 'links' ? 'links' : key === 'links' ? 'link' : '');
          }
        }
      };
      walk(fileSpec);
      const unresolved = refs.filter((ref) => ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], fileSpec) === undefined);
      expect(unresolved).to.deep.equal([]);
      expect(linked.length, 'links lead from the operations that create records').to.be.greaterThan(20);
      expect(linked.filter((id) => !ids.includes(id))).to.deep.equal([]);
    });

    it('links lead from creating a document, a package, a user, a city, a meeting and a resolution to the operations on their ids', function () {
      const linksOf = (operationId: string, status: string) => {
        const found = operationsOf(fileSpec).find(({ operation }) => operation.operationId === operationId)!;
        const response = found.operation.responses[status] as { links?: Record<string, { operationId: string }> };
        return Object.values(response.links ?? {}).map((link) => link.operationId);
      };
      expect(linksOf('createDocument', '201')).to.include.members(['getDocument', 'updateDocument', 'deleteDocument', 'addVersion', 'downloadFile', 'submitDocument', 'withdrawDocument', 'setShares']);
      expect(linksOf('submitDocument', '200')).to.include.members(['publishDocument', 'returnDocument']);
      expect(linksOf('publishDocument', '200')).to.include('createPackage');
      expect(linksOf('createPackage', '201')).to.include.members(['getPackage', 'updatePackage', 'publishPackage', 'downloadPackage']);
      expect(linksOf('createUser', '201')).to.include.members(['disableUser', 'enableUser', 'setTemporaryPassword']);
      expect(linksOf('createCity', '201')).to.include.members(['getCity', 'updateCity', 'listCityPeople']);
      expect(linksOf('createMeeting', '201')).to.include('createResolution');
      expect(linksOf('createResolution', '201')).to.include.members(['updateResolution', 'addFollowup', 'resolutionCompliance']);
    });

    it('lists the vocabulary exactly as the database has it', async function () {
      const vocabulary = (await api().get('/api/v1/vocabulary').set(c.reader.auth).expect(200)).body as { kinds: { id: string }[]; hazards: { id: string }[] };
      expect(fileSpec.components.schemas.KindId!.enum).to.deep.equal(vocabulary.kinds.map((kind) => kind.id));
      expect(fileSpec.components.schemas.HazardId!.enum).to.deep.equal(vocabulary.hazards.map((hazard) => hazard.id));
    });

    it('serves the cities and resolutions of the moment in place of the seeded lists', async function () {
      const seeded = fileSpec.components.schemas.KnownCityId!.enum!;
      expect(seeded).to.include.members(['tehran', 'arak']);
      await api().post('/api/v1/cities').set(c.secretariat.auth).send({ id: 'bandar-abbas', name: 'بندرعباس', nameEn: 'Bandar Abbas' }).expect(201);
      await api().post('/api/v1/resolutions/9').set(c.secretariat.auth).send({ number: 12, text: 'تهیهٔ نقشهٔ خطر سیل', responsible: 'همهٔ کلان‌شهرها' }).expect(201);
      const served = await api().get('/api/openapi.yaml').expect(200).expect('Content-Type', /application\/yaml/);
      const spec = parseYaml(served.text) as Spec;
      expect(spec.components.schemas.KnownCityId!.enum).to.deep.equal([...seeded, 'bandar-abbas']);
      expect(spec.components.schemas.KnownResolutionRef!.enum).to.deep.equal([...fileSpec.components.schemas.KnownResolutionRef!.enum!, '9/12']);
      expect(served.text).to.include("# served: cities").and.include('# served: resolutions');
      // Everything else is the file as written.
      const strip = (text: string) => text.replace(/^(\s*enum: )\[[^\]]*\](\s*# served: \w+)$/gm, '$1[]$2');
      expect(strip(served.text)).to.equal(strip(fs.readFileSync(SPEC_FILE, 'utf8')));
    });
  });

  describe('a method a path does not take', function () {
    it('answers 405 with Allow and the JSON error, after authentication, changing nothing', async function () {
      const { id } = await upload(portal, c.owner);
      const audits = countRows(portal, 'audit_log');
      const refused = await api().put(`/api/v1/documents/${id}`).set(c.secretariat.auth).send({ title: 'x' }).expect(405);
      expect(refused.headers.allow).to.equal('DELETE, GET, HEAD, OPTIONS, PATCH');
      expect(refused.body).to.deep.equal({
        error: { code: 'method_not_allowed', message: `PUT is not answered on /api/v1/documents/${id}; it answers DELETE, GET, HEAD, OPTIONS, PATCH`, details: { allow: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH'] } },
      });
      expect((await api().get(`/api/v1/documents/${id}`).set(c.secretariat.auth).expect(200)).body.title).to.equal(DEFAULT_FIELDS.title);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      for (const [method, url, allow] of [
        ['delete', '/api/v1/cities', 'GET, HEAD, OPTIONS, POST'],
        ['get', '/api/v1/tokens', 'OPTIONS, POST'],
        ['post', '/api/v1/resolutions/compliance', 'GET, HEAD, OPTIONS'],
        ['get', '/api/v1/documents/bulk', 'OPTIONS, POST'],
        ['patch', '/api/v1/synonyms', 'GET, HEAD, OPTIONS, POST'],
      ] as const) {
        const res = await api()[method](url).set(c.secretariat.auth).expect(405);
        expect(res.headers.allow, `${method} ${url}`).to.equal(allow);
        expect(res.body.error.code).to.equal('method_not_allowed');
      }
    });

    it('without a token is 401 as every API call, and OPTIONS answers 204 with Allow', async function () {
      await api().put('/api/v1/cities/tehran').expect(401);
      const options = await api().options('/api/v1/cities/tehran').set(c.reader.auth).expect(204);
      expect(options.headers.allow).to.equal('GET, HEAD, OPTIONS, PATCH');
      expect(options.text).to.equal('');
    });

    it('answers 405 on /healthz and /api/openapi.yaml too', async function () {
      for (const url of ['/healthz', '/api/openapi.yaml']) {
        const res = await api().post(url).set('Accept', 'application/json').expect(405);
        expect(res.headers.allow).to.equal('GET, HEAD, OPTIONS');
        expect(res.body.error.code).to.equal('method_not_allowed');
      }
    });

    it('leaves every unknown path a 404, with a token or without, and the pages as they were', async function () {
      for (const method of ['get', 'post', 'put', 'delete'] as const) {
        const res = await api()[method]('/api/v1/no-such-thing').set(c.secretariat.auth).expect(404);
        expect(res.body.error.code).to.equal('not_found');
        expect(res.headers.allow).to.equal(undefined);
        await api()[method]('/api/v1/no-such-thing').expect(401);
        await api()[method]('/api/no-such-thing').expect(404);
        await api()[method]('/api/v1/documents/x/y/z').set(c.secretariat.auth).expect(404);
      }
      // A page path with another method is the 404 page it always was (the pages are not in the description).
      const page = await api().delete('/login').expect(404);
      expect(page.headers['content-type']).to.match(/text\/html/);
      expect(page.headers.allow).to.equal(undefined);
    });
  });

  describe('what the description says is valid, the API takes; what it says is not, it refuses', function () {
    it('a whole number is a number or a string of digits, nothing else that JavaScript would turn into one', async function () {
      for (const number of [true, [7], '1e1', ' 7', '7.0', 0, 10000]) {
        const res = await api().post('/api/v1/meetings').set(c.secretariat.auth).send({ number, city: 'shiraz', date: '1393-08', title: 'نشست' }).expect(400);
        expect(res.body.error.details.fields[0].field, JSON.stringify(number)).to.equal('number');
      }
      await api().post('/api/v1/meetings').set(c.secretariat.auth).send({ number: '0013', city: 'shiraz', date: '1393-08', title: 'نشست' }).expect(201);
      const { id } = await upload(portal, c.owner);
      for (const year of [true, [1391], ' 1391', '1391.5', 1299]) {
        await api().patch(`/api/v1/documents/${id}`).set(c.owner.auth).send({ year }).expect(400);
      }
      expect((await api().patch(`/api/v1/documents/${id}`).set(c.owner.auth).send({ year: '1400' }).expect(200)).body.year).to.equal(1400);
    });

    it('a length limit counts what was sent; trimming comes after', async function () {
      const { id } = await upload(portal, c.owner);
      await api().patch(`/api/v1/documents/${id}`).set(c.owner.auth).send({ title: ` ${'ع'.repeat(299)} ` }).expect(400);
      const fits = await api().patch(`/api/v1/documents/${id}`).set(c.owner.auth).send({ title: ` ${'ع'.repeat(298)} ` }).expect(200);
      expect(fits.body.title).to.equal('ع'.repeat(298));
      await api().patch('/api/v1/me').set(c.owner.auth).send({ fullName: `${'م'.repeat(60)}${' '.repeat(61)}` }).expect(400);
    });

    it('an empty value in a list is left out, a blank search filter value too', async function () {
      const { id } = await upload(portal, c.owner);
      const saved = await api().patch(`/api/v1/documents/${id}`).set(c.owner.auth).send({ hazards: ['flood', ''], keywords: '' }).expect(200);
      expect(saved.body.hazards).to.deep.equal(['flood']);
      expect(saved.body.keywords).to.deep.equal([]);
      const all = (await api().get('/api/v1/search').set(c.secretariat.auth).expect(200)).body.total as number;
      const blank = await api().get('/api/v1/search?city=&city=%20%20&year=&resolution=').set(c.secretariat.auth).expect(200);
      expect(blank.body.total).to.equal(all);
      await api().get(`/api/v1/search?city=${'x'.repeat(101)}`).set(c.secretariat.auth).expect(400);
      await api().get('/api/v1/search?year=%201391').set(c.secretariat.auth).expect(400);
    });

    it("a list's maxItems counts what was sent, empty values included: 101 blank cities are refused, changing nothing", async function () {
      const { id } = await upload(portal, c.owner, { ...DEFAULT_FIELDS, access: 'restricted', sharedWith: ['isfahan'] });
      const audits = countRows(portal, 'audit_log');
      const refused = await api().post(`/api/v1/documents/${id}/shares`).set(c.owner.auth).send({ cities: Array(101).fill('') }).expect(400);
      expect(refused.headers['content-type']).to.match(/application\/json/);
      expect(refused.body.error.code).to.equal('validation_failed');
      expect(refused.body.error.details.fields.map((f: { field: string }) => f.field)).to.deep.equal(['cities']);
      expect((await api().get(`/api/v1/documents/${id}`).set(c.owner.auth).expect(200)).body.sharedWith).to.deep.equal(['isfahan']);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      // 100 values sent, 99 of them empty: within the limit, and the empty ones are left out.
      const taken = await api().post(`/api/v1/documents/${id}/shares`).set(c.owner.auth).send({ cities: ['mashhad', ...Array(99).fill('')] }).expect(200);
      expect(taken.body.sharedWith).to.deep.equal(['mashhad']);
    });

    it('an integer in a path or query is a number up to 9007199254740991 (a missing one is 404); past it, 400, changing nothing', async function () {
      const { id } = await upload(portal, c.owner);
      const lesson = (await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS })).body as { id: string };
      const audits = countRows(portal, 'audit_log');
      const MAX = '9007199254740991';
      const cases: [string, string, string][] = [
        ['post', `/api/v1/lessons/${lesson.id}/actions/%s/done`, 'actionId'],
        ['get', `/api/v1/documents/${id}/preview?version=%s`, 'version'],
        ['get', `/api/v1/documents/${id}/preview/pages/1?version=%s`, 'version'],
        ['get', `/api/v1/documents/${id}/file?version=%s`, 'version'],
        ['delete', '/api/v1/subscriptions/%s', 'id'],
        ['patch', '/api/v1/subscriptions/%s', 'id'],
      ];
      for (const [method, url, field] of cases) {
        for (const past of ['9007199254740992', '99999999999999999999']) {
          const res = await api()[method as 'get'](url.replace('%s', past)).set(c.owner.auth).send({ evidence: 'انجام شد', email: true });
          expect(res.status, `${method} ${url} ${past}`).to.equal(400);
          expect(res.body.error.code).to.equal('validation_failed');
          expect(res.body.error.details.fields[0].field).to.equal(field);
        }
        const largest = await api()[method as 'get'](url.replace('%s', MAX)).set(c.owner.auth).send({ evidence: 'انجام شد', email: true });
        expect(largest.status, `${method} ${url} ${MAX}`).to.equal(404);
        expect(largest.body.error.code).to.equal('not_found');
      }
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      const spec = fileSpec as unknown as { components: { parameters: Record<string, { schema: { maximum?: number } }> } };
      for (const name of ['ActionId', 'SubscriptionId', 'PreviewVersion', 'UserId']) {
        if (spec.components.parameters[name]) expect(spec.components.parameters[name]!.schema.maximum, name).to.equal(Number.MAX_SAFE_INTEGER);
      }
    });

    it('a lesson takes known cities, hazards and resolutions; a text limit counts what was sent; a blank text is refused', async function () {
      const lessonCount = () => portal.services.db.prepare('SELECT count(*) FROM lessons').pluck().get() as number;
      const [lessons, audits] = [lessonCount(), countRows(portal, 'audit_log')];
      for (const body of [
        { ...LESSON_FIELDS, city: 'atlantis' },
        { ...LESSON_FIELDS, city: 'shiraz', sharedWith: ['atlantis'] },
        { ...LESSON_FIELDS, city: 'shiraz', hazards: ['tsunami'] },
        { ...LESSON_FIELDS, city: 'shiraz', resolutions: ['99/1'] },
        { ...LESSON_FIELDS, city: 'shiraz', title: ` ${'ع'.repeat(299)} ` },
        { ...LESSON_FIELDS, city: 'shiraz', analysis: '\u00a0\u3000' },
        { ...LESSON_FIELDS, city: 'shiraz', documents: ['   '] },
      ]) {
        const res = await api().post('/api/v1/lessons').set(c.secretariat.auth).send(body).expect(400);
        expect(res.body.error.code, JSON.stringify(body).slice(0, 80)).to.equal('validation_failed');
      }
      expect([lessonCount(), countRows(portal, 'audit_log')]).to.deep.equal([lessons, audits]);
      const fits = await api().post('/api/v1/lessons').set(c.secretariat.auth).send({ ...LESSON_FIELDS, city: 'shiraz', title: ` ${'ع'.repeat(298)} ` }).expect(201);
      expect(fits.body.title).to.equal('ع'.repeat(298));
      const known = fileSpec.components.schemas;
      const newLesson = known.NewLesson as { required: string[]; properties: Record<string, { $ref?: string; items?: { $ref?: string } }> };
      expect(newLesson.required).to.include('city');
      expect(newLesson.properties.city!.$ref).to.equal('#/components/schemas/KnownCityId');
      expect(newLesson.properties.sharedWith!.items!.$ref).to.equal('#/components/schemas/KnownCityId');
      expect(newLesson.properties.hazards!.items!.$ref).to.equal('#/components/schemas/HazardId');
      expect(newLesson.properties.resolutions!.items!.$ref).to.equal('#/components/schemas/KnownResolutionRef');
    });

    it('every search filter takes a blank value and leaves it out, `type` as the others; another type is refused', async function () {
      await upload(portal, c.owner);
      const all = (await api().get('/api/v1/search').set(c.secretariat.auth).expect(200)).body.total as number;
      expect(all).to.be.greaterThan(0);
      const blank = await api().get('/api/v1/search?type=&type=%20&kind=&hazard=&fileType=').set(c.secretariat.auth).expect(200);
      expect(blank.body.total).to.equal(all);
      const documents = await api().get('/api/v1/search?type=%20document%20').set(c.secretariat.auth).expect(200);
      expect(documents.body.hits.every((hit: { type: string }) => hit.type === 'document')).to.equal(true);
      const refused = await api().get('/api/v1/search?type=lessons').set(c.secretariat.auth).expect(400);
      expect(refused.body.error.details.fields[0].field).to.equal('type.0');
    });

    it('a lesson correction names what changes (`{}` or no body is 400), and a lesson with its history is described as answered', async function () {
      const lesson = (await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS }).expect(201)).body as { id: string; title: string };
      const audits = countRows(portal, 'audit_log');
      for (const send of [(r: supertest.Test) => r.send({}), (r: supertest.Test) => r]) {
        const refused = await send(api().patch(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth)).expect(400);
        expect(refused.body.error.code).to.equal('validation_failed');
      }
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      const answered = (await api().get(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).expect(200)).body as Record<string, unknown>;
      expect(answered.title).to.equal(lesson.title);
      const schemas = fileSpec.components.schemas as Record<string, { allOf?: { $ref?: string; properties?: Record<string, unknown> }[]; unevaluatedProperties?: boolean; properties?: Record<string, unknown> }>;
      const withHistory = schemas.LessonWithHistory!;
      const described = new Set([...Object.keys(schemas.LessonFields!.properties!), ...Object.keys(withHistory.allOf![1]!.properties!)]);
      expect(Object.keys(answered).filter((key) => !described.has(key))).to.deep.equal([]);
      expect(withHistory.unevaluatedProperties).to.equal(false);
      expect(schemas.Lesson!.unevaluatedProperties).to.equal(false);
    });

    it("SolarDay's pattern takes every day the calendar has and refuses every other, but Esfand 30th of a common year", function () {
      const pattern = new RegExp((fileSpec.components.schemas.SolarDay as { pattern: string }).pattern);
      const pad = (n: number, width: number) => String(n).padStart(width, '0');
      const disagree: string[] = [];
      for (const year of [0, 1, 9, 10, 99, 100, 999, 1000, 1299, 1403, 1404, 1405, 2999, 3000, 3099, 3100, 3169, 3170, 3177, 3178, 3199, 9999]) {
        for (let month = 0; month <= 13; month++) {
          for (let day = 0; day <= 32; day++) {
            const typed = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
            const leapDay = month === 12 && day === 30 && year >= FIRST_YEAR && year <= LAST_YEAR;
            if (pattern.test(typed) !== (isValidJalali({ year, month, day }) || leapDay)) disagree.push(typed);
          }
        }
      }
      expect(disagree).to.deep.equal([]);
      expect(isValidJalali({ year: 1403, month: 12, day: 30 })).to.equal(true);
      expect(isValidJalali({ year: 1404, month: 12, day: 30 })).to.equal(false);
    });

    it("the lessons list's filters leave an empty value out as the search's do, and count what was sent", async function () {
      await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS }).expect(201);
      const all = (await api().get('/api/v1/lessons').set(c.secretariat.auth).expect(200)).body.total as number;
      expect(all).to.be.greaterThan(0);
      const blank = await api().get('/api/v1/lessons?city=&hazard=&hazard=&status=&review=').set(c.secretariat.auth).expect(200);
      expect(blank.body.total).to.equal(all);
      const tooMany = await api().get(`/api/v1/lessons?${Array(51).fill('city=').join('&')}`).set(c.secretariat.auth).expect(400);
      expect(tooMany.body.error.details.fields[0].field).to.equal('city');
      await api().get('/api/v1/lessons?status=&status=forgotten').set(c.secretariat.auth).expect(400);
      // 50 city values of 64 characters each are valid, but four-byte characters percent-encoded make the request line
      // longer than Node.js reads (16 KiB): 431, as described.
      const long = Array(50).fill(`city=${'%F0%9F%8C%8A'.repeat(64)}`).join('&');
      await api().get(`/api/v1/lessons?${long}`).set(c.secretariat.auth).expect(431);
    });

    it('a package names documents that exist (404 like a missing id) and are published (409), creating nothing', async function () {
      const draft = await upload(portal, c.owner);
      const unknown = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بسته', documents: ['no-such-document'], audience: { all: true } }).expect(404);
      expect(unknown.body.error.details.fields).to.deep.equal([{ field: 'documents', message: 'no such document: no-such-document' }]);
      const unpublished = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بسته', documents: [draft.id], audience: { all: true } }).expect(409);
      expect(unpublished.body.error.code).to.equal('not_published');
      expect(portal.services.db.prepare('SELECT count(*) FROM packages').pluck().get()).to.equal(0);
    });

    it('an upload of a file of another type is refused 415, keeping nothing', async function () {
      const before = countRows(portal, 'documents');
      const gif = Buffer.from('R0lGODdhAQABAIEAAAAAAAAAAAAAAAAAACwAAAAAAQABAAAIBAABBAQAOw==', 'base64');
      const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: gif, name: 'file.gif' }).expect(415);
      expect(res.body.error.code).to.equal('unsupported_type');
      expect(countRows(portal, 'documents')).to.equal(before);
    });
  });
});
