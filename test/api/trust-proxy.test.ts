import { expect } from 'chai';
import supertest from 'supertest';
import { ConfigError, loadConfig } from '../../server/config';
import { startPortal, type TestPortal } from '../helpers/portal';

/** With LOGIN_MAX_FAILURES=1 an address is locked after 4 failures (four times the per-username limit). */
const ADDRESS_LIMIT = 4;

function failedToken(portal: TestPortal, username: string, forwardedFor: string) {
  return supertest(portal.app).post('/api/v1/tokens').set('X-Forwarded-For', forwardedFor).send({ username, password: 'not-the-password' });
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

describe('TRUST_PROXY', function () {
  describe('configuration', function () {
    it('defaults to loopback, as before the setting existed', function () {
      expect(loadConfig({}).trustProxy).to.deep.equal(['loopback']);
      expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).to.deep.equal(['loopback']);
    });

    it('accepts false, a hop count, and a list of addresses, ranges and names', function () {
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).to.equal(false);
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
      expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
      expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.deep.equal(['loopback', '10.0.0.0/8']);
      expect(loadConfig({ TRUST_PROXY: '172.18.0.5,fd00::/8,192.168.0.0/255.255.0.0,uniquelocal,linklocal' }).trustProxy).to.deep.equal([
        '172.18.0.5',
        'fd00::/8',
        '192.168.0.0/255.255.0.0',
        'uniquelocal',
        'linklocal',
      ]);
    });

    it('refuses anything else with an error naming the variable', function () {
      for (const value of ['true', 'yes', '0', '-1', '1.5', 'loopback,', '10.0.0.0/33', '10.0.0.300', 'fd00::/129', 'proxy.example', '10.0.0.0/8/8', 'loopback 10.0.0.1']) {
        const error = configError({ TRUST_PROXY: value });
        expect(error.problems, value).to.have.length(1);
        expect(error.problems[0], value).to.match(/^TRUST_PROXY: /);
        expect(error.message, value).to.include('TRUST_PROXY');
      }
    });
  });

  describe('with TRUST_PROXY=false', function () {
    let portal: TestPortal;
    before(async function () {
      portal = await startPortal({ TRUST_PROXY: 'false', LOGIN_MAX_FAILURES: '1' });
    });
    after(async function () {
      await portal.close();
    });

    it('ignores a forged X-Forwarded-For: every attempt counts against the one real address', async function () {
      for (let i = 0; i < ADDRESS_LIMIT; i += 1) await failedToken(portal, `nobody-${i}`, `203.0.113.${i + 1}`).expect(401);
      const locked = await failedToken(portal, 'nobody-new', '198.51.100.77').expect(429);
      expect(locked.body.error.code).to.equal('too_many_requests');
    });

    it('does not take X-Forwarded-Proto for HTTPS, so a secure cookie is not set', async function () {
      const secure = await startPortal({ TRUST_PROXY: 'false', COOKIE_SECURE: 'true' });
      try {
        const res = await supertest(secure.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
        expect(String(res.headers['set-cookie'] ?? '')).not.to.include('tajrobe.sid=');
      } finally {
        await secure.close();
      }
    });
  });

  describe('with TRUST_PROXY=1', function () {
    let portal: TestPortal;
    before(async function () {
      portal = await startPortal({ TRUST_PROXY: '1', LOGIN_MAX_FAILURES: '1' });
    });
    after(async function () {
      await portal.close();
    });

    it('counts failures per forwarded client address', async function () {
      for (let i = 0; i < ADDRESS_LIMIT; i += 1) await failedToken(portal, `someone-${i}`, '203.0.113.10').expect(401);
      await failedToken(portal, 'someone-new', '203.0.113.10').expect(429);
      await failedToken(portal, 'someone-new', '203.0.113.11').expect(401);
      // The client cannot push an address of its choosing in front of the proxy's: only the last hop counts.
      await failedToken(portal, 'someone-else', '198.51.100.1, 203.0.113.10').expect(429);
    });

    it('takes X-Forwarded-Proto from the proxy, so a secure cookie is set over HTTPS', async function () {
      const secure = await startPortal({ TRUST_PROXY: '1', COOKIE_SECURE: 'true' });
      try {
        const res = await supertest(secure.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
        expect(String(res.headers['set-cookie'] ?? '')).to.include('tajrobe.sid=').and.include('Secure');
      } finally {
        await secure.close();
      }
    });
  });
});
