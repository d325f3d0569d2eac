import { expect } from 'chai';
import supertest from 'supertest';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import { bring, cast, countRows, SAMPLE_PDF, startPortal, storedObjects, type Cast, type TestPortal } from '../helpers/portal';
import { signIn as signInThroughForm } from '../helpers/sign-in';

const FIELDS: Record<string, string | string[]> = {
  title: 'گزارش تمرین تخلیهٔ مدارس',
  summary: 'تمرین تخلیهٔ اضطراری در مدارس منطقهٔ ۶',
  kind: 'training-material',
  year: '۱۴۰۲',
  hazards: ['earthquake'],
  keywords: 'تخلیه، مدرسه',
  access: 'portal',
};
const TEXT_FILE = { content: Buffer.from('دستورالعمل تخلیهٔ اضطراری دانش‌آموزان هنگام زمین‌لرزه', 'utf8'), name: 'دستورالعمل.txt', type: 'text/plain' };
const PDF_FILE = { content: SAMPLE_PDF, name: 'گزارش.pdf', type: 'application/pdf' };

describe('document pages with the upload script (JSON answers, status, languages)', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;

  /** A browser signed in as `username`, in Persian or (through the language switch) English, with its CSRF token. */
  const signIn = (username: string, locale: 'fa' | 'en' = 'fa') => signInThroughForm(portal.app, username, locale);


  /** What public/js/upload.js sends: the form's fields and one file, asking for JSON. */
  function scriptUpload(agent: supertest.Agent, csrf: string | null, file = TEXT_FILE, fields = FIELDS, url = '/documents/new') {
    const req = agent.post(csrf === null ? url : `${url}?_csrf=${encodeURIComponent(csrf)}`).set('Accept', 'application/json');
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) req.field(name, v);
    req.attach('file', file.content, { filename: file.name, contentType: file.type });
    return req;
  }

  function uploadMessages(html: string): { locale: string; queue: Record<string, string>; errors: Record<string, string> } {
    const json = /<script type="application\/json" id="upload-messages">([^<]*)<\/script>/.exec(html);
    expect(json, 'the upload messages block').to.not.equal(null);
    return JSON.parse(json![1]!);
  }

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  describe('upload answered as JSON', function () {
    it('creates the document and answers 201 { id, url } without a redirect or a flash for the next page', async function () {
      const { agent, csrf } = await signIn(c.owner.user.username);
      const before = countRows(portal, 'documents');
      const res = await scriptUpload(agent, csrf).expect(201).expect('Content-Type', /json/);
      expect(res.body).to.have.keys(['id', 'url', 'duplicates']);
      expect(res.body.url).to.equal(`/documents/${res.body.id}`);
      expect(countRows(portal, 'documents')).to.equal(before + 1);
      const doc = portal.services.documents.getVisible(c.owner.user, res.body.id);
      expect(doc).to.include({ title: FIELDS.title, year: 1402, city: 'tehran', status: 'draft' });
      expect(doc.versions[0]!.filename).to.equal(TEXT_FILE.name);
      const page = await agent.get(res.body.url).expect(200);
      expect(page.text).to.not.include(fa.documents.flash.uploaded);
    });

    it('refuses a disguised executable with JSON 415 unsupported_type and stores nothing', async function () {
      const { agent, csrf } = await signIn(c.owner.user.username);
      const [documents, objects] = [countRows(portal, 'documents'), storedObjects(portal).length];
      const exe = { content: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(512, 1)]), name: 'report.pdf', type: 'application/pdf' };
      const res = await scriptUpload(agent, csrf, exe).expect(415).expect('Content-Type', /json/);
      expect(res.body.error.code).to.equal('unsupported_type');
      expect(countRows(portal, 'documents')).to.equal(documents);
      expect(storedObjects(portal)).to.have.length(objects);
    });

    it('answers a form with missing fields as JSON 400 with the messages in the reader’s language, keeping nothing', async function () {
      const [documents, objects] = [countRows(portal, 'documents'), storedObjects(portal).length];
      const persian = await signIn(c.owner.user.username);
      const fa400 = await scriptUpload(persian.agent, persian.csrf, TEXT_FILE, { ...FIELDS, title: '' }).expect(400);
      expect(fa400.body.error.code).to.equal('validation_failed');
      expect(fa400.body.error.details.fields).to.deep.include({ field: 'title' });
      expect(fa400.body.error.messages).to.deep.equal([fa.documents.fieldErrors.title]);
      const english = await signIn(c.owner.user.username, 'en');
      const en400 = await scriptUpload(english.agent, english.csrf, TEXT_FILE, { ...FIELDS, year: 'abc' }).expect(400);
      expect(en400.body.error.messages).to.deep.equal([en.documents.fieldErrors.year]);
      expect(countRows(portal, 'documents')).to.equal(documents);
      expect(storedObjects(portal)).to.have.length(objects);
    });

    it('refuses a request without the CSRF token with JSON 403 csrf, and a reader with JSON 403 forbidden', async function () {
      const documents = countRows(portal, 'documents');
      const owner = await signIn(c.owner.user.username);
      const noToken = await scriptUpload(owner.agent, null).expect(403);
      expect(noToken.body.error.code).to.equal('csrf');
      const reader = await signIn(c.reader.user.username);
      const refused = await scriptUpload(reader.agent, reader.csrf).expect(403);
      expect(refused.body.error.code).to.equal('forbidden');
      expect(countRows(portal, 'documents')).to.equal(documents);
    });

    it('adds a version as JSON 201 { id, url, version }, and refuses it to another city with 404', async function () {
      const owner = await signIn(c.owner.user.username);
      const { id } = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body;
      const res = await scriptUpload(owner.agent, owner.csrf, PDF_FILE, {}, `/documents/${id}/versions`).expect(201);
      expect(res.body).to.deep.equal({ id, url: `/documents/${id}`, version: 2, pending: false, duplicates: [] });
      expect(portal.services.documents.getVisible(c.owner.user, id).versions).to.have.length(2);
      const other = await signIn(c.otherCity.user.username);
      const refused = await scriptUpload(other.agent, other.csrf, PDF_FILE, {}, `/documents/${id}/versions`).expect(404);
      expect(refused.body.error.code).to.equal('not_found');
      expect(portal.services.documents.getVisible(c.owner.user, id).versions).to.have.length(2);
    });
  });

  describe('GET /documents/:id/status', function () {
    it('follows the text processing of one’s own document until it is searchable', async function () {
      const owner = await signIn(c.owner.user.username);
      const { id } = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body;
      const queued = await owner.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(200).expect('Content-Type', /json/);
      expect(queued.body).to.include({ id, url: `/documents/${id}`, version: 1, state: 'queued', searchable: false, reason: null });
      expect(queued.body.message).to.equal(fa.documents.indexing.queued);

      await portal.services.worker.drain();
      const done = await owner.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(200);
      expect(done.body).to.include({ state: 'done', searchable: true });
      expect(done.body.message).to.equal(fa.documents.indexing.done);
      // "Searchable" means it: the owner's search finds the document by a word of its text.
      const found = await owner.agent.get(`/search?q=${encodeURIComponent('دانش‌آموزان')}`).set('X-Partial', 'results').expect(200);
      expect(found.text).to.include(`/documents/${id}`);
    });

    it('tells the owner why extraction failed, in the reader’s language', async function () {
      const owner = await signIn(c.owner.user.username, 'en');
      const garbage = { content: Buffer.from('%PDF-1.4\nthis is not a real PDF body at all\n%%EOF\n'), name: 'broken.pdf', type: 'application/pdf' };
      const { id } = (await scriptUpload(owner.agent, owner.csrf, garbage).expect(201)).body;
      await portal.services.worker.drain();
      const status = await owner.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(200);
      expect(status.body.state).to.equal('failed');
      expect(status.body.searchable).to.equal(false);
      expect(status.body.reason).to.be.a('string').and.not.equal('');
      expect(status.body.message).to.equal(en.documents.indexing.failed);
    });

    it('answers 404 for another city’s draft and for a reader, 200 once it is published', async function () {
      const owner = await signIn(c.owner.user.username);
      const { id } = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body;
      const other = await signIn(c.otherCity.user.username);
      const hidden = await other.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(404);
      expect(hidden.body.error.code).to.equal('not_found');
      expect(JSON.stringify(hidden.body)).to.not.include(FIELDS.title as string);
      const reader = await signIn(c.reader.user.username);
      await reader.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(404);
      await bring(portal, c, id, 'published');
      const visible = await other.agent.get(`/documents/${id}/status`).set('Accept', 'application/json').expect(200);
      expect(visible.body.id).to.equal(id);
    });

    it('answers 401 to a caller without a session (JSON when asked for, a page otherwise), never a redirect', async function () {
      const owner = await signIn(c.owner.user.username);
      const { id } = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body;
      const json = await supertest(portal.app).get(`/documents/${id}/status`).set('Accept', 'application/json').expect(401);
      expect(json.body.error.code).to.equal('unauthenticated');
      const page = await supertest(portal.app).get(`/documents/${id}/status`).expect(401);
      expect(page.text).to.include(fa.errors.unauthenticated);
    });
  });

  describe('languages', function () {
    it('renders the upload form in Persian with a drop zone, a labelled file input and the script’s messages', async function () {
      const { agent } = await signIn(c.owner.user.username);
      const res = await agent.get('/documents/new').expect(200);
      expect(res.text).to.include(`<h1>${fa.documents.upload.title}</h1>`);
      expect(res.text).to.include(fa.documents.upload.introOwnCity.replace('{city}', 'تهران'));
      expect(res.text).to.match(/<div class="dropzone" data-dropzone>\s*<label for="upload-file">پرونده<\/label>\s*<input id="upload-file" type="file" name="file"/);
      expect(res.text).to.include(`data-max-bytes="${portal.services.config.maxUploadBytes}"`);
      expect(res.text).to.match(/data-extensions="[^"]*\bpdf\b[^"]*\bdocx\b/);
      expect(res.text).to.include('<script src="/static/js/upload.js" defer></script>');
      expect(res.text).to.not.include('/static/upload.js');
      const messages = uploadMessages(res.text);
      expect(messages.locale).to.equal('fa');
      expect(messages.errors.unsupported_type).to.equal(fa.errors.unsupported_type);
      expect(messages.errors.too_large).to.equal(fa.errors.too_large);
      expect(messages.queue.searchable).to.equal(fa.documents.queue.searchable);
      await supertest(portal.app).get('/static/js/upload.js').expect(200).expect('Content-Type', /javascript/);
    });

    it('renders the upload form in English, the script’s messages too', async function () {
      const { agent } = await signIn(c.owner.user.username, 'en');
      const res = await agent.get('/documents/new').expect(200);
      expect(res.text).to.include('<h1>Upload a document</h1>');
      expect(res.text).to.include('only the users of Tehran and the secretariat can see');
      expect(res.text).to.include('<label for="upload-file">File</label>');
      expect(res.text).to.include('Kind of document');
      expect(res.text).to.include('Year written (Solar Hijri)');
      expect(res.text).to.not.include(fa.documents.upload.fieldTitle + '\n');
      expect(res.text).to.not.include(fa.documents.upload.keywordsHint);
      const messages = uploadMessages(res.text);
      expect(messages.locale).to.equal('en');
      expect(messages.errors.unsupported_type).to.equal(en.errors.unsupported_type);
      expect(messages.queue.uploading).to.equal('Uploading… {percent}%');
    });

    it('renders the document page in Persian and in English, with the new-version drop zone for its owner', async function () {
      const owner = await signIn(c.owner.user.username);
      const { id } = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body;
      const persian = await owner.agent.get(`/documents/${id}`).expect(200);
      expect(persian.text).to.include(fa.documents.status.draft);
      expect(persian.text).to.include(`<h2>${fa.documents.page.versions}</h2>`);
      expect(persian.text).to.include(fa.documents.indexing.queued);
      expect(persian.text).to.include(fa.audit.actions.document.created);
      expect(persian.text).to.include('۱۴۰۲');
      expect(persian.text).to.match(/<form class="version-form"[^>]*data-upload[^>]*>[\s\S]*data-dropzone[\s\S]*id="upload-messages"/);

      const english = await signIn(c.owner.user.username, 'en');
      const res = await english.agent.get(`/documents/${id}`).expect(200);
      expect(res.text).to.include('<span class="status status-draft">Draft</span>');
      expect(res.text).to.include('<h2>Versions</h2>');
      expect(res.text).to.include(en.documents.indexing.queued);
      expect(res.text).to.include('Document uploaded');
      expect(res.text).to.include('<dt>Year written</dt><dd>1402</dd>');
      expect(res.text).to.include('Upload a new version');
      expect(res.text).to.not.include(fa.documents.status.draft);
      expect(res.text).to.not.include(fa.documents.page.versions);
    });

    it('lists documents in English with English statuses and Latin digits', async function () {
      const english = await signIn(c.owner.user.username, 'en');
      const res = await english.agent.get('/documents').expect(200);
      expect(res.text).to.include('<h1>Documents</h1>');
      expect(res.text).to.match(/Documents: \d+/);
      expect(res.text).to.include('>Draft</span>');
      expect(res.text).to.include('My city’s documents (Tehran)');
      expect(res.text).to.not.include(fa.documents.list.colTitle + '<');
    });

    it('offers to read a PDF at the page a search hit named, in the reader (phones ignore #page=N), and only for a file with pages and a real page number', async function () {
      const owner = await signIn(c.owner.user.username, 'en');
      const pdf = (await scriptUpload(owner.agent, owner.csrf, PDF_FILE).expect(201)).body.id as string;
      const text = (await scriptUpload(owner.agent, owner.csrf).expect(201)).body.id as string;
      const atPage = await owner.agent.get(`/documents/${pdf}?page=3&q=${encodeURIComponent('زلزله')}`).expect(200);
      expect(atPage.text).to.include(`href="/documents/${pdf}/read?page=3&amp;q=${encodeURIComponent('زلزله')}"`);
      expect(atPage.text).to.include('Read page 3 without downloading');
      for (const url of [`/documents/${pdf}`, `/documents/${pdf}?page=abc`, `/documents/${pdf}?page=0`, `/documents/${text}?page=3`]) {
        const res = await owner.agent.get(url).expect(200);
        expect(res.text, url).to.not.include('/read?page=').and.not.include('/view#page=');
      }
      expect((await owner.agent.get(`/documents/${pdf}`).expect(200)).text, 'a PDF without a page: the reader at its first page').to.include(`href="/documents/${pdf}/read"`);
      expect((await owner.agent.get(`/documents/${text}`).expect(200)).text, 'a text file has no reader').to.not.include(`/documents/${text}/read`);
    });
  });
});
