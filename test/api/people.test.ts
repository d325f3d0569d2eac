import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, PASSWORD, startPortal, upload, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

const NEW_PASSWORD = 'a-new-long-passphrase';
const TEMPORARY = 'temporary-pass-4821';

/** Every route of the API router (method and path), read from the app itself so that a route added later is covered too. */
function apiRoutes(app: TestPortal['app']): { method: string; path: string }[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; matchers?: ((path: string) => unknown)[] };
  const routes: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push({ method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  const top = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const api = top.find((layer) => layer.matchers?.some((match) => match('/api/v1/tokens')) && layer.handle?.stack?.some((l) => l.handle?.stack?.some((r) => r.route?.path === '/tokens')));
  if (!api?.handle?.stack) throw new Error('the API router was not found in the app');
  walk(api.handle.stack);
  return routes;
}

describe('people: profile, passwords, temporary passwords and the directory (API)', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  const hashOf = (id: number) => portal.services.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(id) as string;
  const tokensOf = (id: number) => portal.services.db.prepare('SELECT count(*) FROM api_tokens WHERE user_id = ?').pluck().get(id) as number;
  const tokenFor = async (username: string, password = PASSWORD) => (await api().post('/api/v1/tokens').send({ username, password }).expect(201)).body as { token: string; mustChangePassword: boolean };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  describe('the profile', () => {
    it('GET /me answers the caller with empty profile fields and no forced change', async () => {
      const me = await api().get('/api/v1/me').set(c.owner.auth).expect(200);
      expect(me.body).to.deep.equal({
        id: c.owner.user.id,
        username: 'tehran-staff',
        role: 'city',
        city: 'tehran',
        fullName: null,
        jobTitle: null,
        phone: null,
        email: null,
        mustChangePassword: false,
      });
      const token = await tokenFor('tehran-staff');
      expect(token.mustChangePassword).to.equal(false);
    });

    it('PATCH /me saves what is sent, phone digits as ASCII, clears with "" or null, and records which fields changed', async () => {
      const audits = countRows(portal, 'audit_log');
      const saved = await api()
        .patch('/api/v1/me')
        .set(c.owner.auth)
        .send({ fullName: '  مریم   احمدی ', jobTitle: 'کارشناس مدیریت بحران', phone: '۰۲۱-۸۸۷۷ ۶۶۵۵', email: 'm.ahmadi@example.ir' })
        .expect(200);
      expect(saved.body).to.include({ fullName: 'مریم احمدی', jobTitle: 'کارشناس مدیریت بحران', phone: '021-8877 6655', email: 'm.ahmadi@example.ir' });
      expect(countRows(portal, 'audit_log')).to.equal(audits + 1);
      const row = portal.services.db.prepare("SELECT user_id, target, details FROM audit_log WHERE action = 'user.profile_updated' ORDER BY id DESC").get() as { user_id: number; target: string; details: string };
      expect(row.user_id).to.equal(c.owner.user.id);
      expect(row.target).to.equal(`user:${c.owner.user.id}`);
      expect(JSON.parse(row.details)).to.deep.equal({ fields: ['fullName', 'jobTitle', 'phone', 'email'] });

      await api().patch('/api/v1/me').set(c.owner.auth).send({ fullName: 'مریم احمدی' }).expect(200);
      expect(countRows(portal, 'audit_log'), 'nothing changed, nothing recorded').to.equal(audits + 1);

      const cleared = await api().patch('/api/v1/me').set(c.owner.auth).send({ jobTitle: '', email: null }).expect(200);
      expect(cleared.body).to.include({ fullName: 'مریم احمدی', jobTitle: null, phone: '021-8877 6655', email: null });
      const again = await api().get('/api/v1/me').set(c.owner.auth).expect(200);
      expect(again.body).to.deep.equal(cleared.body);
      await api().patch('/api/v1/me').set(c.owner.auth).send({ jobTitle: 'مدیر مرکز پایش', email: 'm.ahmadi@example.ir' }).expect(200);
    });

    it('PATCH /me refuses bad input with 400 validation_failed and changes nothing', async () => {
      const before = (await api().get('/api/v1/me').set(c.owner.auth).expect(200)).body;
      const audits = countRows(portal, 'audit_log');
      const bad: object[] = [
        {},
        { phone: 'call me' },
        { phone: '12' },
        { phone: '+98 21 1234 5678 9012 3456 78' },
        { phone: '021+888' },
        { email: 'not-an-address' },
        { email: 'a@b' },
        { fullName: 'x'.repeat(121) },
        { fullName: 42 },
        { username: 'renamed' },
        { role: 'secretariat' },
        { city: 'shiraz' },
      ];
      for (const body of bad) {
        const res = await api().patch('/api/v1/me').set(c.owner.auth).send(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      expect((await api().get('/api/v1/me').set(c.owner.auth).expect(200)).body).to.deep.equal(before);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await api().get('/api/v1/me').expect(401);
      await api().patch('/api/v1/me').send({ fullName: 'x' }).expect(401);
    });
  });

  describe('changing one’s own password', () => {
    it('a wrong current password is 403 wrong_password and changes nothing', async () => {
      const who = await actor(portal, 'karaj-wrong', 'city', 'karaj');
      const hash = hashOf(who.user.id);
      const tokens = tokensOf(who.user.id);
      const audits = countRows(portal, 'audit_log');
      const res = await api().post('/api/v1/me/password').set(who.auth).send({ current: 'not-my-password', new: NEW_PASSWORD }).expect(403);
      expect(res.body.error.code).to.equal('wrong_password');
      expect(hashOf(who.user.id)).to.equal(hash);
      expect(tokensOf(who.user.id)).to.equal(tokens);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await tokenFor('karaj-wrong');
      await api().post('/api/v1/tokens').send({ username: 'karaj-wrong', password: NEW_PASSWORD }).expect(401);
    });

    it('refuses a short new password, the same password again and a malformed body, changing nothing', async () => {
      const who = await actor(portal, 'karaj-short', 'city', 'karaj');
      const hash = hashOf(who.user.id);
      for (const body of [{ current: PASSWORD, new: 'short' }, { current: PASSWORD, new: PASSWORD }, { current: PASSWORD }, { current: '', new: NEW_PASSWORD }, { current: PASSWORD, new: NEW_PASSWORD, extra: 1 }]) {
        const res = await api().post('/api/v1/me/password').set(who.auth).send(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      expect(hashOf(who.user.id)).to.equal(hash);
      await api().post('/api/v1/me/password').send({ current: PASSWORD, new: NEW_PASSWORD }).expect(401);
    });

    it('ends every other token and every page session; the calling token stays valid and only the new password signs in', async () => {
      const who = await actor(portal, 'mashhad-staff', 'city', 'mashhad');
      const second = await tokenFor('mashhad-staff');
      const page = await signIn(portal.app, 'mashhad-staff');
      await page.agent.get('/me').expect(200);
      await api().get('/api/v1/me').set(bearer(second.token)).expect(200);

      await api().post('/api/v1/me/password').set(who.auth).send({ current: PASSWORD, new: NEW_PASSWORD }).expect(204);

      const me = await api().get('/api/v1/me').set(who.auth).expect(200);
      expect(me.body.username).to.equal('mashhad-staff');
      await api().get('/api/v1/me').set(bearer(second.token)).expect(401);
      const ended = await page.agent.get('/me').expect(303);
      expect(ended.headers.location).to.equal('/login');
      expect(tokensOf(who.user.id)).to.equal(1);
      await api().post('/api/v1/tokens').send({ username: 'mashhad-staff', password: PASSWORD }).expect(401);
      const fresh = await tokenFor('mashhad-staff', NEW_PASSWORD);
      expect(fresh.mustChangePassword).to.equal(false);
      const row = portal.services.db.prepare("SELECT user_id, details FROM audit_log WHERE action = 'user.password_changed' ORDER BY id DESC").get() as { user_id: number; details: string };
      expect(row.user_id).to.equal(who.user.id);
      expect(JSON.parse(row.details)).to.deep.equal({ tokensEnded: 1 });
    });

    it('counts wrong current passwords as failed sign-ins: after five, even the right one waits', async () => {
      const who = await actor(portal, 'urmia-staff', 'city', 'urmia');
      for (let i = 0; i < 5; i += 1) await api().post('/api/v1/me/password').set(who.auth).send({ current: `wrong-${i}-password`, new: NEW_PASSWORD }).expect(403);
      const locked = await api().post('/api/v1/me/password').set(who.auth).send({ current: PASSWORD, new: NEW_PASSWORD }).expect(429);
      expect(locked.body.error.code).to.equal('too_many_requests');
      expect(Number(locked.headers['retry-after'])).to.be.greaterThan(0);
      await api().post('/api/v1/tokens').send({ username: 'urmia-staff', password: PASSWORD }).expect(429);
    });
  });

  describe('a temporary password set by the secretariat', () => {
    it('is refused to everyone but the secretariat, for one’s own account, for an unknown user and when too short, changing nothing', async () => {
      const target = await actor(portal, 'tabriz-target', 'city', 'tabriz');
      const hash = hashOf(target.user.id);
      const audits = countRows(portal, 'audit_log');
      const url = `/api/v1/users/${target.user.id}/password`;
      for (const who of [c.owner, c.otherCity, c.reader, target]) {
        const res = await api().post(url).set(who.auth).send({ password: TEMPORARY }).expect(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      await api().post(url).send({ password: TEMPORARY }).expect(401);
      expect((await api().post(url).set(c.secretariat.auth).send({ password: 'short' }).expect(400)).body.error.code).to.equal('validation_failed');
      expect((await api().post(url).set(c.secretariat.auth).send({}).expect(400)).body.error.code).to.equal('validation_failed');
      expect((await api().post('/api/v1/users/999999/password').set(c.secretariat.auth).send({ password: TEMPORARY }).expect(404)).body.error.code).to.equal('not_found');
      expect((await api().post('/api/v1/users/abc/password').set(c.secretariat.auth).send({ password: TEMPORARY }).expect(400)).body.error.code).to.equal('validation_failed');
      const self = await api().post(`/api/v1/users/${c.secretariat.user.id}/password`).set(c.secretariat.auth).send({ password: TEMPORARY }).expect(409);
      expect(self.body.error.code).to.equal('cannot_reset_self');
      expect(hashOf(target.user.id)).to.equal(hash);
      expect(portal.services.users.mustChangePassword(target.user.id)).to.equal(false);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await api().get('/api/v1/me').set(target.auth).expect(200);
    });

    it('ends the user’s sessions and tokens; until they choose a new password every API call but POST /me/password is 403 password_change_required', async () => {
      const target = await actor(portal, 'rasht-staff', 'city', 'rasht');
      const page = await signIn(portal.app, 'rasht-staff');
      const audits = countRows(portal, 'audit_log');
      await api().post(`/api/v1/users/${target.user.id}/password`).set(c.secretariat.auth).send({ password: TEMPORARY }).expect(204);
      expect(countRows(portal, 'audit_log')).to.equal(audits + 1);
      const reset = portal.services.db.prepare("SELECT user_id, target FROM audit_log WHERE action = 'user.password_reset' ORDER BY id DESC").get() as { user_id: number; target: string };
      expect(reset).to.deep.equal({ user_id: c.secretariat.user.id, target: `user:${target.user.id}` });

      await api().get('/api/v1/me').set(target.auth).expect(401);
      expect((await page.agent.get('/documents').expect(303)).headers.location).to.equal('/login');
      await api().post('/api/v1/tokens').send({ username: 'rasht-staff', password: PASSWORD }).expect(401);

      const temporary = await tokenFor('rasht-staff', TEMPORARY);
      expect(temporary.mustChangePassword).to.equal(true);
      const routes = apiRoutes(portal.app).filter((r) => r.path !== '/tokens');
      expect(routes.length, 'the API has its routes').to.be.greaterThan(30);
      const answered: string[] = [];
      for (const { method, path } of routes) {
        if (method === 'post' && path === '/me/password') continue;
        const url = `/api/v1${path.replace(/:[a-zA-Z]+/g, (param) => (param === ':id' ? String(target.user.id) : '1'))}`;
        const res = await (api() as unknown as Record<string, (url: string) => supertest.Test>)[method]!(url).set(bearer(temporary.token)).send({});
        if (res.status !== 403 || res.body?.error?.code !== 'password_change_required') answered.push(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      expect(answered, 'routes that answered something else').to.deep.equal([]);
      expect(countRows(portal, 'audit_log'), 'nothing was done meanwhile').to.equal(audits + 1);

      const wrong = await api().post('/api/v1/me/password').set(bearer(temporary.token)).send({ current: PASSWORD, new: NEW_PASSWORD }).expect(403);
      expect(wrong.body.error.code).to.equal('wrong_password');
      await api().post('/api/v1/me/password').set(bearer(temporary.token)).send({ current: TEMPORARY, new: NEW_PASSWORD }).expect(204);
      const me = await api().get('/api/v1/me').set(bearer(temporary.token)).expect(200);
      expect(me.body.mustChangePassword).to.equal(false);
      expect((await tokenFor('rasht-staff', NEW_PASSWORD)).mustChangePassword).to.equal(false);
      await api().post('/api/v1/tokens').send({ username: 'rasht-staff', password: TEMPORARY }).expect(401);
      const changed = portal.services.db.prepare("SELECT details FROM audit_log WHERE action = 'user.password_changed' AND user_id = ? ORDER BY id DESC").pluck().get(target.user.id) as string;
      expect(JSON.parse(changed)).to.include({ replacedTemporary: true });
    });

    it('a new user may be asked to choose their own password at the first sign-in', async () => {
      const created = await api().post('/api/v1/users').set(c.secretariat.auth).send({ username: 'kerman-new', password: TEMPORARY, role: 'city', city: 'kerman', fullName: 'علی رضایی', mustChangePassword: true }).expect(201);
      expect(created.body).to.deep.equal({ id: created.body.id, username: 'kerman-new', role: 'city', city: 'kerman' });
      const token = await tokenFor('kerman-new', TEMPORARY);
      expect(token.mustChangePassword).to.equal(true);
      expect((await api().get('/api/v1/documents').set(bearer(token.token)).expect(403)).body.error.code).to.equal('password_change_required');
      const listed = (await api().get('/api/v1/users').set(c.secretariat.auth).expect(200)).body.find((u: { username: string }) => u.username === 'kerman-new');
      expect(listed).to.include({ fullName: 'علی رضایی', mustChangePassword: true, disabled: false, city: 'kerman' });
    });
  });

  describe('readers who belong to a city, and the directory', () => {
    it('a reader may belong to a city; the secretariat may not; a city user still needs one', async () => {
      const reader = await api().post('/api/v1/users').set(c.secretariat.auth).send({ username: 'shiraz-reader', password: PASSWORD, role: 'reader', city: 'shiraz' }).expect(201);
      expect(reader.body).to.include({ role: 'reader', city: 'shiraz' });
      const noCity = await api().post('/api/v1/users').set(c.secretariat.auth).send({ username: 'plain-reader', password: PASSWORD, role: 'reader' }).expect(201);
      expect(noCity.body.city).to.equal(null);
      const users = countRows(portal, 'audit_log');
      for (const body of [
        { username: 'sec-with-city', password: PASSWORD, role: 'secretariat', city: 'shiraz' },
        { username: 'city-no-city', password: PASSWORD, role: 'city' },
        { username: 'reader-nowhere', password: PASSWORD, role: 'reader', city: 'atlantis' },
        { username: 'reader-bad-phone', password: PASSWORD, role: 'reader', phone: 'none' },
      ]) {
        expect((await api().post('/api/v1/users').set(c.secretariat.auth).send(body).expect(400)).body.error.code, JSON.stringify(body)).to.equal('validation_failed');
      }
      expect(countRows(portal, 'audit_log')).to.equal(users);
      expect(portal.services.users.list().map((u) => u.username)).to.not.include.members(['sec-with-city', 'city-no-city', 'reader-nowhere', 'reader-bad-phone']);
    });

    it('a reader of a city receives the packages addressed to it, but reads documents as every reader does', async () => {
      const reader = await actor(portal, 'isfahan-reader', 'reader', 'isfahan');
      const restricted = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: 'مطالعهٔ محرمانهٔ پل‌ها', access: 'restricted', sharedWith: ['isfahan'] });
      await bring(portal, c, restricted.id, 'published');
      const open = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: 'راهنمای همگانی زلزله' });
      await bring(portal, c, open.id, 'published');
      await api().get(`/api/v1/documents/${restricted.id}`).set(c.sharedCity.auth).expect(200);
      await api().get(`/api/v1/documents/${restricted.id}`).set(reader.auth).expect(404);

      const pkg = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بستهٔ اصفهان', documents: [open.id, restricted.id], audience: { cities: ['isfahan'] } }).expect(201);
      const published = await api().post(`/api/v1/packages/${pkg.body.id}/publish`).set(c.secretariat.auth).expect(200);
      expect(published.body.notified, 'the Isfahan staff member and the Isfahan reader').to.equal(2);
      const seen = await api().get(`/api/v1/packages/${pkg.body.id}`).set(reader.auth).expect(200);
      expect(seen.body.items.map((i: { document: string }) => i.document), 'the restricted study stays out of a reader’s package').to.deep.equal([open.id]);
      await api().get(`/api/v1/packages/${pkg.body.id}`).set(c.reader.auth).expect(404);
      const told = portal.services.notifications.list(reader.user.id).notifications;
      expect(told.map((n) => n.link)).to.include(`/packages/${pkg.body.id}`);

      // A city's own review notices are for its staff, not for its readers.
      const draft = await upload(portal, c.sharedCity, { ...DEFAULT_FIELDS, title: 'پیش‌نویس اصفهان' });
      await bring(portal, c, draft.id, 'returned');
      expect(portal.services.notifications.list(reader.user.id).notifications.map((n) => n.link)).to.not.include(`/documents/${draft.id}`);
      expect(portal.services.notifications.list(c.sharedCity.user.id).notifications.map((n) => n.link)).to.include(`/documents/${draft.id}`);
    });

    it('GET /cities/:id/people lists the city’s active people with their contact details, to every signed-in user', async () => {
      const staff = await actor(portal, 'yazd-staff', 'city', 'yazd');
      const reader = await actor(portal, 'yazd-reader', 'reader', 'yazd');
      const gone = await actor(portal, 'yazd-gone', 'city', 'yazd');
      await api().patch('/api/v1/me').set(staff.auth).send({ fullName: 'زهرا کریمی', jobTitle: 'رئیس ادارهٔ پیشگیری', phone: '035-3626 0000', email: 'z.karimi@yazd.example.ir' }).expect(200);
      await api().post(`/api/v1/users/${gone.user.id}/disable`).set(c.secretariat.auth).expect(204);
      for (const who of [c.secretariat, c.owner, c.reader, reader]) {
        const res = await api().get('/api/v1/cities/yazd/people').set(who.auth).expect(200);
        expect(res.body).to.deep.equal([
          { id: reader.user.id, username: 'yazd-reader', role: 'reader', fullName: null, jobTitle: null, phone: null, email: null },
          { id: staff.user.id, username: 'yazd-staff', role: 'city', fullName: 'زهرا کریمی', jobTitle: 'رئیس ادارهٔ پیشگیری', phone: '035-3626 0000', email: 'z.karimi@yazd.example.ir' },
        ]);
      }
      await api().get('/api/v1/cities/yazd/people').expect(401);
      expect((await api().get('/api/v1/cities/atlantis/people').set(c.owner.auth).expect(404)).body.error.code).to.equal('not_found');
    });
  });
});
