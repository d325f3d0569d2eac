import { expect } from 'chai';
import supertest from 'supertest';
import { en } from '../../server/i18n/en/index';
import { fa } from '../../server/i18n/fa/index';
import { bring, cast, countRows, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, type Browser } from '../helpers/sign-in';

type Catalogue = typeof fa | typeof en;
const CATALOGUES = { fa, en } as const;
const fill = (message: string, params: Record<string, string>) => message.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
const persianDigits = (n: number) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** The pages of revising, withdrawing with a reason, restoring and deleting, in Persian and English. */
describe('document lifecycle pages', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const sessions: Record<string, Browser> = {};

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  /** One signed-in browser per user and language, reused across tests (sign-in is deliberately slow). */
  async function browser(username: string, locale: 'fa' | 'en' = 'fa'): Promise<Browser> {
    const key = `${username}/${locale}`;
    sessions[key] ??= await signIn(portal.app, username, locale);
    return sessions[key]!;
  }
  const status = (id: string) => portal.services.db.prepare('SELECT status FROM documents WHERE id = ?').pluck().get(id);

  async function documentIn(state: 'draft' | 'published' | 'submitted', title = 'مطالعهٔ پهنه‌بندی سیل') {
    const doc = await upload(portal, c.owner, { title, summary: 'خلاصه', kind: 'threat-study', year: '1400' });
    await bring(portal, c, doc.id, state);
    return doc.id;
  }
  async function withRevision(title = 'برنامهٔ آمادگی زلزله') {
    const id = await documentIn('published', title);
    await supertest(portal.app).post(`/api/v1/documents/${id}/versions`).set(c.owner.auth).attach('file', Buffer.from('ویرایش تازه\n'), { filename: 'ویرایش-دوم.txt' }).expect(201);
    return id;
  }

  describe('a revision of a published document', function () {
    for (const locale of ['fa', 'en'] as const) {
      it(`shows the owner the published version and the revision side by side, and no second upload (${locale})`, async () => {
        const t: Catalogue = CATALOGUES[locale];
        const id = await withRevision();
        const html = (await (await browser('tehran-staff', locale)).agent.get(`/documents/${id}`).expect(200)).text;
        expect(html).to.contain(`<h2 id="revision-heading">${escaped(t.documents.revision.heading)}</h2>`);
        expect(html).to.contain(escaped(t.documents.revision.published));
        expect(html).to.contain(`${fill(t.documents.revision.version, { number: locale === 'fa' ? '۲' : '2' })} · ${escaped(t.documents.revision.pending)}`);
        expect(html).to.contain('<p dir="auto" class="filename">گزارش زلزله.pdf</p>');
        expect(html).to.contain('<p dir="auto" class="filename">ویرایش-دوم.txt</p>');
        expect(html).to.contain(`href="/documents/${id}/file?version=2"`);
        expect(html).to.contain(escaped(t.documents.revision.waiting));
        expect(html).to.not.contain('class="version-form"');
        expect(html).to.contain(escaped(t.audit.actions.document.revision_added));
      });
    }

    it('shows readers and other cities only the published version: no revision, its file, its number or its history', async () => {
      const id = await withRevision();
      for (const username of ['reader', 'shiraz-staff']) {
        const html = (await (await browser(username)).agent.get(`/documents/${id}`).expect(200)).text;
        expect(html).to.contain('گزارش زلزله.pdf');
        for (const secret of ['ویرایش-دوم.txt', 'revision-heading', fa.documents.revision.heading, fa.audit.actions.document.revision_added, 'file?version=2', fa.documents.revision.badgePending]) {
          expect(html, `${username} sees ${secret}`).to.not.contain(secret);
        }
        await (await browser(username)).agent.get(`/documents/${id}/file?version=2`).expect(404);
      }
    });

    it('offers the secretariat to publish or return the revision from the page, and lists it on the review desk (fa and en)', async () => {
      const id = await withRevision('ویرایش برنامهٔ مدارس');
      const sec = await browser('sec');
      const page = (await sec.agent.get(`/documents/${id}`).expect(200)).text;
      expect(page).to.contain(`>${escaped(fill(fa.documents.revision.publish, { number: '۲' }))}</button>`);
      expect(page).to.contain(escaped(fa.documents.revision.returnComment));
      expect(page).to.contain(`>${escaped(fa.documents.revision.return)}</button>`);
      for (const locale of ['fa', 'en'] as const) {
        const t: Catalogue = CATALOGUES[locale];
        const desk = (await (await browser('sec', locale)).agent.get('/review').expect(200)).text;
        const section = desk.slice(desk.indexOf('id="review-revisions"'), desk.indexOf('id="review-returned"'));
        expect(section).to.contain(`<a href="/documents/${id}" dir="auto">ویرایش برنامهٔ مدارس</a> <span class="badge">${escaped(t.review.revisions.badge)}</span>`);
        expect(section).to.match(new RegExp(`<td data-label="[^"]+">${locale === 'fa' ? '۲' : '2'}</td>`));
      }
      const cityDesk = await (await browser('tehran-staff')).agent.get('/review');
      expect(cityDesk.status).to.equal(403);
    });

    it('returns the revision from the page with a comment the owner then reads beside the new upload form', async () => {
      const id = await withRevision();
      const sec = await browser('sec');
      const audits = countRows(portal, 'audit_log');
      const empty = await sec.agent.post(`/documents/${id}/return`).type('form').send({ _csrf: sec.csrf, comment: ' ' }).expect(400);
      expect(empty.text).to.contain(escaped(fa.review.returnCommentRequired));
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await sec.agent.post(`/documents/${id}/return`).type('form').send({ _csrf: sec.csrf, comment: 'نقشهٔ پهنه‌بندی را بیفزایید' }).expect(303);
      expect((await sec.agent.get(`/documents/${id}`).expect(200)).text).to.contain(escaped(fa.documents.revision.flashReturned));
      expect(status(id)).to.equal('published');

      const owner = (await (await browser('tehran-staff')).agent.get(`/documents/${id}`).expect(200)).text;
      const card = owner.slice(owner.indexOf('class="version-card version-returned"'), owner.indexOf('</section>', owner.indexOf('id="revision-heading"')));
      expect(card).to.contain(escaped(fa.documents.revision.returned));
      expect(card).to.contain('نقشهٔ پهنه‌بندی را بیفزایید');
      expect(owner).to.contain(`<h3>${escaped(fa.documents.revision.newRevision)}</h3>`);
      expect(owner).to.not.contain(escaped(fa.documents.revision.waiting));
      const reader = (await (await browser('reader')).agent.get(`/documents/${id}`).expect(200)).text;
      expect(reader).to.not.contain('نقشهٔ پهنه‌بندی را بیفزایید');
      expect(reader).to.not.contain(fa.audit.actions.document.revision_returned);
    });

    it('publishes the revision from the page; everyone then sees the new version', async () => {
      const id = await withRevision();
      const sec = await browser('sec');
      await sec.agent.post(`/documents/${id}/publish`).type('form').send({ _csrf: sec.csrf }).expect(303);
      expect((await sec.agent.get(`/documents/${id}`).expect(200)).text).to.contain(escaped(fa.documents.revision.flashPublished));
      const reader = (await (await browser('reader')).agent.get(`/documents/${id}`).expect(200)).text;
      expect(reader).to.contain('ویرایش-دوم.txt');
      expect(reader).to.contain(escaped(fa.audit.actions.document.revision_published));
    });

    it('offers the owner of a published document "upload a revision", and says it waits for review after sending', async () => {
      const id = await documentIn('published');
      const owner = await browser('tehran-staff');
      const page = (await owner.agent.get(`/documents/${id}`).expect(200)).text;
      expect(page).to.contain(`<h3>${escaped(fa.documents.revision.newRevision)}</h3>`);
      expect(page).to.contain(escaped(fa.documents.revision.revisionHint.split('{max}')[1]!));
      const sent = await owner.agent.post(`/documents/${id}/versions?_csrf=${encodeURIComponent(owner.csrf)}`).attach('file', Buffer.from('متن تازه\n'), { filename: 'تازه.txt' }).expect(303);
      expect((await owner.agent.get(sent.headers.location!).expect(200)).text).to.contain(escaped(fill(fa.documents.revision.flashUploaded, { number: '۲' })));
      const reader = (await (await browser('reader')).agent.get(`/documents/${id}`).expect(200)).text;
      expect(reader).to.not.contain(`<h3>${escaped(fa.documents.revision.newRevision)}</h3>`);
    });
  });

  describe('withdrawing with a reason', function () {
    for (const locale of ['fa', 'en'] as const) {
      it(`leads from the page to a confirmation that asks for a reason, refusing an empty one without changing anything (${locale})`, async () => {
        const t: Catalogue = CATALOGUES[locale];
        const id = await documentIn('published');
        const owner = await browser('tehran-staff', locale);
        const page = (await owner.agent.get(`/documents/${id}`).expect(200)).text;
        expect(page).to.contain(`<a class="button secondary" href="/documents/${id}/withdraw">${escaped(t.documents.reviewAction.withdraw)}</a>`);
        expect(page, 'no one-click withdrawal').to.not.contain(`action="/documents/${id}/withdraw"`);
        const confirm = (await owner.agent.get(`/documents/${id}/withdraw`).expect(200)).text;
        expect(confirm).to.contain(`<h1>${escaped(t.documents.withdrawal.title)}</h1>`);
        expect(confirm).to.contain(escaped(fill(t.documents.withdrawal.question, { title: 'مطالعهٔ پهنه‌بندی سیل' })));
        expect(confirm).to.match(/<textarea id="reason" name="reason" rows="4" maxlength="2000" dir="auto" required/);
        expect(confirm).to.contain(`<label for="reason">${escaped(t.documents.withdrawal.reason)}`);

        const audits = countRows(portal, 'audit_log');
        const refused = await owner.agent.post(`/documents/${id}/withdraw`).type('form').send({ _csrf: owner.csrf, reason: '   ' }).expect(400);
        expect(refused.text).to.contain(`<p class="error" role="alert" id="reason-error">${escaped(t.documents.withdrawal.reasonRequired)}</p>`);
        const long = 'دلیل '.repeat(500);
        const tooLong = await owner.agent.post(`/documents/${id}/withdraw`).type('form').send({ _csrf: owner.csrf, reason: long }).expect(400);
        expect(tooLong.text, 'what was typed is kept').to.contain(`>${long}</textarea>`);
        await owner.agent.post(`/documents/${id}/withdraw`).type('form').send({ reason: 'بدون توکن' }).expect(403);
        expect(status(id)).to.equal('published');
        expect(countRows(portal, 'audit_log')).to.equal(audits);
      });
    }

    it('withdraws with the reason, shows it in the history to those who manage the document, and the secretariat restores it from the page', async () => {
      const id = await documentIn('published');
      const owner = await browser('tehran-staff');
      await owner.agent.post(`/documents/${id}/withdraw`).type('form').send({ _csrf: owner.csrf, reason: 'نسخهٔ به‌روزتر در راه است' }).expect(303);
      expect(status(id)).to.equal('withdrawn');
      const history = (await owner.agent.get(`/documents/${id}`).expect(200)).text;
      expect(history).to.contain(`${escaped(fa.documents.withdrawal.historyReason)} <bdi>نسخهٔ به‌روزتر در راه است</bdi>`);
      expect(history, 'only the secretariat restores').to.not.contain(`action="/documents/${id}/restore"`);

      const sec = await browser('sec');
      const secPage = (await sec.agent.get(`/documents/${id}`).expect(200)).text;
      expect(secPage).to.contain(`>${escaped(fill(fa.documents.withdrawal.restore, { status: fa.documents.status.published }))}</button>`);
      await owner.agent.post(`/documents/${id}/restore`).type('form').send({ _csrf: owner.csrf }).expect(403);
      await sec.agent.post(`/documents/${id}/restore`).type('form').send({ _csrf: sec.csrf }).expect(303);
      expect(status(id)).to.equal('published');
      expect((await sec.agent.get(`/documents/${id}`).expect(200)).text).to.contain(escaped(fa.review.flash.restore));
      const reader = (await (await browser('reader')).agent.get(`/documents/${id}`).expect(200)).text;
      expect(reader).to.contain(escaped(fa.audit.actions.document.restored));
      expect(reader, 'the reason is for those who manage the document').to.not.contain('نسخهٔ به‌روزتر در راه است');
    });

    it('answers the confirmation as the workflow does: 403 to who sees but may not withdraw, 404 to who cannot see, 409 when already withdrawn', async () => {
      const published = await documentIn('published');
      const draft = await documentIn('draft');
      expect((await (await browser('reader')).agent.get(`/documents/${published}/withdraw`)).status).to.equal(403);
      expect((await (await browser('shiraz-staff')).agent.get(`/documents/${published}/withdraw`)).status).to.equal(403);
      expect((await (await browser('shiraz-staff')).agent.get(`/documents/${draft}/withdraw`)).status).to.equal(404);
      const reader = await browser('reader');
      expect((await reader.agent.post(`/documents/${published}/withdraw`).type('form').send({ _csrf: reader.csrf, reason: 'x' })).status).to.equal(403);
      await supertest(portal.app).post(`/api/v1/documents/${draft}/withdraw`).set(c.owner.auth).expect(200);
      expect((await (await browser('tehran-staff')).agent.get(`/documents/${draft}/withdraw`)).status).to.equal(409);
      expect(status(published)).to.equal('published');
    });
  });

  describe('deleting', function () {
    for (const locale of ['fa', 'en'] as const) {
      it(`lets the owner city delete a draft from its page, the reason optional (${locale})`, async () => {
        const t: Catalogue = CATALOGUES[locale];
        const id = await documentIn('draft', 'پیش‌نویس اشتباهی');
        const owner = await browser('tehran-staff', locale);
        const page = (await owner.agent.get(`/documents/${id}`).expect(200)).text;
        expect(page).to.contain(`<a class="button danger" href="/documents/${id}/delete">${escaped(t.documents.removal.button)}</a>`);
        const confirm = (await owner.agent.get(`/documents/${id}/delete`).expect(200)).text;
        expect(confirm).to.contain(`<h1>${escaped(t.documents.removal.title)}</h1>`);
        expect(confirm).to.contain(`<label for="reason">${escaped(t.documents.removal.reasonOptional)}`);
        expect(confirm).to.not.match(/<textarea[^>]*required/);
        expect(confirm).to.contain(escaped(fill(t.documents.removal.explain, { count: locale === 'fa' ? persianDigits(1) : '1' })));
        const done = await owner.agent.post(`/documents/${id}/delete`).type('form').send({ _csrf: owner.csrf, reason: '' }).expect(303);
        expect(done.headers.location).to.equal('/documents');
        expect((await owner.agent.get('/documents').expect(200)).text).to.contain(escaped(fill(t.documents.removal.deleted, { title: 'پیش‌نویس اشتباهی' })));
        expect(status(id)).to.equal(undefined);
        expect((await owner.agent.get(`/documents/${id}`)).status).to.equal(404);
      });
    }

    it('offers the owner no deletion of a once-published document (403 on the page and the form, nothing changes)', async () => {
      const id = await documentIn('published');
      const owner = await browser('tehran-staff');
      const page = (await owner.agent.get(`/documents/${id}`).expect(200)).text;
      expect(page).to.not.contain(`/documents/${id}/delete`);
      expect((await owner.agent.get(`/documents/${id}/delete`)).status).to.equal(403);
      const audits = countRows(portal, 'audit_log');
      expect((await owner.agent.post(`/documents/${id}/delete`).type('form').send({ _csrf: owner.csrf, reason: 'x' })).status).to.equal(403);
      expect(status(id)).to.equal('published');
      expect(countRows(portal, 'audit_log')).to.equal(audits);
    });

    it('asks the secretariat for a reason, keeping what was typed when it is refused, then deletes', async () => {
      const id = await documentIn('published', 'سند منتشرشدهٔ نادرست');
      const pkg = await supertest(portal.app).post('/api/v1/packages').set(c.secretariat.auth).send({ title: 'بسته', note: '', documents: [id], audience: { all: true } }).expect(201);
      const sec = await browser('sec', 'en');
      const confirm = (await sec.agent.get(`/documents/${id}/delete`).expect(200)).text;
      expect(confirm).to.contain(`<label for="reason">${escaped(en.documents.removal.reason)}`);
      expect(confirm).to.match(/<textarea[^>]*required/);
      expect(confirm).to.contain(escaped(fill(en.documents.removal.inPackages, { count: '1' })));
      const audits = countRows(portal, 'audit_log');
      const empty = await sec.agent.post(`/documents/${id}/delete`).type('form').send({ _csrf: sec.csrf, reason: '' }).expect(400);
      expect(empty.text).to.contain(escaped(en.documents.removal.reasonRequired));
      const long = 'too long '.repeat(300);
      const tooLong = await sec.agent.post(`/documents/${id}/delete`).type('form').send({ _csrf: sec.csrf, reason: long }).expect(400);
      expect(tooLong.text).to.contain(`>${long}</textarea>`);
      expect(status(id)).to.equal('published');
      expect(countRows(portal, 'audit_log')).to.equal(audits);
      await sec.agent.post(`/documents/${id}/delete`).type('form').send({ _csrf: sec.csrf, reason: 'Published by mistake' }).expect(303);
      expect(status(id)).to.equal(undefined);
      expect((await sec.agent.get('/documents').expect(200)).text).to.contain(escaped(fill(en.documents.removal.deleted, { title: 'سند منتشرشدهٔ نادرست' })));
      expect((await sec.agent.get(`/packages/${pkg.body.id}`).expect(200)).text).to.not.contain('سند منتشرشدهٔ نادرست');
      const audit = (await sec.agent.get(`/audit?documentId=${id}`).expect(200)).text;
      expect(audit).to.contain(escaped(en.audit.actions.document.deleted));
      expect(audit).to.contain('Published by mistake');
    });

    it('refuses the page to who may not delete: 403 when they see the document, 404 when they do not', async () => {
      const published = await documentIn('published');
      const draft = await documentIn('draft');
      expect((await (await browser('reader')).agent.get(`/documents/${published}/delete`)).status).to.equal(403);
      expect((await (await browser('shiraz-staff')).agent.get(`/documents/${published}/delete`)).status).to.equal(403);
      expect((await (await browser('shiraz-staff')).agent.get(`/documents/${draft}/delete`)).status).to.equal(404);
      expect((await (await browser('reader')).agent.get(`/documents/${draft}/delete`)).status).to.equal(404);
      const other = await browser('shiraz-staff');
      expect((await other.agent.post(`/documents/${draft}/delete`).type('form').send({ _csrf: other.csrf })).status).to.equal(404);
      expect(status(draft)).to.equal('draft');
      expect((await (await browser('reader')).agent.get(`/documents/${published}`).expect(200)).text).to.not.contain(`/documents/${published}/delete`);
    });
  });

  it('keeps the document JSON for the upload script in step: a revision answers pending: true', async () => {
    const id = await documentIn('published');
    const owner = await browser('tehran-staff');
    const answer = await owner.agent
      .post(`/documents/${id}/versions?_csrf=${encodeURIComponent(owner.csrf)}`)
      .set('Accept', 'application/json')
      .attach('file', Buffer.from('نسخهٔ تازه\n'), { filename: 'تازه.txt' })
      .expect(201);
    expect(answer.body).to.deep.equal({ id, url: `/documents/${id}`, version: 2, pending: true, duplicates: [] });
  });
});
