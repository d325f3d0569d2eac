import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, type Cast, type TestPortal } from '../helpers/portal';
import { signIn as signInThroughForm } from '../helpers/sign-in';

describe('search page', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;
  let published: string;
  let draft: string;

  const signIn = async (username: string) => (await signInThroughForm(portal.app, username)).agent;

  async function uploadText(title: string, text: string) {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(c.owner.auth)
      .field('title', title)
      .field('summary', 'خلاصه')
      .field('kind', 'training-material')
      .field('year', '1393')
      .field('hazards', 'flood')
      .attach('file', Buffer.from(text, 'utf8'), { filename: 'a.txt' });
    expect(res.status).to.equal(201);
    return res.body.id as string;
  }

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    published = await uploadText('کارگاه سیل‌بند', 'صفحهٔ نخست\fدر این صفحه از <سیل‌بند> و تخلیهٔ اضطراری می‌گوییم');
    draft = await uploadText('پیش‌نویس سیل‌بند محرمانه', 'سیل‌بند پیش‌نویس');
    await bring(portal, c, published, 'published');
    await portal.services.worker.drain();
  });
  after(() => portal.close());

  it('shows hits with city, kind, year in Persian, a highlighted snippet and a link to the page', async () => {
    const agent = await signIn(c.reader.user.username);
    const res = await agent.get(`/search?q=${encodeURIComponent('سیلبند')}`).expect(200);
    expect(res.text).to.contain('lang="fa" dir="rtl"');
    expect(res.text).to.contain('کارگاه سیل‌بند');
    expect(res.text).to.contain('تهران');
    expect(res.text).to.contain('۱۳۹۳');
    expect(res.text).to.match(/<mark>/);
    expect(res.text).to.contain('&lt;');
    expect(res.text).to.contain(`/documents/${published}/view#page=2`);
    expect(res.text).to.not.contain('پیش‌نویس سیل‌بند محرمانه');
    expect(res.text).to.not.contain(draft);
  });

  it('lists facets with Persian counts and turns a chosen filter into a removable chip', async () => {
    const agent = await signIn(c.owner.user.username);
    const all = await agent.get(`/search?q=${encodeURIComponent('سیلبند')}`).expect(200);
    expect(all.text).to.contain('۲ نتیجه');
    const filtered = await agent.get(`/search?q=${encodeURIComponent('سیلبند')}&hazard=flood&city=tehran`).expect(200);
    expect(filtered.text).to.contain('class="chip"');
    expect(filtered.text).to.contain('مخاطره: سیل');
    expect(filtered.text).to.match(/href="\/search\?q=[^"]*&amp;city=tehran"[^>]*aria-label="برداشتن پالایهٔ مخاطره/);
  });

  it('says so in Persian when nothing is found, and on a malformed query', async () => {
    const agent = await signIn(c.reader.user.username);
    const none = await agent.get(`/search?q=${encodeURIComponent('آتشفشان')}`).expect(200);
    expect(none.text).to.contain('سند یا درس‌آموخته‌ای پیدا نشد');
    const bad = await agent.get('/search?year=abc').expect(400);
    expect(bad.text).to.contain('نشانی جست‌وجو نادرست است');
  });

  it('sends a visitor without a session to sign in', async () => {
    const res = await supertest(portal.app).get('/search?q=x').expect(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('opens a PDF hit inline at its page, and never serves HTML inline', async () => {
    const agent = await signIn(c.owner.user.username);
    const view = await agent.get(`/documents/${published}/view`).expect(200);
    expect(view.headers['content-disposition']).to.match(/^attachment;/);
    const other = await signIn(c.otherCity.user.username);
    await other.get(`/documents/${draft}/view`).expect(404);
  });
});
