import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, startPortal, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

describe('notifications', function () {
  let portal: TestPortal;
  let c: Cast;
  let tehranColleague: Actor;

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    tehranColleague = await actor(portal, 'tehran-colleague', 'city', 'tehran');
  });

  after(async function () {
    await portal.close();
  });

  const api = () => supertest(portal.app);
  const mine = async (who: Actor) => (await api().get('/api/v1/notifications').set(who.auth).expect(200)).body;

  it('tells every user of the uploading city, and only them, that a document was returned, with the comment', async function () {
    const doc = await upload(portal, c.owner, { ...defaults(), title: 'برنامهٔ آمادگی مدارس' });
    await bring(portal, c, doc.id, 'returned');
    for (const who of [c.owner, tehranColleague]) {
      const body = await mine(who);
      const returned = body.notifications.filter((n: { kind: string }) => n.kind === 'document.returned');
      expect(returned, who.user.username).to.have.length(1);
      expect(returned[0].title).to.include('برنامهٔ آمادگی مدارس').and.include('جدول خسارت‌ها کامل نیست');
      expect(returned[0].link).to.equal(`/documents/${doc.id}`);
      expect(returned[0].readAt).to.equal(null);
    }
    for (const who of [c.otherCity, c.sharedCity, c.reader]) {
      expect((await mine(who)).notifications, who.user.username).to.deep.equal([]);
    }
  });

  it('tells the city that a document was published', async function () {
    const doc = await upload(portal, c.owner, { ...defaults(), title: 'گزارش مانور زلزله' });
    await bring(portal, c, doc.id, 'published');
    const published = (await mine(tehranColleague)).notifications.filter((n: { kind: string; link: string }) => n.kind === 'document.published' && n.link === `/documents/${doc.id}`);
    expect(published).to.have.length(1);
    expect(published[0].title).to.include('گزارش مانور زلزله').and.include('منتشر شد');
    expect((await mine(c.otherCity)).notifications).to.deep.equal([]);
  });

  it('tells no one when the step is refused', async function () {
    const doc = await upload(portal, c.owner, defaults());
    const before = (await mine(c.owner)).total;
    await api().post(`/api/v1/documents/${doc.id}/publish`).set(c.secretariat.auth).send({}).expect(409);
    expect((await mine(c.owner)).total).to.equal(before);
  });

  it('shows the unread count in the header bell and lists them newest first, unread highlighted, in Solar Hijri time', async function () {
    const browser = await signIn(portal.app, 'tehran-staff');
    const unread = (await mine(c.owner)).unread as number;
    expect(unread).to.be.greaterThan(0);
    const page = await browser.agent.get('/notifications').expect(200);
    expect(page.text).to.match(new RegExp(`class="bell-count" data-unread="${unread}"`));
    expect(page.text).to.include('class="unread"');
    expect(page.text).to.match(/(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}/);
    const published = page.text.indexOf('گزارش مانور زلزله');
    const returned = page.text.indexOf('برنامهٔ آمادگی مدارس');
    expect(published).to.be.greaterThan(0);
    expect(published, 'newest first').to.be.lessThan(returned);
    const other = await signIn(portal.app, 'shiraz-staff');
    expect((await other.agent.get('/documents').expect(200)).text).not.to.include('bell-count');
  });

  it('shows each notification in the reader’s language, and keeps its Persian title and catalogue key in the API', async function () {
    const browser = await signIn(portal.app, 'tehran-staff');
    await browser.agent.get('/language/en').expect(303);
    const english = await browser.agent.get('/notifications').expect(200);
    // A title keeps its own direction inside the English sentence (first-strong isolate … pop).
    expect(english.text).to.include('The document “\u2068گزارش مانور زلزله\u2069” was published.');
    expect(english.text).to.include('The document “\u2068برنامهٔ آمادگی مدارس\u2069” was returned for correction: ');
    expect(english.text).not.to.include('منتشر شد');
    await browser.agent.get('/language/fa').expect(303);
    const persian = await browser.agent.get('/notifications').expect(200);
    expect(persian.text).to.include('سند «\u2068گزارش مانور زلزله\u2069» منتشر شد.');
    const published = (await mine(c.owner)).notifications.find((n: { kind: string; title: string }) => n.kind === 'document.published' && n.title.includes('گزارش مانور زلزله'));
    expect(published.title).to.equal('سند «گزارش مانور زلزله» منتشر شد.');
    expect(published.message).to.deep.equal({ key: 'documentPublished', params: { title: 'گزارش مانور زلزله' } });
  });

  it('writes a resolution\'s number in the reader\'s digits: «۹/۲» in Persian, 9/2 in English, Persian digits in the API title', async function () {
    portal.services.resolutions.addFollowup(c.secretariat.user, 9, 2, { note: 'یادآوری' });
    // A row written before numbers took the reader's digits (Latin digits in its stored Persian title).
    const owner = portal.services.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get('tehran-staff') as number;
    portal.services.db
      .prepare("INSERT INTO notifications (user_id, kind, title, message, link, created_at) VALUES (?, 'resolution.updated', 'مصوبهٔ تازهٔ 9/8 ثبت شد', ?, '/resolutions', ?)")
      .run(owner, JSON.stringify({ key: 'resolutionCreated', params: { ref: '9/8' } }), new Date().toISOString());
    const titles = (await mine(c.owner)).notifications.filter((n: { kind: string }) => n.kind === 'resolution.updated').map((n: { title: string }) => n.title);
    expect(titles).to.include.members(['پیگیری تازه برای مصوبهٔ ۹/۲ ثبت شد', 'مصوبهٔ تازهٔ ۹/۸ ثبت شد']);
    const browser = await signIn(portal.app, 'tehran-staff');
    const persian = (await browser.agent.get('/notifications').expect(200)).text;
    expect(persian).to.include('پیگیری تازه برای مصوبهٔ ۹/۲ ثبت شد').and.include('مصوبهٔ تازهٔ ۹/۸ ثبت شد').and.not.include('9/2');
    await browser.agent.get('/language/en').expect(303);
    const english = (await browser.agent.get('/notifications').expect(200)).text;
    expect(english).to.include('9/2').and.include('9/8').and.not.include('۹/۲');
  });

  it('shows a notification made before messages were kept by its stored Persian title', async function () {
    const owner = portal.services.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get('tehran-staff') as number;
    portal.services.db
      .prepare("INSERT INTO notifications (user_id, kind, title, message, link, created_at) VALUES (?, 'document.published', 'اعلان قدیمی بی‌پیام', NULL, '/documents', ?)")
      .run(owner, new Date().toISOString());
    const browser = await signIn(portal.app, 'tehran-staff');
    await browser.agent.get('/language/en').expect(303);
    expect((await browser.agent.get('/notifications').expect(200)).text).to.include('اعلان قدیمی بی‌پیام');
  });

  it('opening one marks it read and goes to its link; another user gets a 404 and it stays unread', async function () {
    const body = await mine(tehranColleague);
    const target = body.notifications.find((n: { readAt: string | null }) => n.readAt === null);
    const stranger = await signIn(portal.app, 'shiraz-staff');
    await stranger.agent.get(`/notifications/${target.id}`).expect(404);
    await stranger.agent.get('/notifications/999999').expect(404);
    expect((await mine(tehranColleague)).unread).to.equal(body.unread);

    const browser = await signIn(portal.app, 'tehran-colleague');
    const res = await browser.agent.get(`/notifications/${target.id}`).expect(303);
    expect(res.headers.location).to.equal(target.link);
    const after = await mine(tehranColleague);
    expect(after.unread).to.equal(body.unread - 1);
    expect(after.notifications.find((n: { id: number }) => n.id === target.id).readAt).to.be.a('string');
  });

  it('marks all read with a POST that needs the CSRF token', async function () {
    const browser = await signIn(portal.app, 'tehran-staff');
    await browser.agent.post('/notifications/read').type('form').send({}).expect(403);
    expect((await mine(c.owner)).unread).to.be.greaterThan(0);
    await browser.agent.post('/notifications/read').type('form').send({ _csrf: browser.csrf }).expect(303);
    expect((await mine(c.owner)).unread).to.equal(0);
    const page = await browser.agent.get('/notifications').expect(200);
    expect(page.text).not.to.include('class="bell-count"');
    expect(page.text).not.to.include('class="unread"');
    expect((await mine(tehranColleague)).unread, 'a colleague’s stay unread').to.be.greaterThan(0);
  });

  it('marks chosen ones read through the API, never someone else’s', async function () {
    const doc = await upload(portal, c.owner, defaults());
    await bring(portal, c, doc.id, 'published');
    const own = (await mine(c.owner)).notifications.filter((n: { readAt: string | null }) => n.readAt === null);
    expect(own).to.have.length(1);
    const res = await api().post('/api/v1/notifications/read').set(c.otherCity.auth).send({ ids: [own[0].id] }).expect(200);
    expect(res.body.marked).to.equal(0);
    expect((await mine(c.owner)).unread).to.equal(1);
    const done = await api().post('/api/v1/notifications/read').set(c.owner.auth).send({ ids: [own[0].id] }).expect(200);
    expect(done.body).to.deep.equal({ marked: 1, unread: 0 });
    await api().get('/api/v1/notifications').expect(401);
  });

  it('tells the other reviewers of a submission, not the one who submitted it', async function () {
    const second = await actor(portal, 'sec-2', 'secretariat');
    const doc = await upload(portal, c.owner, defaults());
    await api().post(`/api/v1/documents/${doc.id}/submit`).set(c.owner.auth).send({}).expect(200);
    const forSecond = (await mine(second)).notifications.filter((n: { kind: string; link: string }) => n.kind === 'document.submitted' && n.link === `/documents/${doc.id}`);
    expect(forSecond).to.have.length(1);
    const doc2 = await upload(portal, c.owner, defaults());
    await api().post(`/api/v1/documents/${doc2.id}/submit`).set(c.secretariat.auth).send({}).expect(200);
    expect((await mine(c.secretariat)).notifications.filter((n: { link: string }) => n.link === `/documents/${doc2.id}`)).to.deep.equal([]);
  });
});

function defaults() {
  return {
    title: 'مطالعهٔ خطر زلزله',
    summary: 'بررسی آسیب‌پذیری',
    kind: 'threat-study',
    year: '1391',
    hazards: ['earthquake'],
    keywords: ['زلزله'],
    access: 'portal',
  };
}
