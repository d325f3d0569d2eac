import { expect } from 'chai';
import supertest from 'supertest';
import { loadConfig } from '../../server/config';
import { wire } from '../../server/wire';
import { bring, cast, countRows, startPortal, type Actor, type Cast, type TestPortal } from '../helpers/portal';

/**
 * Synonym groups (GET/POST/DELETE /api/v1/synonyms), labels, query syntax and related documents
 * (GET /api/v1/documents/:id/related) through the real portal, with its seeded groups.
 */
describe('search API: synonyms, labels, query syntax, related documents', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  const api = () => supertest(portal.app);
  const groups = () => portal.services.db.prepare('SELECT count(*) FROM synonym_groups').pluck().get() as number;
  const ids = async (who: Actor, q: string): Promise<string[]> =>
    (await api().get(`/api/v1/search?q=${encodeURIComponent(q)}`).set(who.auth).expect(200)).body.hits.map((h: { id: string }) => h.id);

  async function publishedText(who: Actor, text: string, fields: Record<string, string | string[]> = {}): Promise<string> {
    const req = api().post('/api/v1/documents').set(who.auth);
    const all: Record<string, string | string[]> = { title: 'گزارش', summary: 'خلاصه', kind: 'public-education', year: '1400', access: 'portal', ...fields };
    for (const [name, value] of Object.entries(all)) for (const v of [value].flat()) req.field(name, v);
    const res = await req.attach('file', Buffer.from(text, 'utf8'), { filename: 'متن.txt' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await portal.services.worker.drain();
    await bring(portal, c, res.body.id, 'published');
    return res.body.id;
  }

  it('lists the groups seeded from the vocabulary to everyone signed in', async () => {
    const res = await api().get('/api/v1/synonyms').set(c.reader.auth).expect(200);
    const terms = (res.body as { id: number; terms: string[] }[]).map((g) => g.terms);
    expect(terms).to.deep.include(['زلزله', 'زمین‌لرزه', 'Earthquake']);
    expect(terms).to.deep.include(['شیراز', 'Shiraz']);
    for (const group of res.body) expect(group).to.have.keys(['id', 'terms']);
    await api().get('/api/v1/synonyms').expect(401);
  });

  it('finds a document by a seeded synonym and by the names of its tags, in both languages', async () => {
    const id = await publishedText(c.owner, 'تمرین تخلیه هنگام زمین‌لرزه در مدرسه', { hazards: ['earthquake'] });
    for (const q of ['زلزله', 'زمین‌لرزه', 'earthquake', 'Tehran', 'تهران', 'public education']) expect(await ids(c.reader, q), q).to.include(id);
  });

  it('refuses a group from anyone but the secretariat, and a refusal changes nothing', async () => {
    const id = await publishedText(c.owner, 'گزارش پدافند غیرعامل شهری');
    expect(await ids(c.reader, 'مصونیت‌بخشی')).to.deep.equal([]);
    const [before, audit] = [groups(), countRows(portal, 'audit_log')];
    for (const role of ['owner', 'otherCity', 'sharedCity', 'reader'] as const) {
      const res = await api().post('/api/v1/synonyms').set(c[role].auth).send({ terms: ['پدافند غیرعامل', 'مصونیت‌بخشی'] });
      expect(res.status, role).to.equal(403);
      expect(res.body.error.code).to.equal('forbidden');
    }
    await api().post('/api/v1/synonyms').send({ terms: ['پدافند غیرعامل', 'مصونیت‌بخشی'] }).expect(401);
    expect([groups(), countRows(portal, 'audit_log')]).to.deep.equal([before, audit]);
    expect(await ids(c.reader, 'مصونیت‌بخشی')).to.deep.equal([]);
    expect(id).to.be.a('string');
  });

  it('refuses bad groups with 400 and the field, storing nothing', async () => {
    const [before, audit] = [groups(), countRows(portal, 'audit_log')];
    for (const body of [{}, { terms: ['تنها'] }, { terms: ['سیل', 'سيل'] }, { terms: ['…', 'سیل'] }, { terms: 'سیل' }, { terms: ['الف', 'ب'], other: 1 }, { terms: Array.from({ length: 21 }, (_, i) => `واژه${i}`) }]) {
      const res = await api().post('/api/v1/synonyms').set(c.secretariat.auth).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.include({ code: 'validation_failed' });
      expect(res.body.error.message).to.be.a('string');
    }
    await api().delete('/api/v1/synonyms/not-a-number').set(c.secretariat.auth).expect(400);
    expect([groups(), countRows(portal, 'audit_log')]).to.deep.equal([before, audit]);
  });

  it('adds a group that search follows at once, refuses the same group twice, and deletes it, each audited', async () => {
    const id = await publishedText(c.otherCity, 'برنامهٔ تاب‌آوری محله‌ها', { title: 'تاب‌آوری' });
    expect(await ids(c.reader, 'انعطاف‌پذیری')).to.deep.equal([]);
    const created = await api().post('/api/v1/synonyms').set(c.secretariat.auth).send({ terms: ['تاب‌آوری', 'انعطاف‌پذیری', 'Resilience'] }).expect(201);
    expect(created.body).to.deep.equal({ id: created.body.id, terms: ['تاب‌آوری', 'انعطاف‌پذیری', 'Resilience'] });
    for (const q of ['انعطاف‌پذیری', 'resilience']) expect(await ids(c.reader, q), q).to.deep.equal([id]);
    const again = await api().post('/api/v1/synonyms').set(c.secretariat.auth).send({ terms: ['resilience', 'انعطاف پذیری', 'تاب‌آوری'] });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('synonym_group_exists');
    const audit = portal.services.db.prepare(`SELECT action, target, details FROM audit_log WHERE target = ? ORDER BY id`).all(`synonyms:${created.body.id}`);
    expect(audit).to.deep.equal([{ action: 'synonyms.created', target: `synonyms:${created.body.id}`, details: JSON.stringify({ terms: ['تاب‌آوری', 'انعطاف‌پذیری', 'Resilience'] }) }]);
    await api().delete(`/api/v1/synonyms/${created.body.id}`).set(c.secretariat.auth).expect(204);
    expect(await ids(c.reader, 'انعطاف‌پذیری')).to.deep.equal([]);
    expect(portal.services.db.prepare(`SELECT action FROM audit_log WHERE target = ? ORDER BY id`).pluck().all(`synonyms:${created.body.id}`)).to.deep.equal([
      'synonyms.created',
      'synonyms.deleted',
    ]);
    await api().delete(`/api/v1/synonyms/${created.body.id}`).set(c.secretariat.auth).expect(404);
  });

  it('seeds each vocabulary group once: a deleted one stays deleted after a restart', async () => {
    const list = (await api().get('/api/v1/synonyms').set(c.secretariat.auth).expect(200)).body as { id: number; terms: string[] }[];
    const drought = list.find((g) => g.terms.includes('Drought'))!;
    await api().delete(`/api/v1/synonyms/${drought.id}`).set(c.secretariat.auth).expect(204);
    const restarted = await wire(loadConfig({ DATA_DIR: portal.dataDir }));
    try {
      expect(restarted.synonyms.list().some((g) => g.terms.includes('Drought'))).to.equal(false);
      expect(restarted.synonyms.list().length).to.equal(list.length - 1);
    } finally {
      restarted.sessions.close();
      await restarted.searchIndex.close();
      restarted.db.close();
    }
  });

  it('takes phrases and -word, and says when the hits have only some of the words', async () => {
    const together = await publishedText(c.owner, 'کارگروه پایش فرونشست زمین');
    const apart = await publishedText(c.otherCity, 'پایش در کارگروه و فرونشست');
    expect(await ids(c.reader, '"کارگروه پایش فرونشست"')).to.deep.equal([together]);
    expect(await ids(c.reader, 'فرونشست -کارگروه')).to.deep.equal([]);
    expect(await ids(c.reader, 'فرونشست پایش')).to.have.members([together, apart]);
    const partial = await api().get(`/api/v1/search?q=${encodeURIComponent('فرونشست هواپیما')}`).set(c.reader.auth).expect(200);
    expect(partial.body.relaxed).to.equal(true);
    expect(partial.body.hits.map((h: { id: string }) => h.id)).to.have.members([together, apart]);
    const whole = await api().get(`/api/v1/search?q=${encodeURIComponent('فرونشست')}`).set(c.reader.auth).expect(200);
    expect(whole.body.relaxed).to.equal(false);
    for (const q of ['"', '-', '--فرونشست', '"فرونشست', '«»', 'NOT فرونشست', 'فرونشست*']) {
      const res = await api().get(`/api/v1/search?q=${encodeURIComponent(q)}`).set(c.reader.auth);
      expect(res.status, q).to.equal(200);
    }
  });

  describe('related documents', () => {
    let source: string;
    let mashhad: string;
    let sameCity: string;
    let restricted: string;
    let draft: string;

    before(async () => {
      source = await publishedText(c.owner, 'پناهگاه اضطراری محله با مخزن آب و مولد برق برای اسکان موقت', { hazards: ['earthquake'], title: 'پناهگاه محله' });
      sameCity = await publishedText(c.owner, 'پناهگاه اضطراری دوم با مخزن آب', { hazards: ['earthquake'], title: 'پناهگاه دوم' });
      const otherCity = await actor('mashhad-staff', 'mashhad');
      mashhad = await publishedText(otherCity, 'پناهگاه اضطراری و اسکان موقت پس از زلزله با مولد برق', { hazards: ['earthquake'], title: 'اسکان موقت' });
      restricted = await publishedText(c.otherCity, 'پناهگاه اضطراری و مخزن آب و مولد برق و اسکان موقت', { hazards: ['earthquake'], access: 'restricted', title: 'محرمانه' });
      const res = await api()
        .post('/api/v1/documents')
        .set(c.otherCity.auth)
        .field('title', 'پیش‌نویس پناهگاه')
        .field('summary', 'خلاصه')
        .field('kind', 'other')
        .field('year', '1400')
        .field('hazards', 'earthquake')
        .attach('file', Buffer.from('پناهگاه اضطراری مخزن آب مولد برق اسکان موقت', 'utf8'), { filename: 'متن.txt' })
        .expect(201);
      draft = res.body.id;
      await portal.services.worker.drain();
    });

    async function actor(username: string, city: string): Promise<Actor> {
      const user = await portal.services.users.create({ username, password: 'correct-horse-battery', role: 'city', city }, null);
      const token = await api().post('/api/v1/tokens').send({ username, password: 'correct-horse-battery' }).expect(201);
      return { user, token: token.body.token, auth: { Authorization: `Bearer ${token.body.token}` } };
    }

    it('answers up to five documents the caller may see, other cities first, in the shape of search hits', async () => {
      const res = await api().get(`/api/v1/documents/${source}/related`).set(c.reader.auth).expect(200);
      const hits = res.body.hits as { id: string; city: string }[];
      expect(hits.length).to.be.within(2, 5);
      expect(hits.map((h) => h.id)).to.include.members([mashhad, sameCity]);
      expect(hits.map((h) => h.id)).not.to.include.members([source, restricted, draft]);
      expect(hits.findIndex((h) => h.id === mashhad)).to.be.lessThan(hits.findIndex((h) => h.id === sameCity));
      for (const hit of res.body.hits) expect(hit).to.have.keys(['id', 'type', 'title', 'city', 'kind', 'year', 'snippet', 'page']);
      expect(res.body.hits.map((h: { type: string }) => h.type), 'related answers documents only').to.satisfy((types: string[]) => types.every((type) => type === 'document'));
      const own = (await api().get(`/api/v1/documents/${source}/related`).set(c.otherCity.auth).expect(200)).body.hits.map((h: { id: string }) => h.id);
      expect(own).to.include.members([restricted, draft]);
    });

    it('answers 404 for a document the caller may not see, exactly like a missing one', async () => {
      const hidden = await api().get(`/api/v1/documents/${draft}/related`).set(c.reader.auth).expect(404);
      const missing = await api().get('/api/v1/documents/no-such-document/related').set(c.reader.auth).expect(404);
      expect(hidden.body).to.deep.equal(missing.body);
      await api().get(`/api/v1/documents/${source}/related`).expect(401);
    });
  });
});
