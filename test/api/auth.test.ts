import { expect } from 'chai';
import supertest from 'supertest';
import { actor, PASSWORD, startPortal, type TestPortal } from '../helpers/portal';
import { loadConfig, ConfigError } from '../../server/config';
import { LoginThrottle } from '../../server/auth/login-throttle';

describe('API authentication', () => {
  let portal: TestPortal;

  before(async () => {
    portal = await startPortal({ TOKEN_TTL_HOURS: '1' });
  });
  after(() => portal.close());

  it('issues an expiring token for good credentials and stores only its hash', async () => {
    const before = Date.now();
    const { token } = await actor(portal, 'tabriz-staff', 'city', 'tabriz');
    const res = await supertest(portal.app).post('/api/v1/tokens').send({ username: 'tabriz-staff', password: PASSWORD }).expect(201);
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt - before).to.be.within(3590_000, 3610_000);
    const stored = portal.services.db.prepare('SELECT token_hash FROM api_tokens').pluck().all() as string[];
    expect(stored).to.not.include(token);
    expect(stored.every((h) => /^[0-9a-f]{64}$/.test(h))).to.equal(true);
    const me = await supertest(portal.app).get('/api/v1/cities').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body).to.have.length(16);
    expect(me.body[0]).to.deep.include({ id: 'tehran', name: 'تهران' });
  });

  it('refuses wrong credentials, unknown users and malformed bodies with JSON errors', async () => {
    await actor(portal, 'kerman-staff', 'city', 'kerman');
    const wrong = await supertest(portal.app).post('/api/v1/tokens').send({ username: 'kerman-staff', password: 'not-the-password' }).expect(401);
    expect(wrong.body.error.code).to.equal('invalid_credentials');
    await supertest(portal.app).post('/api/v1/tokens').send({ username: 'nobody-here', password: 'whatever-it-is' }).expect(401);
    const missing = await supertest(portal.app).post('/api/v1/tokens').send({ username: 'kerman-staff' }).expect(400);
    expect(missing.body.error.code).to.equal('validation_failed');
  });

  it('answers 401 to a missing, malformed, unknown or expired token, and never takes a session cookie for the API', async () => {
    const { user } = await actor(portal, 'rasht-staff', 'city', 'rasht');
    const res = await supertest(portal.app).get('/api/v1/vocabulary');
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.match(/^Bearer/);
    await supertest(portal.app).get('/api/v1/vocabulary').set('Authorization', 'Basic cmFzaHQ6eA==').expect(401);
    await supertest(portal.app).get('/api/v1/vocabulary').set('Authorization', 'Bearer not-a-real-token').expect(401);
    const issued = portal.services.tokens.issue(user);
    portal.services.db.prepare(`UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z'`).run();
    await supertest(portal.app).get('/api/v1/vocabulary').set('Authorization', `Bearer ${issued.token}`).expect(401);
    await supertest(portal.app).get('/api/v1/vocabulary').set('Cookie', 'tajrobe.sid=s%3Aanything').expect(401);
  });

  it('throttles failed attempts with 429 and Retry-After, even for the right password afterwards', async () => {
    await actor(portal, 'arak-staff', 'city', 'arak');
    for (let i = 0; i < 5; i += 1) {
      await supertest(portal.app).post('/api/v1/tokens').send({ username: 'arak-staff', password: `wrong-${i}-password` }).expect(401);
    }
    const locked = await supertest(portal.app).post('/api/v1/tokens').send({ username: 'arak-staff', password: PASSWORD }).expect(429);
    expect(locked.body.error.code).to.equal('too_many_requests');
    expect(Number(locked.headers['retry-after'])).to.be.greaterThan(0);
    await supertest(portal.app).post('/api/v1/tokens').send({ username: 'ARAK-STAFF', password: PASSWORD }).expect(429);
  });

  it('hashes passwords with scrypt, never in the clear', () => {
    const hashes = portal.services.db.prepare('SELECT password_hash FROM users').pluck().all() as string[];
    expect(hashes.length).to.be.greaterThan(0);
    for (const hash of hashes) {
      expect(hash).to.match(/^scrypt\$32768\$8\$3\$/);
      expect(hash).to.not.contain(PASSWORD);
    }
  });

  it('serves the vocabulary with Persian and English labels and the seeded 9th meeting', async () => {
    const { auth } = await actor(portal, 'qom-staff', 'city', 'qom');
    const vocabulary = await supertest(portal.app).get('/api/v1/vocabulary').set(auth).expect(200);
    expect(vocabulary.body.kinds.map((k: { id: string }) => k.id)).to.deep.equal([
      'threat-study',
      'health-safety-plan',
      'partnership-report',
      'training-material',
      'public-education',
      'meeting-minutes',
      'other',
    ]);
    expect(vocabulary.body.hazards.find((h: { id: string }) => h.id === 'earthquake')).to.deep.equal({ id: 'earthquake', fa: 'زلزله', en: 'Earthquake' });
    const resolutions = await supertest(portal.app).get('/api/v1/resolutions').set(auth).expect(200);
    expect(resolutions.body).to.have.length(1);
    expect(resolutions.body[0]).to.include({ number: 9, city: 'hamadan', date: '1391-07' });
    expect(resolutions.body[0].resolutions).to.have.length(9);
    expect(resolutions.body[0].resolutions[1]).to.include({ number: 2, responsible: 'کلیه کلان شهرها', status: 'open' });
  });

  it('answers /healthz without authentication', async () => {
    const res = await supertest(portal.app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', storage: 'fs', search: 'sqlite' });
  });
});

describe('LoginThrottle', () => {
  it('opens again once the window has passed', () => {
    let now = 0;
    const throttle = new LoginThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i += 1) throttle.recordFailure('user', '10.0.0.1');
    expect(() => throttle.check('user', '10.0.0.2')).to.throw('too many');
    now = 60_001;
    expect(() => throttle.check('user', '10.0.0.2')).to.not.throw();
  });

  it('locks an address that tries many usernames', () => {
    const throttle = new LoginThrottle(3, 60_000);
    for (let i = 0; i < 12; i += 1) throttle.recordFailure(`user-${i}`, '10.0.0.9');
    expect(() => throttle.check('someone-new', '10.0.0.9')).to.throw('too many');
    expect(() => throttle.check('someone-new', '10.0.0.10')).to.not.throw();
  });
});

describe('configuration', () => {
  it('reports every bad variable at once, by name', () => {
    try {
      loadConfig({ PORT: 'eighty', STORAGE: 'minio', SEARCH: 'elastic', ADMIN_USERNAME: 'only-name' });
      expect.fail('loadConfig accepted a bad environment');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'SEARCH', 'ADMIN_USERNAME and ADMIN_PASSWORD']) expect(message).to.contain(name);
    }
  });

  it('defaults to the embedded engines', () => {
    const config = loadConfig({});
    expect(config.storage.STORAGE).to.equal('fs');
    expect(config.search.SEARCH).to.equal('sqlite');
    expect(config.port).to.equal(3000);
    expect(config.host).to.equal('127.0.0.1');
  });
});
