import { expect } from 'chai';
import supertest from 'supertest';
import { actor, bring, cast, countRows, DEFAULT_FIELDS, PASSWORD, SAMPLE_PDF, startPortal, storedObjects, upload, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { bringLesson, LESSON_FIELDS, lessonRow, recordLesson } from '../helpers/lessons';

/**
 * Every role against every document route, for a document owned by Tehran in every state.
 * The expectations are written out here by hand from DESIGN.md, not computed from the policy under test.
 */
type Role = 'secretariat' | 'owner' | 'otherCity' | 'sharedCity' | 'reader' | 'anonymous';
type State = 'draft' | 'submitted' | 'returned' | 'published' | 'restricted' | 'withdrawn';
type Action = 'view' | 'download' | 'related' | 'preview' | 'edit' | 'addVersion' | 'share' | 'submit' | 'publish' | 'return' | 'withdraw' | 'restore' | 'delete';
type WorkflowAction = 'submit' | 'publish' | 'return' | 'withdraw';

const ROLES: Role[] = ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader', 'anonymous'];
const STATES: State[] = ['draft', 'submitted', 'returned', 'published', 'restricted', 'withdrawn'];

/** Who can see a document in each state (the restricted one is published and shared with Isfahan, the "sharedCity"). */
const SEES: Record<State, Role[]> = {
  draft: ['secretariat', 'owner'],
  submitted: ['secretariat', 'owner'],
  returned: ['secretariat', 'owner'],
  withdrawn: ['secretariat', 'owner'],
  published: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'],
  restricted: ['secretariat', 'owner', 'sharedCity'],
};

const MANAGERS: Role[] = ['secretariat', 'owner'];
const REVIEWERS: Role[] = ['secretariat'];

/**
 * For each action: who may take it, in which states it succeeds (else 409), and its success status;
 * `anyState` names who may take it whatever the state.
 */
const RULES: Record<Action, { who: Role[] | 'viewers'; states: State[]; ok: number; anyState?: Role[] }> = {
  view: { who: 'viewers', states: STATES, ok: 200 },
  download: { who: 'viewers', states: STATES, ok: 200 },
  related: { who: 'viewers', states: STATES, ok: 200 },
  // Page images and the reader have a matrix of their own (test/previews/previews-authorization.test.ts).
  preview: { who: 'viewers', states: STATES, ok: 200 },
  edit: { who: MANAGERS, states: ['draft', 'returned'], ok: 200, anyState: ['secretariat'] },
  // On a published document the new version is a revision that waits for review.
  addVersion: { who: MANAGERS, states: ['draft', 'returned', 'published', 'restricted'], ok: 201 },
  share: { who: MANAGERS, states: ['draft', 'submitted', 'returned', 'published', 'restricted'], ok: 200 },
  submit: { who: MANAGERS, states: ['draft', 'returned'], ok: 200 },
  publish: { who: REVIEWERS, states: ['submitted', 'withdrawn'], ok: 200 },
  return: { who: REVIEWERS, states: ['submitted'], ok: 200 },
  withdraw: { who: MANAGERS, states: ['draft', 'submitted', 'returned', 'published', 'restricted'], ok: 200 },
  restore: { who: REVIEWERS, states: ['withdrawn'], ok: 200 },
  delete: { who: MANAGERS, states: STATES, ok: 204 },
};

/** States in which the document was once published: its city may no longer delete it (403), only the secretariat. */
const ONCE_PUBLISHED: State[] = ['published', 'restricted', 'withdrawn'];

function expected(role: Role, state: State, action: Action): number {
  if (role === 'anonymous') return 401;
  if (!SEES[state].includes(role)) return 404;
  const rule = RULES[action];
  if (rule.who !== 'viewers' && !rule.who.includes(role)) return 403;
  if (action === 'delete' && role === 'owner' && ONCE_PUBLISHED.includes(state)) return 403;
  return rule.states.includes(state) || rule.anyState?.includes(role) ? rule.ok : 409;
}

function request(app: TestPortal['app'], action: Action, id: string, who: Actor | null) {
  const agent = supertest(app);
  const url = `/api/v1/documents/${id}`;
  const r = (() => {
    switch (action) {
      case 'view':
        return agent.get(url);
      case 'download':
        return agent.get(`${url}/file`);
      case 'related':
        return agent.get(`${url}/related`);
      case 'preview':
        return agent.get(`${url}/preview`);
      case 'edit':
        return agent.patch(url).send({ title: 'ویرایش' });
      case 'addVersion':
        return agent.post(`${url}/versions`).attach('file', SAMPLE_PDF, 'نسخه.pdf');
      case 'share':
        return agent.post(`${url}/shares`).send({ cities: ['isfahan'] });
      case 'return':
        return agent.post(`${url}/return`).send({ comment: 'کامل نیست' });
      case 'delete':
        return agent.delete(url).send({ reason: 'بارگذاری نادرست' });
      default:
        return agent.post(`${url}/${action}`);
    }
  })();
  return who ? r.set(who.auth) : r;
}

describe('authorization matrix: role × document route × state', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  const actorOf = (role: Role): Actor | null => (role === 'anonymous' ? null : c[role]);

  async function documentIn(state: State): Promise<string> {
    const restricted = state === 'restricted';
    const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, access: restricted ? 'restricted' : 'portal', sharedWith: restricted ? ['isfahan'] : [] });
    await bring(portal, c, doc.id, restricted ? 'published' : state);
    return doc.id;
  }

  for (const state of STATES) {
    for (const action of Object.keys(RULES) as Action[]) {
      it(`${action} on a ${state} document`, async () => {
        const outcomes: string[] = [];
        for (const role of ROLES) {
          const id = await documentIn(state);
          const before = portal.services.documents.getVisible(c.secretariat.user, id);
          const [audits, objects] = [countRows(portal, 'audit_log'), storedObjects(portal).length];
          const res = await request(portal.app, action, id, actorOf(role));
          const want = expected(role, state, action);
          if (res.status !== want) outcomes.push(`${role}: got ${res.status}, expected ${want} (${JSON.stringify(res.body?.error ?? '')})`);
          if (res.status >= 400) {
            expect(res.body.error?.code, `${role} ${action} ${state}: JSON error`).to.be.a('string');
            const after = portal.services.documents.getVisible(c.secretariat.user, id);
            expect(after, `${role} ${action} ${state}: a refusal changes nothing`).to.deep.equal(before);
            expect(countRows(portal, 'audit_log'), `${role} ${action} ${state}: no audit row`).to.equal(audits);
            expect(storedObjects(portal), `${role} ${action} ${state}: no stored object`).to.have.length(objects);
          }
          if (want === 404) expect(JSON.stringify(res.body)).to.not.contain(DEFAULT_FIELDS.title);
        }
        expect(outcomes, outcomes.join('\n')).to.deep.equal([]);
      });
    }
  }

  describe('bulk: each id answered as its own call would be', () => {
    const WORKFLOW: WorkflowAction[] = ['submit', 'publish', 'return', 'withdraw'];
    const STATUS_AFTER: Record<WorkflowAction, string> = { submit: 'submitted', publish: 'published', return: 'returned', withdraw: 'withdrawn' };
    const CODE: Record<number, string> = { 403: 'forbidden', 404: 'not_found', 409: 'invalid_transition' };

    for (const action of WORKFLOW) {
      it(`POST /documents/bulk ${action}: one document in every state, for every role`, async () => {
        const outcomes: string[] = [];
        for (const role of ROLES) {
          const ids = new Map<string, State>();
          for (const state of STATES) ids.set(await documentIn(state), state);
          const before = new Map([...ids.keys()].map((id) => [id, portal.services.documents.getVisible(c.secretariat.user, id)]));
          const who = actorOf(role);
          const req = supertest(portal.app)
            .post('/api/v1/documents/bulk')
            .send({ action, ids: [...ids.keys()], ...(action === 'return' ? { comment: 'کامل نیست' } : {}) });
          const res = await (who ? req.set(who.auth) : req);
          if (role === 'anonymous') {
            expect(res.status).to.equal(401);
            continue;
          }
          expect(res.status, `${role} bulk ${action}`).to.equal(200);
          const results = res.body.results as { id: string; status?: string; error?: { code: string; status: number } }[];
          expect(results.map((r) => r.id), 'one answer per id, in order').to.deep.equal([...ids.keys()]);
          for (const result of results) {
            const state = ids.get(result.id)!;
            const want = expected(role, state, action);
            const got = result.error ? `${result.error.status} ${result.error.code}` : `200 ${result.status}`;
            const wanted = want === 200 ? `200 ${STATUS_AFTER[action]}` : `${want} ${CODE[want]}`;
            if (got !== wanted) outcomes.push(`${role} on a ${state} document: got ${got}, expected ${wanted}`);
            if (result.error) {
              const after = portal.services.documents.getVisible(c.secretariat.user, result.id);
              expect(after, `${role} bulk ${action} ${state}: a refusal changes nothing`).to.deep.equal(before.get(result.id));
              if (want === 404) expect(JSON.stringify(result)).to.not.contain(DEFAULT_FIELDS.title);
            }
          }
        }
        expect(outcomes, outcomes.join('\n')).to.deep.equal([]);
      });
    }
  });

  describe('lessons: role × lesson route × state', () => {
    type LessonState = 'draft' | 'submitted' | 'returned' | 'published' | 'restricted';
    type LessonAction = 'view' | 'similar' | 'edit' | 'submit' | 'publish' | 'return' | 'addAction' | 'learned';
    const LESSON_STATES: LessonState[] = ['draft', 'submitted', 'returned', 'published', 'restricted'];
    const LESSON_SEES: Record<LessonState, Role[]> = {
      draft: ['secretariat', 'owner'],
      submitted: ['secretariat', 'owner'],
      returned: ['secretariat', 'owner'],
      published: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'],
      restricted: ['secretariat', 'owner', 'sharedCity'],
    };
    const LESSON_RULES: Record<LessonAction, { who: Role[] | 'viewers'; states: LessonState[]; ok: number; anyState?: Role[] }> = {
      view: { who: 'viewers', states: LESSON_STATES, ok: 200 },
      similar: { who: 'viewers', states: LESSON_STATES, ok: 200 },
      edit: { who: MANAGERS, states: ['draft', 'returned'], ok: 200, anyState: ['secretariat'] },
      submit: { who: MANAGERS, states: ['draft', 'returned'], ok: 200 },
      publish: { who: REVIEWERS, states: ['submitted'], ok: 200 },
      return: { who: REVIEWERS, states: ['submitted'], ok: 200 },
      addAction: { who: MANAGERS, states: ['published', 'restricted'], ok: 201 },
      // Learned only once every action is done: a lesson with none is never implemented.
      learned: { who: REVIEWERS, states: [], ok: 200 },
    };
    const expectedFor = (role: Role, state: LessonState, action: LessonAction): number => {
      if (role === 'anonymous') return 401;
      if (!LESSON_SEES[state].includes(role)) return 404;
      const rule = LESSON_RULES[action];
      if (rule.who !== 'viewers' && !rule.who.includes(role)) return 403;
      return rule.states.includes(state) || rule.anyState?.includes(role) ? rule.ok : 409;
    };
    const send = (action: LessonAction, id: string, who: Actor | null) => {
      const agent = supertest(portal.app);
      const url = `/api/v1/lessons/${id}`;
      const r = (() => {
        switch (action) {
          case 'view':
            return agent.get(url);
          case 'similar':
            return agent.get(`${url}/similar`);
          case 'edit':
            return agent.patch(url).send({ title: 'ویرایش درس' });
          case 'return':
            return agent.post(`${url}/return`).send({ comment: 'کامل نیست' });
          case 'addAction':
            return agent.post(`${url}/actions`).send({ description: 'تمرین', city: 'tehran', due: '1406-01-01' });
          case 'learned':
            return agent.post(`${url}/learned`).send({ note: 'آموخته شد' });
          default:
            return agent.post(`${url}/${action}`);
        }
      })();
      return who ? r.set(who.auth) : r;
    };
    const lessonIn = async (state: LessonState) => {
      const restricted = state === 'restricted';
      const lesson = await recordLesson(portal, c.owner, { access: restricted ? 'restricted' : 'portal', sharedWith: restricted ? ['isfahan'] : [] });
      await bringLesson(portal, c, lesson.id, restricted ? 'published' : state);
      return lesson.id;
    };
    const snapshot = (id: string) => ({
      lesson: lessonRow(portal, id),
      actions: portal.services.db.prepare('SELECT * FROM lesson_actions WHERE lesson_id = ? ORDER BY id').all(id),
    });

    for (const state of LESSON_STATES) {
      for (const action of Object.keys(LESSON_RULES) as LessonAction[]) {
        it(`${action} on a ${state} lesson`, async () => {
          const outcomes: string[] = [];
          for (const role of ROLES) {
            const id = await lessonIn(state);
            const before = snapshot(id);
            const audits = countRows(portal, 'audit_log');
            const res = await send(action, id, actorOf(role));
            const want = expectedFor(role, state, action);
            if (res.status !== want) outcomes.push(`${role}: got ${res.status}, expected ${want} (${JSON.stringify(res.body?.error ?? '')})`);
            if (res.status >= 400) {
              expect(res.body.error?.code, `${role} ${action} ${state}: JSON error`).to.be.a('string');
              expect(snapshot(id), `${role} ${action} ${state}: a refusal changes nothing`).to.deep.equal(before);
              expect(countRows(portal, 'audit_log'), `${role} ${action} ${state}: no audit row`).to.equal(audits);
            }
            if (want === 404) expect(JSON.stringify(res.body)).to.not.contain(LESSON_FIELDS.title);
          }
          expect(outcomes, outcomes.join('\n')).to.deep.equal([]);
        });
      }
    }

    it('completing an action: only the staff of the action\'s city, never another city or the secretariat', async () => {
      const id = await lessonIn('published');
      const planned = await supertest(portal.app).post(`/api/v1/lessons/${id}/actions`).set(c.secretariat.auth).send({ description: 'تمرین', city: 'shiraz', due: '1406-01-01' }).expect(201);
      const WANT: Record<Role, number> = { secretariat: 403, owner: 403, otherCity: 200, sharedCity: 403, reader: 403, anonymous: 401 };
      const outcomes: string[] = [];
      for (const role of [...ROLES].reverse()) {
        const before = snapshot(id);
        const audits = countRows(portal, 'audit_log');
        const req = supertest(portal.app).post(`/api/v1/lessons/${id}/actions/${planned.body.id}/done`).send({ evidence: 'انجام شد' });
        const who = actorOf(role);
        const res = await (who ? req.set(who.auth) : req);
        if (res.status !== WANT[role]) outcomes.push(`${role}: got ${res.status}, expected ${WANT[role]}`);
        if (res.status >= 400) {
          expect(snapshot(id), `${role}: a refusal changes nothing`).to.deep.equal(before);
          expect(countRows(portal, 'audit_log')).to.equal(audits);
        }
      }
      expect(outcomes, outcomes.join('\n')).to.deep.equal([]);
    });

    it('lists a lesson only for those who see it', async () => {
      for (const state of LESSON_STATES) {
        const id = await lessonIn(state);
        for (const role of ROLES) {
          const who = actorOf(role);
          if (!who) {
            await supertest(portal.app).get('/api/v1/lessons').expect(401);
            continue;
          }
          const ids = [] as string[];
          for (let page = 1; ; page += 1) {
            const res = await supertest(portal.app).get(`/api/v1/lessons?perPage=100&page=${page}`).set(who.auth).expect(200);
            ids.push(...res.body.lessons.map((l: { id: string }) => l.id));
            if (ids.length >= res.body.total) break;
          }
          expect(ids.includes(id), `${role} lists a ${state} lesson`).to.equal(LESSON_SEES[state].includes(role));
        }
      }
    });
  });

  describe('listing and the other routes', () => {
    /** A user the secretariat's temporary-password route may act on without disturbing the cast. */
    let bystander: Actor;
    before(async () => {
      bystander = await actor(portal, 'bystander', 'reader', 'tabriz');
    });
    const everyone: Role[] = ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'];
    /** A fresh city id of letters only, as `POST /cities` wants. */
    const cityId = () => `city-${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
    it('lists a document only for those who see it', async () => {
      for (const state of STATES) {
        const id = await documentIn(state);
        for (const role of ROLES) {
          const who = actorOf(role);
          if (!who) {
            await supertest(portal.app).get('/api/v1/documents').expect(401);
            continue;
          }
          const ids = [] as string[];
          for (let page = 1; ; page += 1) {
            const res = await supertest(portal.app).get(`/api/v1/documents?perPage=100&page=${page}`).set(who.auth).expect(200);
            ids.push(...res.body.documents.map((d: { id: string }) => d.id));
            if (ids.length >= res.body.total) break;
          }
          expect(ids.includes(id), `${role} lists a ${state} document`).to.equal(SEES[state].includes(role));
        }
      }
    });

    const ROUTES: { name: string; send: (agent: supertest.Agent | ReturnType<typeof supertest>) => supertest.Test; allowed: Role[]; ok: number }[] = [
      { name: 'GET /cities', send: (a) => a.get('/api/v1/cities'), allowed: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'], ok: 200 },
      { name: 'GET /vocabulary', send: (a) => a.get('/api/v1/vocabulary'), allowed: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'], ok: 200 },
      { name: 'GET /resolutions', send: (a) => a.get('/api/v1/resolutions'), allowed: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'], ok: 200 },
      { name: 'GET /users', send: (a) => a.get('/api/v1/users'), allowed: ['secretariat'], ok: 200 },
      { name: 'GET /synonyms', send: (a) => a.get('/api/v1/synonyms'), allowed: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'], ok: 200 },
      {
        name: 'POST /synonyms',
        send: (a) => a.post('/api/v1/synonyms').send({ terms: [`واژه${Math.random().toString(36).slice(2, 8)}`, `term${Math.random().toString(36).slice(2, 8)}`] }),
        allowed: ['secretariat'],
        ok: 201,
      },
      {
        name: 'POST /users',
        send: (a) => a.post('/api/v1/users').send({ username: `u-${Math.random().toString(36).slice(2, 10)}`, password: 'long-enough-pw', role: 'reader' }),
        allowed: ['secretariat'],
        ok: 201,
      },
      {
        name: 'POST /documents',
        send: (a) => {
          const r = a.post('/api/v1/documents');
          for (const [k, v] of Object.entries({ ...DEFAULT_FIELDS })) for (const x of [v].flat()) r.field(k, x as string);
          return r.attach('file', SAMPLE_PDF, 'x.pdf');
        },
        allowed: ['owner', 'otherCity', 'sharedCity'],
        ok: 201,
      },
      { name: 'GET /cities/:id', send: (a) => a.get('/api/v1/cities/tehran'), allowed: everyone, ok: 200 },
      { name: 'GET /cities/:id/people', send: (a) => a.get('/api/v1/cities/tehran/people'), allowed: everyone, ok: 200 },
      { name: 'POST /cities', send: (a) => a.post('/api/v1/cities').send({ id: cityId(), name: 'شهر تازه', nameEn: 'New city' }), allowed: ['secretariat'], ok: 201 },
      { name: 'PATCH /cities/:id', send: (a) => a.patch('/api/v1/cities/yazd').send({ nameEn: 'Yazd' }), allowed: ['secretariat'], ok: 200 },
      { name: 'GET /me', send: (a) => a.get('/api/v1/me'), allowed: everyone, ok: 200 },
      { name: 'PATCH /me', send: (a) => a.patch('/api/v1/me').send({ jobTitle: 'کارشناس' }), allowed: everyone, ok: 200 },
      { name: 'POST /users/:id/password', send: (a) => a.post(`/api/v1/users/${bystander.user.id}/password`).send({ password: 'temporary-pass-123' }), allowed: ['secretariat'], ok: 204 },
      { name: 'GET /me/preferences', send: (a) => a.get('/api/v1/me/preferences'), allowed: everyone, ok: 200 },
      { name: 'PATCH /me/preferences', send: (a) => a.patch('/api/v1/me/preferences').send({ email: { packages: true } }), allowed: everyone, ok: 200 },
      { name: 'GET /lessons', send: (a) => a.get('/api/v1/lessons'), allowed: everyone, ok: 200 },
      { name: 'POST /lessons', send: (a) => a.post('/api/v1/lessons').send(LESSON_FIELDS), allowed: ['owner', 'otherCity', 'sharedCity'], ok: 201 },
      { name: 'GET /subscriptions', send: (a) => a.get('/api/v1/subscriptions'), allowed: everyone, ok: 200 },
      { name: 'POST /subscriptions', send: (a) => a.post('/api/v1/subscriptions').send({ q: 'زلزله', filters: { hazard: ['earthquake'] } }), allowed: everyone, ok: 201 },
    ];

    for (const route of ROUTES) {
      it(`${route.name} for every role`, async () => {
        for (const role of ROLES) {
          const who = actorOf(role);
          const req = route.send(supertest(portal.app));
          const audits = countRows(portal, 'audit_log');
          const res = await (who ? req.set(who.auth) : req);
          // The secretariat may upload and record lessons, but for a city it names: without one, 400.
          const want = role === 'anonymous' ? 401 : route.allowed.includes(role) ? route.ok : role === 'secretariat' && ['POST /documents', 'POST /lessons'].includes(route.name) ? 400 : 403;
          expect(res.status, `${role} ${route.name}: ${JSON.stringify(res.body)}`).to.equal(want);
          if (res.status >= 400) expect(countRows(portal, 'audit_log'), `${role} ${route.name}: a refusal records nothing`).to.equal(audits);
        }
      });
    }

    it('POST /me/password: every role changes its own password and keeps its token; the anonymous get 401', async () => {
      const other = 'another-long-passphrase';
      for (const role of ROLES) {
        const who = actorOf(role);
        const change = (current: string, next: string) => {
          const req = supertest(portal.app).post('/api/v1/me/password').send({ current, new: next });
          return who ? req.set(who.auth) : req;
        };
        if (!who) {
          await change(PASSWORD, other).expect(401);
          continue;
        }
        await change(PASSWORD, other).expect(204);
        await change(other, PASSWORD).expect(204);
        await supertest(portal.app).get('/api/v1/me').set(who.auth).expect(200);
      }
    });

    it('a pending revision of a published document: who decides on it, who may send another, who may download it', async () => {
      const REVISION_RULES: Record<'publish' | 'return' | 'addVersion' | 'downloadRevision', Record<Role, number>> = {
        publish: { secretariat: 200, owner: 403, otherCity: 403, sharedCity: 403, reader: 403, anonymous: 401 },
        return: { secretariat: 200, owner: 403, otherCity: 403, sharedCity: 403, reader: 403, anonymous: 401 },
        addVersion: { secretariat: 409, owner: 409, otherCity: 403, sharedCity: 403, reader: 403, anonymous: 401 },
        downloadRevision: { secretariat: 200, owner: 200, otherCity: 404, sharedCity: 404, reader: 404, anonymous: 401 },
      };
      const outcomes: string[] = [];
      for (const [action, statuses] of Object.entries(REVISION_RULES)) {
        for (const role of ROLES) {
          const id = await documentIn('published');
          await supertest(portal.app).post(`/api/v1/documents/${id}/versions`).set(c.owner.auth).attach('file', Buffer.from('ویرایش\n'), 'ویرایش.txt').expect(201);
          const before = portal.services.documents.getVisible(c.secretariat.user, id);
          const audits = countRows(portal, 'audit_log');
          const who = actorOf(role);
          const agent = supertest(portal.app);
          const url = `/api/v1/documents/${id}`;
          const req =
            action === 'downloadRevision'
              ? agent.get(`${url}/file?version=2`)
              : action === 'addVersion'
                ? agent.post(`${url}/versions`).attach('file', SAMPLE_PDF, 'دیگر.pdf')
                : action === 'return'
                  ? agent.post(`${url}/return`).send({ comment: 'کامل نیست' })
                  : agent.post(`${url}/publish`);
          const res = await (who ? req.set(who.auth) : req);
          if (res.status !== statuses[role]) outcomes.push(`${role} ${action}: got ${res.status}, expected ${statuses[role]}`);
          if (res.status >= 400) {
            expect(portal.services.documents.getVisible(c.secretariat.user, id), `${role} ${action}: a refusal changes nothing`).to.deep.equal(before);
            expect(countRows(portal, 'audit_log')).to.equal(audits);
          }
          if (who) {
            const seen = await supertest(portal.app).get(url).set(who.auth).expect(200);
            const revisionSeen = seen.body.versions.some((v: { number: number }) => v.number === 2);
            const published = action === 'publish' && res.status === 200;
            expect(revisionSeen, `${role} sees version 2 after ${action}`).to.equal(published || MANAGERS.includes(role));
          }
        }
      }
      expect(outcomes, outcomes.join('\n')).to.deep.equal([]);
    });

    it('lets only the secretariat delete a synonym group; a refusal leaves it, its audit and the index as they were', async () => {
      const created = await supertest(portal.app).post('/api/v1/synonyms').set(c.secretariat.auth).send({ terms: ['آزمونک', 'سنجشک'] }).expect(201);
      const id = created.body.id as number;
      const audit = () => portal.services.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
      const before = audit();
      for (const role of ['owner', 'otherCity', 'sharedCity', 'reader'] as const) {
        const res = await supertest(portal.app).delete(`/api/v1/synonyms/${id}`).set(c[role].auth);
        expect(res.status, role).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      await supertest(portal.app).delete(`/api/v1/synonyms/${id}`).expect(401);
      expect(audit()).to.equal(before);
      expect((await supertest(portal.app).get('/api/v1/synonyms').set(c.reader.auth).expect(200)).body).to.deep.include({ id, terms: ['آزمونک', 'سنجشک'] });
      await supertest(portal.app).delete(`/api/v1/synonyms/${id}`).set(c.secretariat.auth).expect(204);
      await supertest(portal.app).delete(`/api/v1/synonyms/${id}`).set(c.secretariat.auth).expect(404);
      expect(audit()).to.equal(before + 1);
    });

    it('lets a city upload only for itself', async () => {
      const res = await supertest(portal.app)
        .post('/api/v1/documents')
        .set(c.owner.auth)
        .field('title', 'برای شهر دیگر')
        .field('summary', 'x')
        .field('kind', 'other')
        .field('year', '1391')
        .field('city', 'shiraz')
        .attach('file', SAMPLE_PDF, 'x.pdf');
      expect(res.status).to.equal(403);
    });

    it('lets only the secretariat disable and enable a user, and a disabled user\'s token stops working', async () => {
      const target = c.reader.user.id;
      for (const role of ['owner', 'otherCity', 'reader'] as const) {
        await supertest(portal.app).post(`/api/v1/users/${target}/disable`).set(c[role].auth).expect(403);
      }
      await supertest(portal.app).post(`/api/v1/users/${target}/disable`).expect(401);
      await supertest(portal.app).post(`/api/v1/users/${target}/disable`).set(c.secretariat.auth).expect(204);
      await supertest(portal.app).get('/api/v1/cities').set(c.reader.auth).expect(401);
      await supertest(portal.app).post(`/api/v1/users/${target}/enable`).set(c.secretariat.auth).expect(204);
      await supertest(portal.app).post('/api/v1/users/999999/enable').set(c.secretariat.auth).expect(404);
    });
  });
});
