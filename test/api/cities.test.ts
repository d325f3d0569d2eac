import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, startPortal, upload, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

const SEEDED = ['tehran', 'mashhad', 'isfahan', 'karaj', 'tabriz', 'shiraz', 'ahvaz', 'qom', 'kermanshah', 'urmia', 'rasht', 'zahedan', 'kerman', 'hamadan', 'yazd', 'arak'];

describe('cities: the secretariat adds cities and marks new metropolises (API)', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  const cityRows = () => portal.services.db.prepare('SELECT id, name_fa, name_en, is_new_metropolis FROM cities ORDER BY rowid').all();

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  it('GET /cities gives every city with id, name, nameEn and newMetropolis, to every signed-in user', async () => {
    for (const who of [c.secretariat, c.owner, c.reader]) {
      const res = await api().get('/api/v1/cities').set(who.auth).expect(200);
      expect(res.body.map((city: { id: string }) => city.id)).to.deep.equal(SEEDED);
      expect(res.body[0]).to.deep.equal({ id: 'tehran', name: 'تهران', nameEn: 'Tehran', newMetropolis: false });
    }
    await api().get('/api/v1/cities').expect(401);
  });

  it('POST /cities adds a city (201, Location), listed last, audited as city.created', async () => {
    const audits = countRows(portal, 'audit_log');
    const res = await api().post('/api/v1/cities').set(c.secretariat.auth).send({ id: 'bandar-abbas', name: ' بندرعباس ', nameEn: 'Bandar  Abbas' }).expect(201);
    expect(res.headers.location).to.equal('/api/v1/cities/bandar-abbas');
    expect(res.body).to.deep.equal({ id: 'bandar-abbas', name: 'بندرعباس', nameEn: 'Bandar Abbas', newMetropolis: false });
    const list = await api().get('/api/v1/cities').set(c.reader.auth).expect(200);
    expect(list.body.at(-1)).to.deep.equal(res.body);
    expect((await api().get('/api/v1/cities/bandar-abbas').set(c.owner.auth).expect(200)).body).to.deep.equal(res.body);
    expect(countRows(portal, 'audit_log')).to.equal(audits + 1);
    const row = portal.services.db.prepare("SELECT user_id, target, details FROM audit_log WHERE action = 'city.created' ORDER BY id DESC").get() as { user_id: number; target: string; details: string };
    expect(row.user_id).to.equal(c.secretariat.user.id);
    expect(row.target).to.equal('city:bandar-abbas');
    expect(JSON.parse(row.details)).to.deep.equal({ name: 'بندرعباس', nameEn: 'Bandar Abbas', newMetropolis: false });
  });

  it('refuses cities and readers (403) and the anonymous (401), creating nothing', async () => {
    const before = cityRows();
    const audits = countRows(portal, 'audit_log');
    for (const who of [c.owner, c.otherCity, c.sharedCity, c.reader]) {
      expect((await api().post('/api/v1/cities').set(who.auth).send({ id: 'sari', name: 'ساری', nameEn: 'Sari' }).expect(403)).body.error.code).to.equal('forbidden');
      expect((await api().patch('/api/v1/cities/tehran').set(who.auth).send({ newMetropolis: true }).expect(403)).body.error.code).to.equal('forbidden');
      await api().post('/api/v1/cities').set(who.auth).send({ id: 'Bad Id' }).expect(403);
    }
    await api().post('/api/v1/cities').send({ id: 'sari', name: 'ساری', nameEn: 'Sari' }).expect(401);
    await api().patch('/api/v1/cities/tehran').send({ newMetropolis: true }).expect(401);
    expect(cityRows()).to.deep.equal(before);
    expect(countRows(portal, 'audit_log')).to.equal(audits);
  });

  it('answers 409 city_exists for an id that exists, and leaves that city as it was', async () => {
    const before = cityRows();
    const audits = countRows(portal, 'audit_log');
    for (const id of ['tehran', 'bandar-abbas']) {
      const res = await api().post('/api/v1/cities').set(c.secretariat.auth).send({ id, name: 'دیگر', nameEn: 'Other', newMetropolis: true }).expect(409);
      expect(res.body.error.code).to.equal('city_exists');
    }
    expect(cityRows()).to.deep.equal(before);
    expect(countRows(portal, 'audit_log')).to.equal(audits);
  });

  it('refuses a bad id or body with 400 validation_failed, creating nothing', async () => {
    const before = cityRows();
    const audits = countRows(portal, 'audit_log');
    const good = { name: 'ساری', nameEn: 'Sari' };
    const bad: object[] = [
      { ...good, id: 'Tehran' },
      { ...good, id: 'teh ran' },
      { ...good, id: 'تهران' },
      { ...good, id: 'sari2' },
      { ...good, id: 'sari_' },
      { ...good, id: '-sari' },
      { ...good, id: 'sari-' },
      { ...good, id: 'sa--ri' },
      { ...good, id: 's' },
      { ...good, id: 'a'.repeat(41) },
      { ...good, id: 'manage' },
      { ...good, id: '' },
      good,
      { id: 'sari', nameEn: 'Sari' },
      { id: 'sari', name: '   ', nameEn: 'Sari' },
      { id: 'sari', name: 'ساری', nameEn: 'x'.repeat(101) },
      { ...good, id: 'sari', newMetropolis: 'yes' },
      { ...good, id: 'sari', population: 300000 },
    ];
    for (const body of bad) {
      const res = await api().post('/api/v1/cities').set(c.secretariat.auth).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
    }
    expect(cityRows()).to.deep.equal(before);
    expect(countRows(portal, 'audit_log')).to.equal(audits);
  });

  it('PATCH /cities/:id renames a city; an unknown city is 404; a bad body 400; the same values change nothing', async () => {
    const audits = countRows(portal, 'audit_log');
    const renamed = await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send({ nameEn: 'Bandar-e Abbas' }).expect(200);
    expect(renamed.body).to.deep.equal({ id: 'bandar-abbas', name: 'بندرعباس', nameEn: 'Bandar-e Abbas', newMetropolis: false });
    const row = portal.services.db.prepare("SELECT target, details FROM audit_log WHERE action = 'city.updated' ORDER BY id DESC").get() as { target: string; details: string };
    expect(row.target).to.equal('city:bandar-abbas');
    expect(JSON.parse(row.details)).to.deep.equal({ changes: { nameEn: ['Bandar Abbas', 'Bandar-e Abbas'] } });
    await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send({ nameEn: 'Bandar-e Abbas', name: 'بندرعباس' }).expect(200);
    expect(countRows(portal, 'audit_log')).to.equal(audits + 1);

    const before = cityRows();
    expect((await api().patch('/api/v1/cities/atlantis').set(c.secretariat.auth).send({ name: 'آتلانتیس' }).expect(404)).body.error.code).to.equal('not_found');
    for (const body of [{}, { id: 'other' }, { name: '' }, { newMetropolis: 1 }, { nameEn: null }]) {
      const res = await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
    }
    expect(cityRows()).to.deep.equal(before);
    expect(countRows(portal, 'audit_log')).to.equal(audits + 1);
  });

  describe('new metropolises and their packages', () => {
    let packageId: string;
    let hormozgan: Awaited<ReturnType<typeof actor>>;
    let hormozganReader: Awaited<ReturnType<typeof actor>>;
    const told = (userId: number) => portal.services.db.prepare("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'package.received' AND link = ?").pluck().get(userId, `/packages/${packageId}`) as number;

    before(async () => {
      hormozgan = await actor(portal, 'bandar-abbas-staff', 'city', 'bandar-abbas');
      hormozganReader = await actor(portal, 'bandar-abbas-reader', 'reader', 'bandar-abbas');
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: 'تجربهٔ ستاد بحران تهران برای کلان‌شهرهای تازه' });
      await bring(portal, c, doc.id, 'published');
      const pkg = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بستهٔ راه‌اندازی ستاد بحران', documents: [doc.id], audience: { newMetropolises: true } }).expect(201);
      packageId = pkg.body.id;
    });

    it('published while no city is a new metropolis, a package reaches nobody, and its page says so instead of claiming a notification', async () => {
      expect(portal.services.cities.list().filter((city) => city.newMetropolis)).to.deep.equal([]);
      const page = await signIn(portal.app, 'sec');
      const draft = await page.agent.get(`/packages/${packageId}`).expect(200);
      expect(draft.text).to.include('کلان‌شهرهای تازه (اکنون هیچ شهری این نشان را ندارد)').and.include('اگر این بسته را اکنون منتشر کنید به کسی نمی‌رسد');
      const publish = await page.agent.post(`/packages/${packageId}/publish`).type('form').send({ _csrf: page.csrf }).expect(303);
      const after = await page.agent.get(publish.headers.location as string).expect(200);
      expect(after.text).to.include('بسته منتشر شد، اما اکنون هیچ شهری کلان‌شهر تازه نیست و به کسی خبر داده نشد.');
      expect(after.text).to.not.include('به مخاطبانش خبر داده شد');
      expect(after.text).to.include('این بسته به کسی نمی‌رسد و به کسی خبر داده نشده است');
      expect(portal.services.db.prepare('SELECT count(*) FROM notifications WHERE link = ?').pluck().get(`/packages/${packageId}`)).to.equal(0);
      for (const who of [hormozgan, hormozganReader, c.owner, c.reader]) await api().get(`/api/v1/packages/${packageId}`).set(who.auth).expect(404);
    });

    it('marking a city a new metropolis delivers the package to its users and notifies them, once per marking', async () => {
      const marked = await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send({ newMetropolis: true }).expect(200);
      expect(marked.body.newMetropolis).to.equal(true);
      for (const who of [hormozgan, hormozganReader]) {
        await api().get(`/api/v1/packages/${packageId}`).set(who.auth).expect(200);
        expect((await api().get('/api/v1/packages').set(who.auth).expect(200)).body.map((p: { id: string }) => p.id)).to.include(packageId);
        expect(told(who.user.id)).to.equal(1);
      }
      for (const who of [c.owner, c.otherCity, c.reader]) await api().get(`/api/v1/packages/${packageId}`).set(who.auth).expect(404);
      const row = portal.services.db.prepare("SELECT details FROM audit_log WHERE action = 'city.updated' ORDER BY id DESC").pluck().get() as string;
      expect(JSON.parse(row)).to.deep.equal({ changes: { newMetropolis: [false, true] }, notified: 2 });

      await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send({ newMetropolis: true }).expect(200);
      expect(told(hormozgan.user.id), 'marking a city already marked tells no one again').to.equal(1);

      const page = await signIn(portal.app, 'bandar-abbas-staff', 'en');
      const seen = await page.agent.get(`/packages/${packageId}`).expect(200);
      expect(seen.text).to.include('New metropolises: Bandar-e Abbas');
      const fa = await signIn(portal.app, 'sec');
      expect((await fa.agent.get('/packages').expect(200)).text).to.include('کلان‌شهرهای تازه: بندرعباس');
      expect((await fa.agent.get(`/packages/${packageId}`).expect(200)).text).to.not.include('این بسته به کسی نمی‌رسد');
    });

    it('unmarking takes the package away at the next read; a city added as a new metropolis receives it at once', async () => {
      await api().patch('/api/v1/cities/bandar-abbas').set(c.secretariat.auth).send({ newMetropolis: false }).expect(200);
      for (const who of [hormozgan, hormozganReader]) await api().get(`/api/v1/packages/${packageId}`).set(who.auth).expect(404);

      const created = await api().post('/api/v1/cities').set(c.secretariat.auth).send({ id: 'sari', name: 'ساری', nameEn: 'Sari', newMetropolis: true }).expect(201);
      expect(created.body.newMetropolis).to.equal(true);
      const sari = await actor(portal, 'sari-staff', 'city', 'sari');
      await api().get(`/api/v1/packages/${packageId}`).set(sari.auth).expect(200);
      const published = await api().post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بستهٔ دوم', documents: (await api().get(`/api/v1/packages/${packageId}`).set(sari.auth)).body.items.map((i: { document: string }) => i.document), audience: { newMetropolises: true } }).expect(201);
      const answer = await api().post(`/api/v1/packages/${published.body.id}/publish`).set(c.secretariat.auth).expect(200);
      expect(answer.body.notified, 'Sari’s one user').to.equal(1);
      expect(answer.body.status).to.equal('published');
    });
  });
});
