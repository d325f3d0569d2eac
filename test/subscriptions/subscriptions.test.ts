import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, DEFAULT_FIELDS, startPortal, uploadRequest, type Actor, type Cast, type TestPortal, type UploadFields } from '../helpers/portal';
import { bringLesson, countOf, recordLesson } from '../helpers/lessons';
import { parseAtom } from '../helpers/atom';
import { nextDigestTime } from '../../server/subscriptions/digest-schedule';

describe('subscriptions: following a search, notifications, private Atom feeds, digests', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);

  before(async () => {
    portal = await startPortal({ PUBLIC_URL: 'https://tajrobe.example.ir' });
    c = await cast(portal);
  });
  after(() => portal.close());

  /** Runs the queued jobs (index, matching, digests) as the background worker would. */
  const settle = () => portal.services.worker.drain();
  const subscribe = async (who: Actor, body: object) => (await api().post('/api/v1/subscriptions').set(who.auth).send(body).expect(201)).body as { id: number; feed: string; q: string; filters: object; email: boolean };
  const noticesOf = (who: Actor, kind = 'subscription.matched') => portal.services.notifications.list(who.user.id, { perPage: 500 }).notifications.filter((n) => n.kind === kind);
  const feedOf = async (feed: string) => parseAtom((await api().get(feed).expect(200).expect('Content-Type', /application\/atom\+xml/)).text);
  /** A document of plain text (extracted in milliseconds), uploaded through the API. */
  const upload = async (_portal: TestPortal, who: Actor, fields: UploadFields) => {
    const res = await uploadRequest(portal, who, fields, { content: Buffer.from(`${fields.title}\n${fields.summary}\n`), name: 'گزارش.txt' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  /** A word no other test uses, so each test's subscriptions find only its own items. */
  const word = () => `پیگیری${Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'ی')}`;

  describe('the API: each person\'s own subscriptions', () => {
    it('creates, lists only one\'s own, and deletes; the feed path answers Atom without any other credential, then 404', async () => {
      const mine = await subscribe(c.reader, { q: 'زلزله', filters: { hazard: ['earthquake'], city: [] }, email: false });
      expect(mine).to.include({ q: 'زلزله', email: false });
      expect(mine.filters).to.deep.equal({ hazard: ['earthquake'] });
      expect(mine.feed).to.match(/^\/feeds\/[A-Za-z0-9_-]{43}$/);
      const theirs = await subscribe(c.owner, { q: 'سیل', filters: {}, email: true });
      const listed = (await api().get('/api/v1/subscriptions').set(c.reader.auth).expect(200)).body as { id: number }[];
      expect(listed.map((s) => s.id)).to.include(mine.id).and.not.include(theirs.id);
      const feed = await feedOf(mine.feed);
      expect(feed.entries).to.deep.equal([]);
      const audits = countRows(portal, 'audit_log');
      await api().delete(`/api/v1/subscriptions/${theirs.id}`).set(c.reader.auth).expect(404);
      await api().delete(`/api/v1/subscriptions/${theirs.id}`).expect(401);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await api().get(theirs.feed).expect(200);
      await api().delete(`/api/v1/subscriptions/${mine.id}`).set(c.reader.auth).expect(204);
      await api().get(mine.feed).expect(404);
      await api().delete(`/api/v1/subscriptions/${mine.id}`).set(c.reader.auth).expect(404);
      expect(countRows(portal, 'audit_log')).to.equal(audits + 1);
      await api().get('/feeds/not-a-token').expect(404);
      await api().get(`/feeds/${'A'.repeat(43)}`).expect(404);
    });

    it('refuses bad input with 400 and records nothing', async () => {
      const before = [countOf(portal, 'subscriptions'), countRows(portal, 'audit_log')];
      for (const body of [{ q: 5 }, { filters: { colour: ['blue'] } }, { filters: { year: ['91'] } }, { filters: { type: ['video'] } }, { email: 'yes' }, { digest: 'weekly' }, { q: 'x'.repeat(501) }]) {
        const res = await api().post('/api/v1/subscriptions').set(c.reader.auth).send(body).expect(400);
        expect(res.body.error.code, JSON.stringify(body)).to.equal('validation_failed');
      }
      await api().post('/api/v1/subscriptions').send({ q: 'x' }).expect(401);
      expect([countOf(portal, 'subscriptions'), countRows(portal, 'audit_log')]).to.deep.equal(before);
    });

    it('a disabled account\'s feed answers 404', async () => {
      const someone = await actor(portal, `follower-${Math.random().toString(36).slice(2, 7)}`, 'reader');
      const s = await subscribe(someone, { q: 'زلزله' });
      await api().get(s.feed).expect(200);
      portal.services.users.setDisabled(someone.user.id, true, c.secretariat.user);
      await api().get(s.feed).expect(404);
    });
  });

  describe('matching: new visible items reach their subscribers, once, and only them', () => {
    it('a published document matching a followed search: a notification and a feed entry, for those who may see it', async () => {
      const w = word();
      const reader = await subscribe(c.reader, { q: w, filters: { hazard: ['flood'] } });
      const wrongHazard = await subscribe(c.otherCity, { q: w, filters: { hazard: ['fire'] } });
      const shared = await subscribe(c.sharedCity, { q: w });
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `گزارش ${w} سیلاب`, hazards: ['flood'] });
      await settle();
      expect(noticesOf(c.reader).filter((n) => n.link === `/documents/${doc.id}`), 'a draft is nobody\'s news').to.deep.equal([]);
      await bring(portal, c, doc.id, 'published');
      await settle();
      const notice = noticesOf(c.reader).find((n) => n.link === `/documents/${doc.id}`)!;
      expect(notice.message).to.deep.equal({ key: 'subscriptionMatched', params: { query: w, title: `گزارش ${w} سیلاب` } });
      expect(noticesOf(c.otherCity).some((n) => n.link === `/documents/${doc.id}`), 'another hazard').to.equal(false);
      expect(noticesOf(c.sharedCity).some((n) => n.link === `/documents/${doc.id}`)).to.equal(true);
      const feed = await feedOf(reader.feed);
      expect(feed.entries.map((e) => e.id)).to.deep.equal([`urn:uuid:${doc.id}`]);
      expect(feed.entries[0]).to.include({ title: `گزارش ${w} سیلاب`, link: `${portal.services.config.publicUrl}/documents/${doc.id}` });
      expect(feed.entries[0]!.category).to.deep.equal({ term: 'document', label: 'سند' });
      expect((await feedOf(wrongHazard.feed)).entries).to.deep.equal([]);
      expect((await feedOf(shared.feed)).entries).to.have.length(1);
      await api().patch(`/api/v1/documents/${doc.id}`).set(c.secretariat.auth).send({ summary: `خلاصهٔ تازه ${w}` }).expect(200);
      await settle();
      expect(noticesOf(c.reader).filter((n) => n.link === `/documents/${doc.id}`), 'a correction is no news').to.have.length(1);
    });

    it('never notifies of a restricted item its subscriber may not see, and does once it is shared with their city', async () => {
      const w = word();
      const sub = await subscribe(c.otherCity, { q: w });
      const readerSub = await subscribe(c.reader, { q: w });
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `مطالعهٔ محرمانهٔ ${w}`, access: 'restricted', sharedWith: ['isfahan'] });
      await bring(portal, c, doc.id, 'published');
      await settle();
      expect(noticesOf(c.otherCity).some((n) => n.link === `/documents/${doc.id}`)).to.equal(false);
      expect((await feedOf(sub.feed)).entries).to.deep.equal([]);
      await api().post(`/api/v1/documents/${doc.id}/shares`).set(c.owner.auth).send({ cities: ['isfahan', 'shiraz'] }).expect(200);
      await settle();
      expect(noticesOf(c.otherCity).filter((n) => n.link === `/documents/${doc.id}`), 'shared: now visible, so now news').to.have.length(1);
      expect((await feedOf(sub.feed)).entries.map((e) => e.id)).to.deep.equal([`urn:uuid:${doc.id}`]);
      expect(noticesOf(c.reader).some((n) => n.link === `/documents/${doc.id}`), 'a reader never sees a restricted document').to.equal(false);
      expect((await feedOf(readerSub.feed)).entries).to.deep.equal([]);
    });

    it('access that narrows after publishing, before matching runs: the job re-checks and tells nobody who lost sight of it', async () => {
      const w = word();
      const readerSub = await subscribe(c.reader, { q: w });
      const sharedSub = await subscribe(c.sharedCity, { q: w });
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `گزارش ${w}` });
      await bring(portal, c, doc.id, 'published');
      await api().patch(`/api/v1/documents/${doc.id}`).set(c.secretariat.auth).send({ access: 'restricted', sharedWith: ['isfahan'] }).expect(200);
      const emails = countOf(portal, 'emails');
      await settle();
      expect(noticesOf(c.reader).some((n) => n.link === `/documents/${doc.id}`), 'the reader lost sight of it before matching').to.equal(false);
      expect((await feedOf(readerSub.feed)).entries).to.deep.equal([]);
      expect(noticesOf(c.sharedCity).filter((n) => n.link === `/documents/${doc.id}`)).to.have.length(1);
      expect(countOf(portal, 'emails')).to.equal(emails);
      await api().patch(`/api/v1/documents/${doc.id}`).set(c.secretariat.auth).send({ sharedWith: [] }).expect(200);
      await settle();
      expect((await feedOf(sharedSub.feed)).entries, 'the feed re-checks when it is read').to.deep.equal([]);
      const page = await api().get(`/api/v1/documents/${doc.id}`).set(c.sharedCity.auth);
      expect(page.status).to.equal(404);
    });

    it('never twice for the same person and item, whichever of their subscriptions found it; every feed lists it', async () => {
      const w = word();
      const one = await subscribe(c.reader, { q: w });
      const two = await subscribe(c.reader, { q: '', filters: { hazard: ['landslide'] } });
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `رانش زمین ${w}`, hazards: ['landslide'] });
      await bring(portal, c, doc.id, 'published');
      await settle();
      await api().post(`/api/v1/documents/${doc.id}/withdraw`).set(c.owner.auth).expect(200);
      await settle();
      await api().post(`/api/v1/documents/${doc.id}/publish`).set(c.secretariat.auth).expect(200);
      await settle();
      expect(noticesOf(c.reader).filter((n) => n.link === `/documents/${doc.id}`)).to.have.length(1);
      expect(portal.services.db.prepare('SELECT count(*) FROM subscription_deliveries WHERE user_id = ? AND item_id = ?').pluck().get(c.reader.user.id, doc.id)).to.equal(1);
      expect((await feedOf(one.feed)).entries.map((e) => e.id)).to.deep.equal([`urn:uuid:${doc.id}`]);
      expect((await feedOf(two.feed)).entries.map((e) => e.id)).to.include(`urn:uuid:${doc.id}`);
    });

    it('what was published before one subscribed is not news, even when it is corrected later', async () => {
      const w = word();
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `قدیمی ${w}` });
      await bring(portal, c, doc.id, 'published');
      await settle();
      const sub = await subscribe(c.reader, { q: w });
      await api().patch(`/api/v1/documents/${doc.id}`).set(c.secretariat.auth).send({ title: `قدیمی ویرایش‌شده ${w}` }).expect(200);
      await settle();
      expect(noticesOf(c.reader).some((n) => n.link === `/documents/${doc.id}`)).to.equal(false);
      expect((await feedOf(sub.feed)).entries).to.deep.equal([]);
    });

    it('a published lesson matching a followed hazard and type reaches its subscriber by notification and feed, in Persian spelling variants', async () => {
      const w = word();
      const sub = await subscribe(c.reader, { q: `كلان شهر ${w}`, filters: { hazard: ['flood'], type: ['lesson'] } });
      const docOnly = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `کلان‌شهر ${w}`, hazards: ['flood'] });
      await bring(portal, c, docOnly.id, 'published');
      const lesson = await recordLesson(portal, c.owner, { title: `زیرگذرهای کلان‌شهر ${w}`, hazards: ['flood'] });
      await settle();
      expect(noticesOf(c.reader).some((n) => n.link === `/lessons/${lesson.id}`)).to.equal(false);
      await bringLesson(portal, c, lesson.id, 'published');
      await settle();
      expect(noticesOf(c.reader).filter((n) => n.link === `/lessons/${lesson.id}`)).to.have.length(1);
      expect(noticesOf(c.reader).some((n) => n.link === `/documents/${docOnly.id}`), 'type=lesson leaves documents out').to.equal(false);
      const feed = await feedOf(sub.feed);
      expect(feed.entries.map((e) => [e.id, e.category?.term])).to.deep.equal([[`urn:uuid:${lesson.id}`, 'lesson']]);
    });
  });

  describe('the Atom feed', () => {
    it('is XML with every element Atom requires, escapes what it carries, and is written in its owner\'s language', async () => {
      const w = word();
      const owner = await actor(portal, `atom-${Math.random().toString(36).slice(2, 7)}`, 'reader');
      const sub = await subscribe(owner, { q: w });
      const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `<b>عنوان</b> & "نقل" ${w}\u0001`, summary: `خلاصه با <script>alert(1)</script> و \u0007 ${w}` });
      await bring(portal, c, doc.id, 'published');
      await settle();
      const res = await api().get(sub.feed).expect(200);
      expect(res.headers['content-type']).to.match(/^application\/atom\+xml/);
      expect(res.headers['cache-control']).to.include('private');
      expect(res.text).not.to.include('<script>').and.not.include('<b>');
      const feed = parseAtom(res.text);
      expect(feed.title).to.equal(`تجربه · پیگیری «${w}»`);
      expect(feed.language).to.equal('fa');
      expect(feed.self).to.equal(`${portal.services.config.publicUrl}${sub.feed}`);
      expect(feed.updated).to.equal(feed.entries[0]!.updated);
      expect(feed.entries[0]!.title).to.equal(`<b>عنوان</b> & "نقل" ${w}`);
      expect(feed.entries[0]!.summary).to.include('<script>alert(1)</script>');
      expect(feed.entries[0]!.author).to.equal('تهران');
      await api().patch('/api/v1/me/preferences').set(owner.auth).send({ language: 'en' }).expect(200);
      const english = await feedOf(sub.feed);
      expect(english.title).to.equal(`Tajrobe · subscription “${w}”`);
      expect(english.language).to.equal('en');
      expect(english.entries[0]!.category).to.deep.equal({ term: 'document', label: 'Document' });
      expect(english.entries[0]!.author).to.equal('Tehran');
    });
  });

  describe('the daily digest', () => {
    it('waits for the morning, then sends one notification with the items its owner may still see', async () => {
      const w = word();
      const sub = await subscribe(c.sharedCity, { q: w, digest: 'daily' });
      const kept = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `یک ${w}` });
      const second = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `دو ${w}` });
      const narrowed = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: `سه ${w}` });
      for (const doc of [kept, second, narrowed]) await bring(portal, c, doc.id, 'published');
      await settle();
      expect(noticesOf(c.sharedCity).some((n) => [kept.id, second.id, narrowed.id].some((id) => n.link.endsWith(id))), 'no message per item').to.equal(false);
      expect((await feedOf(sub.feed)).entries, 'the feed has them at once').to.have.length(3);
      const job = portal.services.db.prepare(`SELECT run_after FROM jobs WHERE kind = 'digest' AND document_id = ? AND state = 'queued'`).get(String(sub.id)) as { run_after: string };
      const due = new Date(job.run_after);
      expect(due.getTime() - Date.now()).to.be.within(0, 24 * 3_600_000);
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit' }).format(due)).to.equal('07:00');
      await api().patch(`/api/v1/documents/${narrowed.id}`).set(c.secretariat.auth).send({ access: 'restricted', sharedWith: [] }).expect(200);
      portal.services.db.prepare(`UPDATE jobs SET run_after = ? WHERE kind = 'digest' AND document_id = ?`).run(new Date(Date.now() - 1000).toISOString(), String(sub.id));
      await settle();
      const digests = noticesOf(c.sharedCity, 'subscription.digest');
      expect(digests).to.have.length(1);
      expect(digests[0]!.message).to.deep.equal({ key: 'subscriptionDigest', params: { query: w, count: 2 } });
      expect(digests[0]!.link).to.equal(`/subscriptions/${sub.id}`);
      portal.services.db.prepare(`UPDATE jobs SET run_after = ? WHERE kind = 'digest' AND document_id = ?`).run(new Date(Date.now() - 1000).toISOString(), String(sub.id));
      await settle();
      expect(noticesOf(c.sharedCity, 'subscription.digest'), 'nothing new: no second digest').to.have.length(1);
    });

    it('schedules the next 07:00 on Tehran\'s clocks', () => {
      expect(nextDigestTime(new Date('2026-12-20T03:29:59Z')).toISOString()).to.equal('2026-12-20T03:30:00.000Z');
      expect(nextDigestTime(new Date('2026-12-20T03:30:00Z')).toISOString()).to.equal('2026-12-21T03:30:00.000Z');
      expect(nextDigestTime(new Date('2026-12-20T21:00:00Z')).toISOString()).to.equal('2026-12-21T03:30:00.000Z');
    });
  });
});
