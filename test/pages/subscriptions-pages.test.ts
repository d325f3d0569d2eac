import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, uploadRequest, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, csrfFrom, type Browser } from '../helpers/sign-in';
import { countOf } from '../helpers/lessons';
import { parseAtom } from '../helpers/atom';

describe('subscription pages and e-mail preferences, in Persian and English', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  let reader: Browser;
  let city: Browser;

  before(async () => {
    portal = await startPortal({ PUBLIC_URL: 'https://tajrobe.example.ir' });
    c = await cast(portal);
    [reader, city] = await Promise.all([signIn(portal.app, 'reader'), signIn(portal.app, 'shiraz-staff', 'en')]);
  });
  after(() => portal.close());

  it('"notify me of new ones" on the search page follows the search as it is (words and filters), and lists it with its feed address', async () => {
    const search = await reader.agent.get(`/search?q=${encodeURIComponent('آب‌گرفتگی')}&hazard=flood&type=lesson`).expect(200);
    expect(search.text).to.include('data-subscribe-form').and.include('با خبر شدن از موردهای تازه');
    expect(search.text).to.match(/<input type="hidden" name="hazard" value="flood" data-search-state>/);
    const audits = countOf(portal, 'audit_log');
    await reader.agent
      .post('/subscriptions')
      .type('form')
      .send(new URLSearchParams([['_csrf', csrfFrom(search.text)], ['q', 'آب‌گرفتگی'], ['hazard', 'flood'], ['type', 'lesson'], ['email', 'on']]).toString())
      .expect(303)
      .expect('Location', '/subscriptions');
    expect(countOf(portal, 'audit_log')).to.equal(audits + 1);
    const [sub] = portal.services.subscriptions.list(c.reader.user);
    expect(sub).to.deep.include({ q: 'آب‌گرفتگی', filters: { hazard: ['flood'], type: ['lesson'] }, email: true, digest: 'none' });
    const page = await reader.agent.get('/subscriptions').expect(200);
    expect(page.text).to.include('از این پس موردهای تازهٔ این جست‌وجو به شما می‌رسد.');
    expect(page.text).to.include(`value="https://tajrobe.example.ir/feeds/${sub!.feedToken}"`);
    expect(page.text).to.include('مخاطره: سیل').and.include('گونه: درس‌آموخته');
    expect(page.text).to.include('این درگاه هنوز نامهٔ الکترونیکی نمی‌فرستد');
    expect(page.text).to.include('<script src="/static/js/copy-link.js" defer></script>');
    await supertest(portal.app).get('/static/js/copy-link.js').expect(200);
    const feed = parseAtom((await supertest(portal.app).get(`/feeds/${sub!.feedToken}`).expect(200)).text);
    expect(feed.self).to.equal(`https://tajrobe.example.ir/feeds/${sub!.feedToken}`);
  });

  it('changes a subscription to a daily digest, shows its items, and deletes it (its feed ends); another person\'s answers 404', async () => {
    const [sub] = portal.services.subscriptions.list(c.reader.user);
    const page = await reader.agent.get('/subscriptions').expect(200);
    const csrf = csrfFrom(page.text);
    await reader.agent.post(`/subscriptions/${sub!.id}`).type('form').send({ _csrf: csrf, digest: 'daily' }).expect(303);
    expect(portal.services.subscriptions.getOwn(c.reader.user, sub!.id)).to.include({ digest: 'daily', email: false });
    await city.agent.get(`/subscriptions/${sub!.id}`).expect(404);
    await city.agent.post(`/subscriptions/${sub!.id}/delete`).type('form').send({ _csrf: city.csrf }).expect(404);
    const doc = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: 'درس', hazards: ['flood'] }, { content: Buffer.from('آب‌گرفتگی'), name: 'a.txt' }).expect(201);
    await bring(portal, c, doc.body.id, 'published');
    const items = await reader.agent.get(`/subscriptions/${sub!.id}`).expect(200);
    expect(items.text).to.include('هنوز مورد تازه‌ای پیدا نشده است.');
    await reader.agent.post(`/subscriptions/${sub!.id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    await supertest(portal.app).get(`/feeds/${sub!.feedToken}`).expect(404);
    expect((await reader.agent.get('/subscriptions').expect(200)).text).to.include('هنوز جست‌وجویی را پیگیری نمی‌کنید');
  });

  it('the profile page chooses the e-mail language and the notifications sent by e-mail', async () => {
    const page = await city.agent.get('/me').expect(200);
    expect(page.text).to.include('Language and e-mail notifications').and.include('name="email_subscriptions" checked').and.include('This portal does not send e-mail yet');
    await city.agent.post('/me/preferences').type('form').send({ _csrf: csrfFrom(page.text), language: 'en', email_review: 'on', email_packages: 'on' }).expect(303);
    expect(portal.services.users.preferences(c.otherCity.user.id)).to.deep.equal({ language: 'en', email: { review: true, packages: true, subscriptions: false } });
    const persian = await reader.agent.get('/me').expect(200);
    expect(persian.text).to.include('زبان و اعلان‌های نامه‌ای');
    await city.agent.post('/me/preferences').type('form').send({ _csrf: csrfFrom(page.text), language: 'xx' }).expect(400);
    expect(portal.services.users.preferences(c.otherCity.user.id).language).to.equal('en');
  });
});
