import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, DEFAULT_FIELDS, startPortal, storedObjects, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';

type Status = 'draft' | 'submitted' | 'returned' | 'published' | 'withdrawn';

/**
 * POST /api/v1/documents/bulk: one action for many documents, each in its own transaction, each id answered
 * exactly as its own call would be — shown here by making the single call on a twin of each document.
 */
describe('documents API: many documents at once (bulk)', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  const bulk = (who: Actor | null, body: unknown) => {
    const req = supertest(portal.app).post('/api/v1/documents/bulk').send(body as object);
    return who ? req.set(who.auth) : req;
  };
  const asSecretariat = (id: string) => portal.services.documents.getVisible(c.secretariat.user, id);
  const searchIds = async (who: Actor, q: string) =>
    (await supertest(portal.app).get('/api/v1/search').query({ q }).set(who.auth).expect(200)).body.hits.map((h: { id: string }) => h.id) as string[];

  async function documentOf(owner: Actor, status: Status, title = DEFAULT_FIELDS.title!) {
    const doc = await upload(portal, owner, { ...DEFAULT_FIELDS, title });
    await bring(portal, c, doc.id, status);
    return doc.id;
  }

  /** What the single route answers for `action` on `id`, as a bulk result would say it. */
  async function singleAnswer(who: Actor, id: string, action: string, comment?: string) {
    const res = await supertest(portal.app).post(`/api/v1/documents/${id}/${action}`).set(who.auth).send(comment ? { comment } : {});
    return res.status === 200 ? { status: res.body.status } : { error: { status: res.status, code: res.body.error.code, message: res.body.error.message } };
  }

  it('a city submits a mix: its drafts and returned documents go, the rest is refused per id as the single call refuses it', async () => {
    const mix: [string, Actor, Status][] = [
      ['own draft', c.owner, 'draft'],
      ['own returned', c.owner, 'returned'],
      ['own submitted', c.owner, 'submitted'],
      ['own published', c.owner, 'published'],
      ["Shiraz's draft", c.otherCity, 'draft'],
      ["Shiraz's published", c.otherCity, 'published'],
    ];
    const ids: string[] = [];
    const twins: string[] = [];
    for (const [, owner, status] of mix) {
      ids.push(await documentOf(owner, status));
      twins.push(await documentOf(owner, status));
    }
    const before = ids.map(asSecretariat);
    const audit = countRows(portal, 'audit_log');
    const res = await bulk(c.owner, { action: 'submit', ids: [...ids, 'no-such-document'] }).expect(200);
    // The two that went have one audit row each; the refused ids are untouched.
    expect(countRows(portal, 'audit_log')).to.equal(audit + 2);
    for (const index of [2, 3, 4, 5]) expect(asSecretariat(ids[index]!), mix[index]![0]).to.deep.equal(before[index]);
    const results = res.body.results as { id: string; status?: string; error?: { status: number } }[];
    expect(results.map((r) => r.id)).to.deep.equal([...ids, 'no-such-document']);
    for (const [index, [what]] of mix.entries()) {
      const want = await singleAnswer(c.owner, twins[index]!, 'submit');
      expect(results[index], what).to.deep.equal({ id: ids[index], ...want });
    }
    expect(results.map((r) => r.status ?? r.error!.status)).to.deep.equal([
      'submitted',
      'submitted',
      409,
      409,
      404,
      403,
      404,
    ]);
    expect(results[6]).to.deep.equal({ id: 'no-such-document', error: { status: 404, code: 'not_found', message: 'no such document' } });
    expect(JSON.stringify(res.body), "Shiraz's draft is not revealed").to.not.include(before[4]!.updatedAt);
  });

  it('the secretariat publishes several at once: each in its own transaction, visible to other cities\' search at once', async () => {
    const ids = [
      await documentOf(c.owner, 'submitted', 'تجربهٔ انبوه اول شن‌زار'),
      await documentOf(c.owner, 'submitted', 'تجربهٔ انبوه دوم شن‌زار'),
      await documentOf(c.owner, 'draft', 'تجربهٔ انبوه سوم شن‌زار'),
    ];
    expect(await searchIds(c.otherCity, 'شن‌زار')).to.deep.equal([]);
    const res = await bulk(c.secretariat, { action: 'publish', ids }).expect(200);
    expect(res.body.results.map((r: { status?: string; error?: { code: string } }) => r.status ?? r.error!.code)).to.deep.equal(['published', 'published', 'invalid_transition']);
    expect(await searchIds(c.otherCity, 'شن‌زار')).to.have.members(ids.slice(0, 2));
    const published = portal.services.notifications.list(c.owner.user.id, { perPage: 50 }).notifications.filter((n) => n.kind === 'document.published');
    expect(published.map((n) => n.link)).to.include.members(ids.slice(0, 2).map((id) => `/documents/${id}`));
  });

  it('returns several with one comment, which each city reads as its review note', async () => {
    const ids = [await documentOf(c.owner, 'submitted'), await documentOf(c.otherCity, 'submitted')];
    const res = await bulk(c.secretariat, { action: 'return', ids, comment: '  جدول خسارت‌ها را کامل کنید  ' }).expect(200);
    expect(res.body.results).to.deep.equal(ids.map((id) => ({ id, status: 'returned' })));
    for (const id of ids) expect(asSecretariat(id).reviewComment).to.equal('جدول خسارت‌ها را کامل کنید');
  });

  it('withdraws several with one reason, recorded in each history', async () => {
    const ids = [await documentOf(c.owner, 'published'), await documentOf(c.owner, 'submitted')];
    await bulk(c.secretariat, { action: 'withdraw', ids, comment: 'نسخهٔ نادرست بارگذاری شده بود' }).expect(200);
    for (const id of ids) {
      const row = portal.services.audit.forDocument(id).find((e) => e.action === 'document.withdrawn');
      expect(row?.details).to.include({ reason: 'نسخهٔ نادرست بارگذاری شده بود', to: 'withdrawn' });
    }
  });

  it('answers a repeated id once', async () => {
    const id = await documentOf(c.owner, 'draft');
    const res = await bulk(c.owner, { action: 'submit', ids: [id, id, id] }).expect(200);
    expect(res.body.results).to.deep.equal([{ id, status: 'submitted' }]);
  });

  it('refuses bad requests as a whole with 400, before touching any document', async () => {
    const id = await documentOf(c.owner, 'submitted');
    const before = asSecretariat(id);
    const [audit, objects] = [countRows(portal, 'audit_log'), storedObjects(portal).length];
    const tooMany = Array.from({ length: 101 }, (_, i) => (i === 0 ? id : `id-${i}`));
    const bad: [string, unknown][] = [
      ['unknown action', { action: 'delete', ids: [id] }],
      ['no action', { ids: [id] }],
      ['no ids', { action: 'publish', ids: [] }],
      ['ids not a list', { action: 'publish', ids: id }],
      ['too many ids', { action: 'publish', ids: tooMany }],
      ['return without a comment', { action: 'return', ids: [id] }],
      ['return with a blank comment', { action: 'return', ids: [id], comment: '   ' }],
      ['a comment for publish', { action: 'publish', ids: [id], comment: 'چرا؟' }],
      ['an unknown field', { action: 'publish', ids: [id], force: true }],
    ];
    for (const [what, body] of bad) {
      const res = await bulk(c.secretariat, body);
      expect(res.status, what).to.equal(400);
      expect(res.body.error.code, what).to.equal('validation_failed');
    }
    const notJson = await supertest(portal.app).post('/api/v1/documents/bulk').set(c.secretariat.auth).set('Content-Type', 'application/json').send('{"action":');
    expect(notJson.status).to.equal(400);
    expect(asSecretariat(id)).to.deep.equal(before);
    expect(countRows(portal, 'audit_log')).to.equal(audit);
    expect(storedObjects(portal).length).to.equal(objects);
    await bulk(null, { action: 'publish', ids: [id] }).expect(401);
    expect(asSecretariat(id)).to.deep.equal(before);
  });

  it('never reads `bulk` as a document id', async () => {
    // `/documents/bulk` is a path of its own that takes POST only: GET is 405, not a look-up of a document called "bulk".
    const get = await supertest(portal.app).get('/api/v1/documents/bulk').set(c.secretariat.auth).expect(405);
    expect(get.headers.allow).to.equal('OPTIONS, POST');
    await supertest(portal.app).post('/api/v1/documents/bulk/publish').set(c.secretariat.auth).expect(404);
  });
});
