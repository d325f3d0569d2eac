import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn as signInThroughForm } from '../helpers/sign-in';

describe('resolutions register, compliance and city pages', function () {
  let portal: TestPortal;
  let c: Cast;
  let request: ReturnType<typeof supertest>;

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    request = supertest(portal.app);
  });

  after(async function () {
    await portal.close();
  });

  const compliance = async (who: Actor, ref: string) => {
    const res = await request.get(`/api/v1/resolutions/${ref}/compliance`).set(who.auth).expect(200);
    return res.body.cities as Record<string, { documents: number; waiting: number }>;
  };

  const signIn = (username: string) => signInThroughForm(portal.app, username);

  describe('the register through the API', function () {
    it('serves the seeded 9th meeting in the API.md shape', async function () {
      const res = await request.get('/api/v1/resolutions').set(c.reader.auth).expect(200);
      const meetings = res.body as (Record<string, unknown> & { number: number; resolutions: Record<string, unknown>[] })[];
      const ninth = meetings.find((m) => m.number === 9)!;
      expect(ninth).to.include({ number: 9, city: 'hamadan', date: '1391-07' });
      expect(ninth.resolutions).to.have.length.of.at.least(9);
      const second = ninth.resolutions.find((r) => r.number === 2)!;
      expect(second).to.include.keys('number', 'text', 'responsible', 'status', 'documents');
      expect(second.status).to.equal('open');
      expect(second.asksCities).to.equal(true);
      const asking = ninth.resolutions.filter((r) => r.asksCities).map((r) => r.number);
      expect(asking).to.deep.equal([2, 4, 8]);
    });

    it('lets the secretariat add meetings and resolutions', async function () {
      const meeting = await request
        .post('/api/v1/meetings')
        .set(c.secretariat.auth)
        .send({ number: 10, city: 'mashhad', date: '1392-02', title: 'دهمین نشست مدیران بحران' })
        .expect(201);
      expect(meeting.body).to.include({ number: 10, city: 'mashhad', date: '1392-02' });
      await request.post('/api/v1/meetings').set(c.secretariat.auth).send({ number: 10, city: 'mashhad', date: '1392-02', title: 'x' }).expect(409);
      await request.post('/api/v1/meetings').set(c.secretariat.auth).send({ number: 11, city: 'atlantis', date: '1392-02', title: 'x' }).expect(400);
      await request.post('/api/v1/meetings').set(c.secretariat.auth).send({ number: 11, city: 'qom', date: '2013-05', title: 'x' }).expect(400);

      const created = await request
        .post('/api/v1/resolutions/10')
        .set(c.secretariat.auth)
        .send({ text: 'همهٔ شهرها طرح تخلیهٔ اضطراری خود را بفرستند.', responsible: 'کلیه کلان شهرها', dueDate: '1392-06-31', asksCities: true })
        .expect(201);
      expect(created.body).to.include({ number: 1, status: 'open', dueDate: '1392-06-31', asksCities: true });
      await request.post('/api/v1/resolutions/99').set(c.secretariat.auth).send({ text: 'x', responsible: 'y' }).expect(404);
      await request.post('/api/v1/resolutions/10').set(c.secretariat.auth).send({ text: 'x', responsible: 'y', dueDate: '31/06/1392' }).expect(400);

      const list = await request.get('/api/v1/resolutions').set(c.otherCity.auth).expect(200);
      expect((list.body as { number: number }[]).map((m) => m.number)).to.deep.equal([9, 10]);
      const matrix = await request.get('/api/v1/resolutions/compliance').set(c.secretariat.auth).expect(200);
      expect(matrix.body.resolutions.map((r: { meeting: number; number: number }) => `${r.meeting}/${r.number}`)).to.deep.equal(['9/2', '9/4', '9/8', '10/1']);
    });

    it('numbers a new resolution after the last one, up to 999: past it the next one must be named (409, nothing created)', async function () {
      await request.post('/api/v1/meetings').set(c.secretariat.auth).send({ number: 14, city: 'shiraz', date: '1394-08', title: 'چهاردهمین نشست' }).expect(201);
      const last = await request.post('/api/v1/resolutions/14').set(c.secretariat.auth).send({ number: 999, text: 'آخرین شماره', responsible: 'دبیرخانه' }).expect(201);
      expect(last.body.number).to.equal(999);
      const auditRows = portal.services.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'resolution.created'").pluck().get();
      const refused = await request.post('/api/v1/resolutions/14').set(c.secretariat.auth).send({ text: 'یکی بیشتر', responsible: 'دبیرخانه' }).expect(409);
      expect(refused.body.error.code).to.equal('resolution_numbers_used');
      expect(portal.services.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'resolution.created'").pluck().get()).to.equal(auditRows);
      expect(portal.services.db.prepare('SELECT max(number) FROM resolutions WHERE meeting = 14').pluck().get()).to.equal(999);
      const named = await request.post('/api/v1/resolutions/14').set(c.secretariat.auth).send({ number: 1, text: 'نخستین', responsible: 'دبیرخانه' }).expect(201);
      expect(named.body.number).to.equal(1);
      const register = await request.get('/api/v1/resolutions').set(c.secretariat.auth).expect(200);
      const meeting14 = (register.body as { number: number; resolutions: { number: number }[] }[]).find((m) => m.number === 14)!;
      expect(meeting14.resolutions.map((r) => r.number)).to.deep.equal([1, 999]);
    });

    it('records a status change and a follow-up in the audit log and notifies the secretariat and the cities', async function () {
      const patched = await request.patch('/api/v1/resolutions/9/2').set(c.secretariat.auth).send({ status: 'in-progress', dueDate: '1392-01-15' }).expect(200);
      expect(patched.body).to.include({ status: 'in-progress', dueDate: '1392-01-15' });

      const followup = await request
        .post('/api/v1/resolutions/9/2/followups')
        .set(c.secretariat.auth)
        .send({ note: 'یادآوری به شهرهایی که هنوز مطالعه‌ای نفرستاده‌اند.', status: 'done' })
        .expect(201);
      expect(followup.body).to.include({ statusFrom: 'in-progress', statusTo: 'done', username: 'sec' });
      await request.post('/api/v1/resolutions/9/2/followups').set(c.secretariat.auth).send({ note: 'تنها یادداشت' }).expect(201);

      const res = await request.get('/api/v1/resolutions').set(c.reader.auth).expect(200);
      const r = res.body[0].resolutions.find((x: { number: number }) => x.number === 2);
      expect(r.status).to.equal('done');
      expect(r.followups.map((f: { note: string; statusTo: string | null }) => f.statusTo)).to.deep.equal(['done', null]);

      const db = portal.services.db;
      const actions = db.prepare(`SELECT action FROM audit_log WHERE target = '9/2' ORDER BY id`).pluck().all();
      expect(actions).to.deep.equal(['resolution.updated', 'resolution.followup_added', 'resolution.followup_added']);
      const details = JSON.parse(db.prepare(`SELECT details FROM audit_log WHERE target = '9/2' AND action = 'resolution.updated'`).pluck().get() as string);
      expect(details.from.status).to.equal('open');
      expect(details.to.status).to.equal('in-progress');

      const notes = (userId: number) =>
        db.prepare(`SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'resolution.updated' AND link LIKE '/resolutions%'`).pluck().get(userId) as number;
      expect(notes(c.owner.user.id)).to.be.at.least(3);
      expect(notes(c.otherCity.user.id)).to.be.at.least(3);
      expect(notes(c.secretariat.user.id)).to.be.at.least(3);
      expect(notes(c.reader.user.id)).to.equal(0);

      // A resolution not addressed to the cities notifies the secretariat only.
      const before = notes(c.owner.user.id);
      await request.patch('/api/v1/resolutions/9/6').set(c.secretariat.auth).send({ status: 'in-progress' }).expect(200);
      expect(notes(c.owner.user.id)).to.equal(before);
      await request.patch('/api/v1/resolutions/9/6').set(c.secretariat.auth).send({}).expect(400);
      await request.patch('/api/v1/resolutions/9/6').set(c.secretariat.auth).send({ status: 'closed' }).expect(400);
      await request.patch('/api/v1/resolutions/9/99').set(c.secretariat.auth).send({ status: 'done' }).expect(404);
    });

    it('refuses every write to cities and readers (403) and to anonymous callers (401)', async function () {
      const writes: [string, string, object][] = [
        ['post', '/api/v1/meetings', { number: 12, city: 'qom', date: '1393-01', title: 'نشست' }],
        ['post', '/api/v1/resolutions/9', { text: 'متن', responsible: 'مسئول' }],
        ['patch', '/api/v1/resolutions/9/3', { status: 'done' }],
        ['post', '/api/v1/resolutions/9/3/followups', { note: 'یادداشت' }],
      ];
      for (const [method, url, body] of writes) {
        for (const who of [c.owner, c.otherCity, c.sharedCity, c.reader]) {
          const res = await (method === 'post' ? request.post(url) : request.patch(url)).set(who.auth).send(body).expect(403);
          expect(res.body.error.code).to.equal('forbidden');
        }
        await (method === 'post' ? request.post(url) : request.patch(url)).send(body).expect(401);
      }
      for (const url of ['/api/v1/resolutions', '/api/v1/resolutions/9/2/compliance', '/api/v1/resolutions/compliance']) await request.get(url).expect(401);
      const db = portal.services.db;
      expect(db.prepare('SELECT status FROM resolutions WHERE meeting = 9 AND number = 3').pluck().get()).to.equal('open');
      expect(db.prepare('SELECT count(*) FROM meetings WHERE number = 12').pluck().get()).to.equal(0);
      expect(db.prepare('SELECT count(*) FROM resolution_followups WHERE meeting = 9 AND number = 3').pluck().get()).to.equal(0);

      // The secretariat may do each of them.
      await request.post(writes[0]![1]).set(c.secretariat.auth).send(writes[0]![2]).expect(201);
      await request.post(writes[1]![1]).set(c.secretariat.auth).send(writes[1]![2]).expect(201);
      await request.patch(writes[2]![1]).set(c.secretariat.auth).send(writes[2]![2]).expect(200);
      await request.post(writes[3]![1]).set(c.secretariat.auth).send(writes[3]![2]).expect(201);
    });
  });

  describe('compliance', function () {
    it('answers 404 for an unknown resolution and lists every city with 0 included', async function () {
      await request.get('/api/v1/resolutions/9/99/compliance').set(c.secretariat.auth).expect(404);
      await request.get('/api/v1/resolutions/77/1/compliance').set(c.reader.auth).expect(404);
      const cities = await compliance(c.reader, '9/4');
      const known = (await request.get('/api/v1/cities').set(c.reader.auth).expect(200)).body.map((x: { id: string }) => x.id);
      expect(Object.keys(cities).sort()).to.deep.equal([...known].sort());
      for (const id of known) expect(cities[id]).to.deep.equal({ documents: 0, waiting: 0 });
    });

    it('follows publish and withdraw; drafts, submissions and returns never count', async function () {
      const fields = { title: 'مطالعهٔ خسارت زلزله', summary: 'چکیده', kind: 'threat-study', year: '1391', hazards: ['earthquake'], resolutions: ['9/2'], access: 'portal' };
      const doc = await upload(portal, c.owner, fields);
      expect((await compliance(c.secretariat, '9/2')).tehran).to.deep.equal({ documents: 0, waiting: 0 });
      await bring(portal, c, doc.id, 'submitted');
      // Sent and waiting for review: counted apart, and only for those who may see it before publication.
      for (const who of [c.secretariat, c.owner]) expect((await compliance(who, '9/2')).tehran).to.deep.equal({ documents: 0, waiting: 1 });
      for (const who of [c.otherCity, c.reader]) expect((await compliance(who, '9/2')).tehran).to.deep.equal({ documents: 0, waiting: 0 });
      await request.post(`/api/v1/documents/${doc.id}/publish`).set(c.secretariat.auth).expect(200);
      expect((await compliance(c.secretariat, '9/2')).tehran).to.deep.equal({ documents: 1, waiting: 0 });
      for (const who of [c.secretariat, c.owner, c.otherCity, c.reader]) expect((await compliance(who, '9/2')).tehran!.documents).to.equal(1);
      expect((await compliance(c.reader, '9/4')).tehran!.documents).to.equal(0);

      const draft = await upload(portal, c.owner, { ...fields, title: 'پیش‌نویس' });
      const returned = await upload(portal, c.owner, { ...fields, title: 'برگشتی' });
      await bring(portal, c, returned.id, 'returned');
      expect((await compliance(c.secretariat, '9/2')).tehran).to.deep.equal({ documents: 1, waiting: 0 });
      expect(draft.status).to.equal('draft');

      await request.post(`/api/v1/documents/${doc.id}/withdraw`).set(c.secretariat.auth).expect(200);
      expect((await compliance(c.secretariat, '9/2')).tehran!.documents).to.equal(0);
      expect((await compliance(c.owner, '9/2')).tehran!.documents).to.equal(0);

      const second = await upload(portal, c.owner, { ...fields, title: 'مطالعهٔ دوم', resolutions: ['9/2', '9/8'] });
      await bring(portal, c, second.id, 'published');
      const third = await upload(portal, c.owner, { ...fields, title: 'مطالعهٔ سوم' });
      await bring(portal, c, third.id, 'published');
      expect((await compliance(c.reader, '9/2')).tehran!.documents).to.equal(2);
      expect((await compliance(c.reader, '9/8')).tehran!.documents).to.equal(1);
    });

    it('counts a restricted published document only for viewers who may open it', async function () {
      const doc = await upload(portal, c.owner, {
        title: 'تجربهٔ مشارکت بخش خصوصی',
        summary: 'محدود',
        kind: 'partnership-report',
        year: '1390',
        hazards: ['flood'],
        resolutions: ['9/4'],
        access: 'restricted',
        sharedWith: ['isfahan'],
      });
      await bring(portal, c, doc.id, 'published');
      expect((await compliance(c.secretariat, '9/4')).tehran!.documents).to.equal(1);
      expect((await compliance(c.owner, '9/4')).tehran!.documents).to.equal(1);
      expect((await compliance(c.sharedCity, '9/4')).tehran!.documents).to.equal(1);
      expect((await compliance(c.otherCity, '9/4')).tehran!.documents).to.equal(0);
      expect((await compliance(c.reader, '9/4')).tehran!.documents).to.equal(0);
    });

    it('draws the matrix as a coloured table with Persian digits and no inline styles', async function () {
      const { agent } = await signIn('reader');
      const page = await agent.get('/resolutions/compliance').expect(200);
      expect(page.text).to.not.match(/style=/);
      expect(page.text).to.match(/<td class="cm-many" data-ref="9\/2" data-city="tehran" data-label="مصوبهٔ ۹\/۲">۲<\/td>/);
      expect(page.text).to.match(/<td class="cm-one" data-ref="9\/8" data-city="tehran" data-label="مصوبهٔ ۹\/۸">۱<\/td>/);
      expect(page.text).to.match(/<td class="cm-none" data-ref="9\/4" data-city="tehran" data-label="مصوبهٔ ۹\/۴">۰<\/td>/);
      expect(page.text).to.include('/resolutions.css');
      const css = await agent.get('/resolutions.css').expect(200);
      expect(css.headers['content-type']).to.match(/text\/css/);
      expect(css.text).to.include('.cm-none');
    });
  });

  describe('pages', function () {
    it('shows the register in Persian with status, Solar Hijri due date, follow-ups and only visible documents', async function () {
      const { agent } = await signIn('reader');
      const page = await agent.get('/resolutions').expect(200);
      expect(page.text).to.include('نهمین نشست مدیران بحران کلانشهرهای کشور');
      expect(page.text).to.include('مهر ۱۳۹۱');
      expect(page.text).to.include('۱۵ فروردین ۱۳۹۲');
      expect(page.text).to.include('انجام‌شده');
      expect(page.text).to.include('یادآوری به شهرهایی که هنوز مطالعه‌ای نفرستاده‌اند.');
      expect(page.text).to.include('مطالعهٔ دوم');
      expect(page.text).to.not.include('تجربهٔ مشارکت بخش خصوصی');
      expect(page.text).to.not.include('پیش‌نویس</a>');
      expect(page.text).to.not.include('action="/resolutions/meetings"');
      expect(page.text).to.not.match(/style=/);
    });

    it('lets the secretariat use the forms, and refuses them to a city', async function () {
      const sec = await signIn('sec');
      expect((await sec.agent.get('/resolutions').expect(200)).text).to.include('action="/resolutions/meetings"');
      await sec.agent.post('/resolutions/meetings').type('form').send({ _csrf: sec.csrf, number: '8', city: 'tehran', date: '1390-11', title: 'هشتمین نشست' }).expect(303);
      await sec.agent
        .post('/resolutions/8')
        .type('form')
        .send({ _csrf: sec.csrf, _back: '#m-8', text: 'مصوبهٔ نشست هشتم', responsible: 'دبیرخانه', dueDate: '', asksCities: 'on' })
        .expect(303);
      await sec.agent.post('/resolutions/8/1').type('form').send({ _csrf: sec.csrf, status: 'in-progress', dueDate: '1391-12' }).expect(303);
      await sec.agent.post('/resolutions/8/1/followups').type('form').send({ _csrf: sec.csrf, note: 'پیگیری تلفنی', status: '' }).expect(303);
      const bad = await sec.agent.post('/resolutions/meetings').type('form').send({ _csrf: sec.csrf, number: '8', city: 'tehran', date: '1390-11', title: 'تکراری' }).expect(409);
      expect(bad.text).to.include('پیش‌تر ثبت شده است');
      const invalid = await sec.agent.post('/resolutions/8').type('form').send({ _csrf: sec.csrf, text: '', responsible: 'x' }).expect(400);
      expect(invalid.text).to.include('متن مصوبه را بنویسید.');
      const row = portal.services.db.prepare('SELECT status, due_date FROM resolutions WHERE meeting = 8 AND number = 1').get();
      // The update form sends no asksCities checkbox: the flag is cleared.
      expect(row).to.deep.equal({ status: 'in-progress', due_date: '1391-12' });
      expect(portal.services.db.prepare('SELECT count(*) FROM resolution_asks_cities WHERE meeting = 8').pluck().get()).to.equal(0);
      expect(portal.services.db.prepare(`SELECT count(*) FROM audit_log WHERE target LIKE '8/%' OR target = 'meeting:8'`).pluck().get()).to.equal(4);

      const city = await signIn('tehran-staff');
      await city.agent.post('/resolutions/8/1/followups').type('form').send({ _csrf: city.csrf, note: 'x' }).expect(403);
      await city.agent.post('/resolutions/meetings').type('form').send({ _csrf: city.csrf, number: '7', city: 'kerman', date: '1390-01', title: 'x' }).expect(403);
      await sec.agent.post('/resolutions/8/1/followups').type('form').send({ note: 'no token' }).expect(403);
      await supertest(portal.app).post('/resolutions/8/1/followups').type('form').send({ note: 'x' }).expect(401);
    });

    it('lists the cities and shows what a city contributed, counting only documents the viewer may see', async function () {
      const { agent } = await signIn('shiraz-staff');
      const list = await agent.get('/cities').expect(200);
      expect(list.text).to.include('href="/cities/tehran"');
      expect(list.text).to.include('شیراز');

      const asShiraz = await agent.get('/cities/tehran').expect(200);
      // Tehran published 3 documents still visible (2 portal + 1 restricted shared with Isfahan only); one was withdrawn.
      expect(totalOf(asShiraz.text)).to.equal('۲');
      expect(asShiraz.text).to.not.include('تجربهٔ مشارکت بخش خصوصی');
      expect(asShiraz.text).to.not.include('سیل');
      expect(asShiraz.text).to.include('زلزله');
      expect(asShiraz.text).to.not.include('اسناد برگشت‌خورده و پیش‌نویس');
      expect(asShiraz.text).to.not.match(/style=/);

      const isfahan = await signIn('isfahan-staff');
      const asIsfahan = await isfahan.agent.get('/cities/tehran').expect(200);
      expect(totalOf(asIsfahan.text)).to.equal('۳');
      expect(asIsfahan.text).to.include('سیل');

      const owner = await signIn('tehran-staff');
      const asOwner = await owner.agent.get('/cities/tehran').expect(200);
      expect(totalOf(asOwner.text)).to.equal('۳');
      expect(asOwner.text).to.include('اسناد برگشت‌خورده و پیش‌نویس');
      expect(asOwner.text).to.include('برگشتی');
      expect(asOwner.text).to.include('بسته‌های دریافتی');

      // Open items: Shiraz has sent nothing, so every asking resolution not yet done is open for it.
      const shiraz = await agent.get('/cities/shiraz').expect(200);
      expect(totalOf(shiraz.text)).to.equal('۰');
      expect(shiraz.text).to.include('href="/resolutions#r-9-4"');
      expect(shiraz.text).to.not.include('href="/resolutions#r-9-2"');

      await agent.get('/cities/atlantis').expect(404);
    });
  });
});


function totalOf(html: string): string {
  const match = /<span class="city-total">([^<]*)<\/span>/.exec(html);
  if (!match) throw new Error('no total on the city page');
  return match[1]!;
}
