import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, DEFAULT_FIELDS, startPortal, storedObjects, uploadRequest, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, type Browser } from '../helpers/sign-in';
import { numberedPages, pdfBytes } from '../helpers/pdf-fixture';
import { requireTools } from '../extraction/extraction-helpers';
import { currentVersion, type DocumentVersion } from '../../server/documents/document';

/**
 * Who gets a document's page images, reader and page words: exactly those who may download that version. Every role
 * against every preview route, for a document owned by Tehran in every state, and for a revision waiting for review.
 * The expectations are written out by hand from DESIGN.md, as in test/api/authorization-matrix.test.ts.
 */
type Role = 'secretariat' | 'owner' | 'otherCity' | 'sharedCity' | 'reader' | 'anonymous';
type State = 'draft' | 'submitted' | 'returned' | 'published' | 'restricted' | 'withdrawn';
type Route = 'summary' | 'pageWords' | 'apiThumbnail' | 'apiPage' | 'reader' | 'thumbnail' | 'page';

const ROLES: Role[] = ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader', 'anonymous'];
const STATES: State[] = ['draft', 'submitted', 'returned', 'published', 'restricted', 'withdrawn'];
const SEES: Record<State, Role[]> = {
  draft: ['secretariat', 'owner'],
  submitted: ['secretariat', 'owner'],
  returned: ['secretariat', 'owner'],
  withdrawn: ['secretariat', 'owner'],
  published: ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'],
  restricted: ['secretariat', 'owner', 'sharedCity'],
};
/** Those who see a revision waiting for review: the document's managers. */
const SEE_REVISIONS: Role[] = ['secretariat', 'owner'];
const API_ROUTES: Route[] = ['summary', 'pageWords', 'apiThumbnail', 'apiPage'];
const PAGE_ROUTES: Route[] = ['reader', 'thumbnail', 'page'];
const TITLE = DEFAULT_FIELDS.title as string;

describe('previews: authorization matrix (role × preview route × state, and revisions under review)', function () {
  this.timeout(300_000);
  let portal: TestPortal;
  let c: Cast;
  const browsers: Partial<Record<Role, Browser>> = {};

  before(async function () {
    requireTools(this, 'pdftoppm', 'pdfinfo', 'pdftotext');
    portal = await startPortal();
    c = await cast(portal);
    for (const role of ROLES) if (role !== 'anonymous') browsers[role] = await signIn(portal.app, c[role].user.username);
  });
  after(() => portal?.close());

  async function documentIn(state: State): Promise<string> {
    const restricted = state === 'restricted';
    const fields = { ...DEFAULT_FIELDS, access: restricted ? 'restricted' : 'portal', sharedWith: restricted ? ['isfahan'] : [] };
    const res = await uploadRequest(portal, c.owner, fields, { content: pdfBytes(numberedPages(3, (n) => [`shelter plan ${n}`])), name: 'نقشه.pdf' });
    expect(res.status).to.equal(201);
    await bring(portal, c, res.body.id, restricted ? 'published' : state);
    return res.body.id as string;
  }

  const tag = (version: DocumentVersion) => version.sha256.slice(0, 16);

  function url(route: Route, id: string, version: DocumentVersion, explicit: boolean): string {
    const images = (base: string) => `${base}/documents/${id}/previews/${version.number}/${tag(version)}`;
    const asked = explicit ? `version=${version.number}` : '';
    switch (route) {
      case 'summary':
        return `/api/v1/documents/${id}/preview${asked ? `?${asked}` : ''}`;
      case 'pageWords':
        return `/api/v1/documents/${id}/preview/pages/2?q=shelter${asked ? `&${asked}` : ''}`;
      case 'apiThumbnail':
        return `${images('/api/v1')}/thumbnail.png`;
      case 'apiPage':
        return `${images('/api/v1')}/page-2.png`;
      case 'reader':
        return `/documents/${id}/read?page=2&q=shelter${asked ? `&${asked}` : ''}`;
      case 'thumbnail':
        return `${images('')}/thumbnail.png`;
      case 'page':
        return `${images('')}/page-2.png`;
    }
  }

  function send(route: Route, role: Role, path: string) {
    if (API_ROUTES.includes(route)) {
      const req = supertest(portal.app).get(path);
      return role === 'anonymous' ? req : req.set(c[role].auth);
    }
    return role === 'anonymous' ? supertest(portal.app).get(path) : browsers[role]!.agent.get(path);
  }

  function expected(route: Route, role: Role, sees: boolean): number {
    if (role === 'anonymous') return API_ROUTES.includes(route) ? 401 : 303;
    return sees ? 200 : 404;
  }

  /** Asks every route as every role; a refusal must change nothing: no audit row, no stored object, the document as it was. */
  async function check(id: string, version: DocumentVersion, explicit: boolean, sees: (role: Role) => boolean, label: string): Promise<string[]> {
    const problems: string[] = [];
    for (const route of [...API_ROUTES, ...PAGE_ROUTES]) {
      for (const role of ROLES) {
        const before = { doc: portal.services.documents.getVisible(c.secretariat.user, id), audit: countRows(portal, 'audit_log'), objects: storedObjects(portal).length };
        const path = url(route, id, version, explicit);
        const res = await send(route, role, path);
        const want = expected(route, role, sees(role));
        if (res.status !== want) problems.push(`${label} ${route} as ${role}: got ${res.status}, expected ${want}`);
        if (res.status === 303) expect(res.headers.location, `${label} ${route}: signed out goes to sign in`).to.equal('/login');
        if (res.status >= 300) {
          expect(portal.services.documents.getVisible(c.secretariat.user, id), `${label} ${route} as ${role}: the document as it was`).to.deep.equal(before.doc);
          expect(countRows(portal, 'audit_log'), `${label} ${route} as ${role}: no audit row`).to.equal(before.audit);
          expect(storedObjects(portal).length, `${label} ${route} as ${role}: nothing drawn or stored`).to.equal(before.objects);
          expect(res.text ?? '', `${label} ${route} as ${role}: the title is not told`).to.not.include(TITLE);
          if (res.status === 404 && API_ROUTES.includes(route)) expect(res.body.error.code).to.equal('not_found');
        }
        if (res.status === 200 && (route === 'apiThumbnail' || route === 'apiPage' || route === 'thumbnail' || route === 'page')) {
          expect(res.headers['content-type'], `${label} ${route} as ${role}`).to.equal('image/png');
        }
      }
    }
    return problems;
  }

  for (const state of STATES) {
    it(`a ${state} document: its previews go exactly to those who see it, 404 to everyone else`, async () => {
      const id = await documentIn(state);
      const version = currentVersion(portal.services.documents.getVisible(c.secretariat.user, id))!;
      const problems = await check(id, version, false, (role) => SEES[state].includes(role), state);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }

  describe('a revision waiting for review', function () {
    let id: string;
    let published: DocumentVersion;
    let revision: DocumentVersion;

    before(async () => {
      id = await documentIn('published');
      await supertest(portal.app)
        .post(`/api/v1/documents/${id}/versions`)
        .set(c.owner.auth)
        .attach('file', pdfBytes(numberedPages(4, (n) => [`revised shelter plan ${n}`])), 'نقشهٔ بازنگری.pdf')
        .expect(201);
      const doc = portal.services.documents.getVisible(c.secretariat.user, id);
      published = doc.versions[0]!;
      revision = doc.versions[1]!;
      expect(revision.revision).to.equal('pending');
      await portal.services.worker.drain();
    });

    it('has its pages shown to the owner city and the secretariat only; to anyone else it is 404, as a version that does not exist', async () => {
      const problems = await check(id, revision, true, (role) => SEE_REVISIONS.includes(role), 'revision');
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('leaves every reader on the published version, which keeps its previews', async () => {
      const problems = await check(id, published, false, (role) => SEES.published.includes(role), 'published');
      expect(problems, problems.join('\n')).to.deep.equal([]);
      const summary = (await supertest(portal.app).get(`/api/v1/documents/${id}/preview`).set(c.reader.auth).expect(200)).body;
      expect(summary).to.include({ version: 1, sha256: published.sha256, pages: 3 });
      const list = await browsers.reader!.agent.get('/documents?city=').expect(200);
      expect(list.text).to.include(`/documents/${id}/previews/1/${tag(published)}/thumbnail.png`).and.not.include(tag(revision));
    });

    it('is on the review desk with its own thumbnail, opening the reader at that version', async () => {
      const desk = await browsers.secretariat!.agent.get('/review').expect(200);
      expect(desk.text).to.include(`/documents/${id}/previews/2/${tag(revision)}/thumbnail.png`);
      expect(desk.text).to.include(`href="/documents/${id}/read?version=2"`);
      const page = await browsers.secretariat!.agent.get(`/documents/${id}/read?version=2`).expect(200);
      expect(page.text).to.include('صفحهٔ ۱ از ۴').and.include('بازنگری در انتظار بررسی');
      // It was drawn in the background when it arrived: the thumbnail is there already.
      const thumbnail = await supertest(portal.app).get(`/api/v1/documents/${id}/previews/2/${tag(revision)}/thumbnail.png`).set(c.owner.auth).expect(200);
      expect(thumbnail.headers['content-type']).to.equal('image/png');
    });

    it('once published, gives every reader the new version’s pages under new URLs', async () => {
      await supertest(portal.app).post(`/api/v1/documents/${id}/publish`).set(c.secretariat.auth).expect(200);
      await portal.services.worker.drain();
      const summary = (await supertest(portal.app).get(`/api/v1/documents/${id}/preview`).set(c.reader.auth).expect(200)).body;
      expect(summary).to.include({ version: 2, sha256: revision.sha256, pages: 4 });
      expect(summary.thumbnail).to.include(`/previews/2/${tag(revision)}/`);
      await supertest(portal.app).get(summary.thumbnail).set(c.reader.auth).expect(200);
      const words = (await supertest(portal.app).get(`/api/v1/documents/${id}/preview/pages/4?q=revised`).set(c.reader.auth).expect(200)).body;
      expect(words.marks).to.have.length(1);
    });
  });
});
