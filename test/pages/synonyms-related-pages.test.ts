import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, startPortal, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

/** The secretariat's synonym page, the relaxed-results notice and the related box, in both languages, through the real pages. */
describe('pages: synonym groups, partial results, related experience', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  let source: string;
  let mashhad: string;
  let sameCity: string;

  async function published(who: Actor, title: string, text: string, hazard = 'earthquake'): Promise<string> {
    const res = await supertest(portal.app)
      .post('/api/v1/documents')
      .set(who.auth)
      .field('title', title)
      .field('summary', 'خلاصه')
      .field('kind', 'health-safety-plan')
      .field('year', '1400')
      .field('hazards', hazard)
      .attach('file', Buffer.from(text, 'utf8'), { filename: 'متن.txt' });
    expect(res.status).to.equal(201);
    await portal.services.worker.drain();
    await bring(portal, c, res.body.id, 'published');
    return res.body.id;
  }

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    const mashhadStaff = await actor(portal, 'mashhad-staff', 'city', 'mashhad');
    source = await published(c.owner, 'پناهگاه اضطراری محله', 'پناهگاه اضطراری با مخزن آب و مولد برق برای اسکان موقت');
    mashhad = await published(mashhadStaff, 'اسکان موقت در <مشهد>', 'پناهگاه اضطراری و مولد برق و اسکان موقت');
    sameCity = await published(c.owner, 'پناهگاه دوم تهران', 'پناهگاه اضطراری دوم با مخزن آب');
  });
  after(() => portal.close());

  describe('the synonym groups page', () => {
    it('lists the groups and adds one from the form, in Persian, audited', async () => {
      const { agent, csrf } = await signIn(portal.app, c.secretariat.user.username);
      const page = await agent.get('/synonyms').expect(200);
      expect(page.text).to.contain('lang="fa" dir="rtl"');
      expect(page.text).to.contain('گروه‌های هم‌معنا');
      expect(page.text).to.contain('<bdi class="chip">زمین‌لرزه</bdi>');
      const audit = countRows(portal, 'audit_log');
      const res = await agent.post('/synonyms').type('form').send({ _csrf: csrf, terms: 'تاب‌آوری\nانعطاف‌پذیری، Resilience' }).expect(303);
      expect(res.headers.location).to.equal('/synonyms');
      const after = await agent.get('/synonyms').expect(200);
      expect(after.text).to.contain('گروه هم‌معنا افزوده شد.');
      expect(after.text).to.contain('<bdi class="chip">انعطاف‌پذیری</bdi>');
      expect(countRows(portal, 'audit_log')).to.equal(audit + 1);
    });

    it('keeps what was typed and says what is wrong, in the reader\'s language, storing nothing', async () => {
      const groups = () => portal.services.db.prepare('SELECT count(*) FROM synonym_groups').pluck().get() as number;
      const before = groups();
      for (const [locale, message] of [
        ['fa', 'دست‌کم دو واژهٔ متفاوت بنویسید'],
        ['en', 'Write at least two different terms'],
      ] as const) {
        const { agent, csrf } = await signIn(portal.app, c.secretariat.user.username, locale);
        const res = await agent.post('/synonyms').type('form').send({ _csrf: csrf, terms: 'فقط‌یک' }).expect(400);
        expect(res.text).to.contain(message);
        expect(res.text).to.contain('>فقط‌یک</textarea>');
        const duplicate = await agent.post('/synonyms').type('form').send({ _csrf: csrf, terms: 'زلزله، زمین‌لرزه، Earthquake' }).expect(409);
        expect(duplicate.text).to.contain(locale === 'fa' ? 'گروهی با همین واژه‌ها هست.' : 'A group with the same terms exists already.');
      }
      expect(groups()).to.equal(before);
    });

    it('deletes a group with the form, and refuses the page and the form to everyone else', async () => {
      const { agent, csrf } = await signIn(portal.app, c.secretariat.user.username, 'en');
      const english = await agent.get('/synonyms').expect(200);
      expect(english.text).to.contain('lang="en" dir="ltr"');
      expect(english.text).to.contain('Synonym groups');
      const id = (portal.services.synonyms.list().find((g) => g.terms.includes('Resilience')) ?? { id: 0 }).id;
      for (const role of ['owner', 'reader'] as const) {
        const other = await signIn(portal.app, c[role].user.username);
        await other.agent.get('/synonyms').expect(403);
        await other.agent.post(`/synonyms/${id}/delete`).type('form').send({ _csrf: other.csrf }).expect(403);
        await other.agent.post('/synonyms').type('form').send({ _csrf: other.csrf, terms: 'الف، ب' }).expect(403);
      }
      expect(portal.services.synonyms.list().some((g) => g.id === id)).to.equal(true);
      await agent.post(`/synonyms/${id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
      expect(portal.services.synonyms.list().some((g) => g.id === id)).to.equal(false);
      await agent.post(`/synonyms/${id}/delete`).type('form').send({ _csrf: csrf }).expect(404);
      await agent.post('/synonyms').type('form').send({ terms: 'الف، ب' }).expect(403);
    });
  });

  describe('the search page', () => {
    it('says when the results have only some of the words, in Persian and in English, and links the secretariat to the groups', async () => {
      const fa = await signIn(portal.app, c.reader.user.username);
      const partial = await fa.agent.get(`/search?q=${encodeURIComponent('پناهگاه هواپیما')}`).expect(200);
      expect(partial.text).to.contain('نتایجی که برخی از واژه‌ها را دارند');
      const whole = await fa.agent.get(`/search?q=${encodeURIComponent('پناهگاه')}`).expect(200);
      expect(whole.text).not.to.contain('نتایجی که برخی از واژه‌ها را دارند');
      expect(whole.text).not.to.contain('href="/synonyms"');
      const en = await signIn(portal.app, c.reader.user.username, 'en');
      const partialEn = await en.agent.get(`/search?q=${encodeURIComponent('پناهگاه هواپیما')}`).set('X-Partial', 'results').expect(200);
      expect(partialEn.text).to.contain('Results that have some of the words');
      const sec = await signIn(portal.app, c.secretariat.user.username);
      expect((await sec.agent.get('/search').expect(200)).text).to.contain('href="/synonyms"');
    });
  });

  describe('the related box of the document page', () => {
    it('shows other cities\' related documents, escaped, in Persian digits, never the document\'s own city', async () => {
      const { agent } = await signIn(portal.app, c.reader.user.username);
      const page = await agent.get(`/documents/${source}`).expect(200);
      expect(page.text).to.contain('تجربهٔ مرتبط از شهرهای دیگر');
      expect(page.text).to.contain(`href="/documents/${mashhad}"`);
      expect(page.text).to.contain('اسکان موقت در &lt;مشهد&gt;');
      expect(page.text).to.contain('مشهد · طرح سلامت و ایمنی · ۱۴۰۰');
      expect(page.text).not.to.contain(`href="/documents/${sameCity}"`);
      const en = await signIn(portal.app, c.reader.user.username, 'en');
      expect((await en.agent.get(`/documents/${source}`).expect(200)).text).to.contain('Related experience from other cities');
    });

    it('leaves the box out when no other city has related work', async () => {
      const { agent } = await signIn(portal.app, c.owner.user.username);
      const alone = await published(c.owner, 'سند تنها', 'واژه‌هایی که هیچ سند دیگری ندارد: ژرفاسنجی', 'fire');
      const page = await agent.get(`/documents/${alone}`).expect(200);
      expect(page.text).not.to.contain('تجربهٔ مرتبط از شهرهای دیگر');
    });
  });
});
