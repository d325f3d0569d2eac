import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { actor, cast, DEFAULT_FIELDS, PASSWORD, SAMPLE_PDF, startPortal, upload, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom, signIn } from '../helpers/sign-in';

interface LogEntry {
  level: string;
  time: string;
  msg: string;
  reqId?: string;
  method?: string;
  route?: string;
  url?: string;
  status?: number;
  userId?: number | null;
  durationMs?: number;
  bytes?: number;
  upload?: { bytes: number };
  err?: { type: string; message: string; stack: string };
  [field: string]: unknown;
}

const NEW_PASSWORD = 'a-new-long-passphrase';
const TEMPORARY = 'temporary-pass-4821';
const USER_PASSWORD = 'shiraz-staff-passphrase';

describe('the log: one JSON object a line, a line per request with its id, and no credential ever', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;

  const entries = (from = 0): LogEntry[] => portal.logLines.slice(from).map((line) => JSON.parse(line) as LogEntry);
  const requestLines = (from = 0) => entries(from).filter((entry) => entry.reqId !== undefined && entry.status !== undefined);
  const lineOf = (reqId: string, from = 0) => {
    const found = requestLines(from).filter((entry) => entry.reqId === reqId);
    expect(found, `one line for request ${reqId}`).to.have.length(1);
    return found[0]!;
  };

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  it('writes every line as one JSON object with an ISO time and the level by name', async function () {
    await supertest(portal.app).get('/healthz').expect(200);
    expect(portal.logLines.length).to.be.greaterThan(0);
    for (const line of portal.logLines) {
      expect(line.endsWith('\n'), 'one object a line').to.equal(true);
      expect(line.trimEnd()).not.to.include('\n');
      const entry = JSON.parse(line) as LogEntry;
      expect(entry.level).to.be.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
      expect(new Date(entry.time).toISOString()).to.equal(entry.time);
    }
  });

  it('logs a request with its id, route pattern (not the id), user, status, duration and bytes; the id is sent back as X-Request-Id', async function () {
    const doc = await upload(portal, c.owner);
    const from = portal.logLines.length;
    const res = await supertest(portal.app).get(`/api/v1/documents/${doc.id}`).set(c.owner.auth).expect(200);
    const id = res.headers['x-request-id'] as string;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const entry = lineOf(id, from);
    expect(entry).to.include({ level: 'info', method: 'GET', route: '/api/v1/documents/:id', url: `/api/v1/documents/${doc.id}`, status: 200, userId: c.owner.user.id });
    expect(entry.durationMs).to.be.a('number').and.at.least(0);
    expect(entry.bytes, 'the head and the body on the wire').to.be.greaterThan(Buffer.byteLength(res.text));
    expect(entry.msg).to.equal('GET /api/v1/documents/:id 200');
  });

  it('sends X-Request-Id on every answer: a page, a 404, a refusal, a static file, an error of the API', async function () {
    const answers = await Promise.all([
      supertest(portal.app).get('/login').expect(200),
      supertest(portal.app).get('/no/such/page').expect(404),
      supertest(portal.app).get('/api/v1/documents').expect(401),
      supertest(portal.app).get('/static/portal.css').expect(200),
      supertest(portal.app).post('/api/v1/tokens').send('{"broken').type('json').expect(400),
    ]);
    const ids = answers.map((res) => res.headers['x-request-id'] as string);
    for (const id of ids) expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size, 'each request its own id').to.equal(ids.length);
    const routes = ids.map((id) => lineOf(id).route);
    expect(routes).to.deep.equal(['/login', 'unmatched', '/api/v1/documents', '/static/*', '/api/v1/tokens']);
    expect(lineOf(ids[2]!).userId, 'no user before authentication').to.equal(null);
  });

  it('keeps a sane incoming X-Request-Id (a proxy’s) and replaces anything else', async function () {
    const kept = await supertest(portal.app).get('/healthz').set('X-Request-Id', 'proxy-7f3a.42:edge').expect(200);
    expect(kept.headers['x-request-id']).to.equal('proxy-7f3a.42:edge');
    expect(lineOf('proxy-7f3a.42:edge').route).to.equal('/healthz');
    for (const bad of ['has space', 'x'.repeat(129), '"quoted"', '<script>', '-leading-dash']) {
      const res = await supertest(portal.app).get('/healthz').set('X-Request-Id', bad).expect(200);
      expect(res.headers['x-request-id'], bad).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it('names the uploaded bytes of an upload', async function () {
    const from = portal.logLines.length;
    const res = await uploadRequest(portal, c.owner).expect(201);
    const entry = lineOf(res.headers['x-request-id'] as string, from);
    expect(entry).to.include({ route: '/api/v1/documents', status: 201, userId: c.owner.user.id });
    expect(entry.upload).to.deep.equal({ bytes: SAMPLE_PDF.length });
  });

  it('never writes a password, a token, a cookie or a CSRF token: signing in, using a bearer token, posting forms', async function () {
    const from = portal.logLines.length;
    const secrets: string[] = [PASSWORD, NEW_PASSWORD, TEMPORARY, USER_PASSWORD];

    // The API: a token for a password, the token used, a user created with a password, passwords changed and set.
    const tokenAnswer = await supertest(portal.app).post('/api/v1/tokens').send({ username: 'tehran-staff', password: PASSWORD }).expect(201);
    const token = tokenAnswer.body.token as string;
    secrets.push(token, c.owner.token, c.secretariat.token);
    await supertest(portal.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    await supertest(portal.app).get('/api/v1/me').set('Authorization', 'Bearer not-a-real-token-but-secret-looking').expect(401);
    secrets.push('not-a-real-token-but-secret-looking');
    const created = await supertest(portal.app)
      .post('/api/v1/users')
      .set(c.secretariat.auth)
      .send({ username: 'shiraz-new', password: USER_PASSWORD, role: 'city', city: 'shiraz' })
      .expect(201);
    await supertest(portal.app).post(`/api/v1/users/${created.body.id}/password`).set(c.secretariat.auth).send({ password: TEMPORARY }).expect(204);
    await supertest(portal.app).post('/api/v1/tokens').send({ username: 'reader', password: 'a-wrong-password-guess' }).expect(401);
    secrets.push('a-wrong-password-guess');
    await supertest(portal.app).post('/api/v1/me/password').set('Authorization', `Bearer ${token}`).send({ current: PASSWORD, new: NEW_PASSWORD }).expect(204);

    // The pages: the sign-in form, a form post, a multipart upload with its CSRF token in the query string, sign-out.
    const reader = await actor(portal, 'reader-two', 'reader');
    const uploader = await actor(portal, 'mashhad-staff', 'city', 'mashhad');
    secrets.push(reader.token, uploader.token);
    const browser = await signIn(portal.app, 'reader-two');
    const owner = await signIn(portal.app, 'mashhad-staff');
    secrets.push(browser.csrf, owner.csrf);
    const sessionCookies = () => {
      const values = [browser, owner].flatMap((b) => b.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((cookie) => cookie.value));
      return [...values, ...values.map((value) => decodeURIComponent(value)), ...values.map((value) => /^s:([^.]+)/.exec(decodeURIComponent(value))?.[1] ?? value)];
    };
    const signedIn = sessionCookies();
    expect(signedIn.length, 'the session cookies to look for').to.be.greaterThan(1);
    secrets.push(...signedIn);
    await browser.agent.post('/me').type('form').send({ _csrf: browser.csrf, fullName: 'خواننده', jobTitle: '', phone: '', email: '' }).expect(303);
    await browser.agent.post('/me/password').type('form').send({ _csrf: browser.csrf, current: PASSWORD, new: NEW_PASSWORD, confirm: NEW_PASSWORD }).expect((res) => {
      expect(res.status).to.be.oneOf([200, 303]);
    });
    const uploaded = owner.agent.post(`/documents/new?_csrf=${encodeURIComponent(owner.csrf)}`).set('Accept', 'application/json');
    for (const [name, value] of Object.entries(DEFAULT_FIELDS)) for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) uploaded.field(name, v);
    const stored = await uploaded.attach('file', SAMPLE_PDF, { filename: 'گزارش.pdf' }).expect(201);
    const page = await owner.agent.get('/documents').expect(200);
    secrets.push(...sessionCookies());
    await owner.agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);

    secrets.push(...sessionCookies());
    const written = portal.logLines.slice(from).join('');
    expect(requestLines(from).length, 'the requests above are logged').to.be.greaterThan(15);
    for (const secret of secrets) expect(written, 'a credential reached the log').not.to.include(secret);
    expect(written).not.to.match(/tajrobe\.sid|authorization|bearer|cookie/i);
    const multipart = lineOf(stored.headers['x-request-id'] as string, from);
    expect(multipart.url).to.equal('/documents/new?_csrf=[redacted]');
    expect(multipart.route).to.equal('/documents/new');
  });

  it('logs an unexpected error once, with its stack, under the request’s id; the request line is an error too', async function () {
    const broken = { ...portal.services, search: { ...portal.services.search, search: async () => Promise.reject(new Error('the engine fell over')) } };
    const app = createApp(broken as unknown as typeof portal.services);
    const from = portal.logLines.length;
    const res = await supertest(app).get('/api/v1/search?q=x').set(c.reader.auth).expect(500);
    expect(res.body).to.deep.equal({ error: { code: 'internal', message: 'internal error' } });
    const id = res.headers['x-request-id'] as string;
    const lines = entries(from).filter((entry) => entry.reqId === id);
    const error = lines.find((entry) => entry.err);
    expect(error, 'the error with its stack').to.not.equal(undefined);
    expect(error!.level).to.equal('error');
    expect(error!.err!.message).to.equal('the engine fell over');
    expect(error!.err!.stack).to.include('Error: the engine fell over').and.include('logs.test.ts');
    const request = lineOf(id, from);
    expect(request).to.include({ level: 'error', status: 500, route: '/api/v1/search', userId: c.reader.user.id });
  });

  it('keeps the background’s messages as fields of JSON lines (a failed extraction names its job and document)', async function () {
    const lines: string[] = [];
    const { createLogger, logLines } = await import('../../server/observability/logger');
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    logLines(logger, 'warn')('job 3 (extract d-1) attempt 1 failed: timeout — will retry', { job: 3, document: 'd-1', err: new Error('timeout') });
    const entry = JSON.parse(lines[0]!) as LogEntry;
    expect(entry).to.include({ level: 'warn', job: 3, document: 'd-1', msg: 'job 3 (extract d-1) attempt 1 failed: timeout — will retry' });
    expect(entry.err!.stack).to.include('Error: timeout');
  });
});
