import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { actor, binaryBody, bring, cast, startPortal, uploadRequest, DEFAULT_FIELDS, type Actor, type Cast, type TestPortal } from '../helpers/portal';
import { csrfFrom, signIn as signInThroughForm } from '../helpers/sign-in';
import { readZip } from '../helpers/zip-reader';


const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const pdf = (marker: string) => Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

describe('packages', function () {
  let portal: TestPortal;
  let c: Cast;
  let karaj: Actor;
  const docs: Record<'a' | 'restricted' | 'withdrawn' | 'sameName' | 'draft', { id: string; title: string; file: string; bytes: Buffer }> = {} as never;
  const api = () => supertest(portal.app);

  async function uploadAs(who: Actor, key: keyof typeof docs, title: string, file: string, extra: Record<string, string | string[]> = {}) {
    const bytes = pdf(`${key}-${title}`);
    const res = await uploadRequest(portal, who, { ...DEFAULT_FIELDS, title, ...extra }, { content: bytes, name: file });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    docs[key] = { id: res.body.id, title, file, bytes };
  }

  function download(who: Actor, id: string) {
    return api().get(`/api/v1/packages/${id}/download`).set(who.auth).buffer(true).parse(binaryBody);
  }

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    portal.services.db.prepare("UPDATE cities SET is_new_metropolis = 1 WHERE id = 'karaj'").run();
    karaj = await actor(portal, 'karaj-staff', 'city', 'karaj');
    await uploadAs(c.owner, 'a', 'مطالعهٔ خطر زلزلهٔ تهران', 'گزارش زلزلهٔ تهران.pdf');
    await uploadAs(c.owner, 'restricted', 'نقشهٔ محرمانهٔ شریان‌های حیاتی', 'نقشهٔ شریان‌ها.pdf', { access: 'restricted', sharedWith: ['isfahan'] });
    await uploadAs(c.owner, 'withdrawn', 'جزوهٔ آموزشی پس‌گرفته', 'آموزش همگانی.pdf', { kind: 'training-material' });
    await uploadAs(c.owner, 'sameName', 'نسخهٔ دیگر گزارش زلزله', 'گزارش زلزلهٔ تهران.pdf');
    await uploadAs(c.owner, 'draft', 'پیش‌نویس منتشرنشده', 'پیش‌نویس.pdf');
    for (const key of ['a', 'restricted', 'withdrawn', 'sameName'] as const) await bring(portal, c, docs[key].id, 'published');
  });

  after(async function () {
    await portal?.close();
  });

  const create = (who: Actor, body: object) => api().post('/api/v1/packages').set(who.auth).send(body);

  describe('who may compile and publish', function () {
    it('answers 401 without a token, 403 to cities and readers', async function () {
      const body = { title: 'بسته', documents: [docs.a.id], audience: { all: true } };
      await api().post('/api/v1/packages').send(body).expect(401);
      await api().get('/api/v1/packages').expect(401);
      for (const who of [c.owner, c.reader]) {
        const res = await create(who, body).expect(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      // 403 comes before validation: a bad body from a reader is still 403.
      await create(c.reader, {}).expect(403);
    });

    it('refuses documents that are unknown (404, like a missing id), not published (409) or listed twice (400), creating nothing', async function () {
      const packagesBefore = portal.services.db.prepare('SELECT count(*) FROM packages').pluck().get();
      const cases = [
        { documents: ['no-such-id', docs.a.id], status: 404, code: 'not_found' },
        { documents: [docs.a.id, docs.draft.id], status: 409, code: 'not_published' },
        { documents: [docs.a.id, docs.a.id], status: 400, code: 'validation_failed' },
        { documents: [], status: 400, code: 'validation_failed' },
      ];
      for (const { documents, status, code } of cases) {
        const res = await create(c.secretariat, { title: 'بسته', documents, audience: { all: true } }).expect(status);
        expect(res.body.error.code, JSON.stringify(documents)).to.equal(code);
        if (documents.length > 0) expect(res.body.error.details.fields[0].field).to.equal('documents');
      }
      expect(portal.services.db.prepare('SELECT count(*) FROM packages').pluck().get(), 'nothing was created').to.equal(packagesBefore);
      await create(c.secretariat, { title: 'بسته', documents: [docs.a.id], audience: { cities: ['atlantis'] } }).expect(400);
      await create(c.secretariat, { title: 'بسته', documents: [docs.a.id], audience: { cities: [] } }).expect(400);
    });

    it('a non-secretariat publishing gets 403; publishing twice is 409', async function () {
      const created = await create(c.secretariat, { title: 'دوبار', documents: [docs.a.id], audience: { all: true } }).expect(201);
      await api().post(`/api/v1/packages/${created.body.id}/publish`).set(c.owner.auth).expect(403);
      await api().post(`/api/v1/packages/${created.body.id}/publish`).set(c.secretariat.auth).expect(200);
      const again = await api().post(`/api/v1/packages/${created.body.id}/publish`).set(c.secretariat.auth).expect(409);
      expect(again.body.error.code).to.equal('already_published');
      await api().patch(`/api/v1/packages/${created.body.id}`).set(c.secretariat.auth).send({ title: 'x' }).expect(409);
    });
  });

  describe('a package to all, with a restricted and a later-withdrawn item', function () {
    let id: string;

    before(async function () {
      const res = await create(c.secretariat, {
        title: 'بستهٔ تجربیات زلزله',
        note: 'برای جلسهٔ دهم',
        documents: [
          { id: docs.a.id, note: 'نخست این را بخوانید' },
          docs.restricted.id,
          { id: docs.withdrawn.id, note: 'آموزش' },
          docs.sameName.id,
        ],
        audience: { all: true },
      }).expect(201);
      id = res.body.id;
      expect(res.body).to.include({ title: 'بستهٔ تجربیات زلزله', note: 'برای جلسهٔ دهم', status: 'draft', downloads: 0, publishedAt: null });
      expect(res.body.audience).to.deep.equal({ all: true });
      expect(res.body.items.map((i: { document: string }) => i.document)).to.deep.equal([docs.a.id, docs.restricted.id, docs.withdrawn.id, docs.sameName.id]);
      expect(res.body.items[0]).to.deep.equal({ document: docs.a.id, title: docs.a.title, city: 'tehran', kind: 'threat-study', year: 1391, note: 'نخست این را بخوانید' });
      await api().get(`/api/v1/packages/${id}`).set(c.reader.auth).expect(404);
      await download(c.reader, id).expect(404);

      const published = await api().post(`/api/v1/packages/${id}/publish`).set(c.secretariat.auth).expect(200);
      expect(published.body.status).to.equal('published');
      expect(published.body.publishedAt).to.be.a('string');
      await bring(portal, c, docs.withdrawn.id, 'draft');
      await api().post(`/api/v1/documents/${docs.withdrawn.id}/withdraw`).set(c.secretariat.auth).expect(200);
    });

    it('notifies cities and readers when published', function () {
      const rows = portal.services.db
        .prepare("SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'package.received' AND n.link = ?")
        .pluck()
        .all(`/packages/${id}`) as string[];
      expect(rows).to.include.members(['reader', 'shiraz-staff', 'tehran-staff', 'karaj-staff']);
      expect(rows).not.to.include('sec');
    });

    it('the package JSON lists only what each reader may see now', async function () {
      const seen = async (who: Actor) =>
        ((await api().get(`/api/v1/packages/${id}`).set(who.auth).expect(200)).body.items as { document: string }[]).map((i) => i.document);
      expect(await seen(c.reader)).to.deep.equal([docs.a.id, docs.sameName.id]);
      expect(await seen(c.otherCity)).to.deep.equal([docs.a.id, docs.sameName.id]);
      expect(await seen(c.sharedCity)).to.deep.equal([docs.a.id, docs.restricted.id, docs.sameName.id]);
      expect(await seen(c.secretariat)).to.deep.equal([docs.a.id, docs.restricted.id, docs.sameName.id]);
      const readerJson = JSON.stringify((await api().get(`/api/v1/packages/${id}`).set(c.reader.auth)).body);
      for (const hidden of [docs.restricted, docs.withdrawn]) {
        expect(readerJson).not.to.include(hidden.id);
        expect(readerJson).not.to.include(hidden.title);
      }
      const list = await api().get('/api/v1/packages').set(c.reader.auth).expect(200);
      expect(list.body.map((p: { id: string }) => p.id)).to.include(id);
      expect(JSON.stringify(list.body)).not.to.include(docs.restricted.id);
    });

    it('streams a ZIP that passes unzip -t, with Persian UTF-8 names, index.html and a matching manifest, holding only what the reader may see', async function () {
      const res = await download(c.reader, id).expect(200);
      expect(res.headers['content-type']).to.equal('application/zip');
      expect(res.headers['content-disposition']).to.include(`filename*=UTF-8''${encodeURIComponent('بستهٔ تجربیات زلزله.zip')}`);
      expect(res.headers['content-length']).to.equal(undefined);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-zip-'));
      try {
        const file = path.join(dir, 'package.zip');
        fs.writeFileSync(file, res.body as Buffer);
        const test = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
        expect(test).to.match(/No errors detected/);
        execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }

      const entries = await readZip(res.body as Buffer);
      const folder = 'بستهٔ تجربیات زلزله';
      expect(entries.map((e) => e.name)).to.deep.equal([
        `${folder}/01 - گزارش زلزلهٔ تهران.pdf`,
        `${folder}/02 - گزارش زلزلهٔ تهران.pdf`,
        `${folder}/index.html`,
        `${folder}/manifest.json`,
      ]);
      for (const e of entries.filter((x) => /[^\x00-\x7f]/.test(x.name))) expect(e.utf8Flag, e.name).to.equal(true);
      const byName = new Map(entries.map((e) => [e.name, e.data]));
      expect(byName.get(`${folder}/01 - گزارش زلزلهٔ تهران.pdf`)!.equals(docs.a.bytes)).to.equal(true);
      expect(byName.get(`${folder}/02 - گزارش زلزلهٔ تهران.pdf`)!.equals(docs.sameName.bytes)).to.equal(true);

      const manifest = JSON.parse(byName.get(`${folder}/manifest.json`)!.toString('utf8'));
      expect(manifest).to.include({ package: id, title: 'بستهٔ تجربیات زلزله' });
      expect(manifest.generatedAt).to.be.a('string');
      expect(manifest.items.map((i: { document: string }) => i.document)).to.deep.equal([docs.a.id, docs.sameName.id]);
      for (const item of manifest.items) {
        const data = byName.get(`${folder}/${item.filename}`)!;
        expect(item.sha256).to.equal(sha256(data));
        expect(item.size).to.equal(data.length);
        expect(item).to.include({ version: 1, contentType: 'application/pdf' });
      }

      const index = byName.get(`${folder}/index.html`)!.toString('utf8');
      expect(index).to.include('lang="fa"').and.include('dir="rtl"');
      expect(index).to.include(docs.a.title).and.include('تهران').and.include('مطالعهٔ خطر').and.include('۱۳۹۱');
      expect(index).to.include('نخست این را بخوانید');
      expect(index).to.include(`href="${encodeURIComponent('01 - گزارش زلزلهٔ تهران.pdf')}"`);
      for (const hidden of [docs.restricted, docs.withdrawn]) {
        expect(index).not.to.include(hidden.title);
        expect(JSON.stringify(manifest)).not.to.include(hidden.id);
        expect(entries.some((e) => e.name.includes(hidden.file.replace('.pdf', '')))).to.equal(false);
      }
    });

    it('the city it is shared with receives the restricted item too', async function () {
      const res = await download(c.sharedCity, id).expect(200);
      const entries = await readZip(res.body as Buffer);
      expect(entries.map((e) => e.name.split('/')[1])).to.deep.equal([
        '01 - گزارش زلزلهٔ تهران.pdf',
        '02 - نقشهٔ شریان‌ها.pdf',
        '03 - گزارش زلزلهٔ تهران.pdf',
        'index.html',
        'manifest.json',
      ]);
    });

    it('counts downloads per package', async function () {
      const before = (await api().get(`/api/v1/packages/${id}`).set(c.reader.auth).expect(200)).body.downloads as number;
      await download(c.otherCity, id).expect(200);
      await download(c.reader, id).expect(200);
      const after = (await api().get(`/api/v1/packages/${id}`).set(c.reader.auth).expect(200)).body.downloads as number;
      expect(after).to.equal(before + 2);
    });
  });

  describe('audiences', function () {
    async function publishedPackage(audience: object): Promise<string> {
      const res = await create(c.secretariat, { title: 'بستهٔ مخاطب‌دار', documents: [docs.a.id], audience }).expect(201);
      await api().post(`/api/v1/packages/${res.body.id}/publish`).set(c.secretariat.auth).expect(200);
      return res.body.id;
    }

    it('chosen cities: a city outside the audience and a reader get 404 everywhere', async function () {
      const id = await publishedPackage({ cities: ['isfahan', 'tehran'] });
      await api().get(`/api/v1/packages/${id}`).set(c.sharedCity.auth).expect(200);
      await download(c.owner, id).expect(200);
      for (const who of [c.otherCity, c.reader, karaj]) {
        await api().get(`/api/v1/packages/${id}`).set(who.auth).expect(404);
        await download(who, id).expect(404);
        const list = await api().get('/api/v1/packages').set(who.auth).expect(200);
        expect(list.body.map((p: { id: string }) => p.id)).not.to.include(id);
      }
      const notified = portal.services.db
        .prepare("SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.link = ?")
        .pluck()
        .all(`/packages/${id}`);
      expect(notified).to.have.members(['isfahan-staff', 'tehran-staff']);
    });

    it('new metropolises follows the city flag', async function () {
      const id = await publishedPackage({ newMetropolises: true });
      const res = await api().get(`/api/v1/packages/${id}`).set(karaj.auth).expect(200);
      expect(res.body.audience).to.deep.equal({ newMetropolises: true });
      await download(karaj, id).expect(200);
      for (const who of [c.otherCity, c.reader]) await api().get(`/api/v1/packages/${id}`).set(who.auth).expect(404);
      portal.services.db.prepare("UPDATE cities SET is_new_metropolis = 1 WHERE id = 'shiraz'").run();
      try {
        await api().get(`/api/v1/packages/${id}`).set(c.otherCity.auth).expect(200);
      } finally {
        portal.services.db.prepare("UPDATE cities SET is_new_metropolis = 0 WHERE id = 'shiraz'").run();
      }
    });

    it('a draft is seen by the secretariat only and can be reordered', async function () {
      const res = await create(c.secretariat, { title: 'پیش‌نویس بسته', documents: [docs.a.id, docs.sameName.id], audience: { all: true } }).expect(201);
      const id = res.body.id;
      for (const who of [c.owner, c.reader]) await api().get(`/api/v1/packages/${id}`).set(who.auth).expect(404);
      await api().patch(`/api/v1/packages/${id}`).set(c.owner.auth).send({ title: 'x' }).expect(403);
      const patched = await api()
        .patch(`/api/v1/packages/${id}`)
        .set(c.secretariat.auth)
        .send({ documents: [docs.sameName.id, { id: docs.a.id, note: 'دوم' }] })
        .expect(200);
      expect(patched.body.items.map((i: { document: string; note: string }) => [i.document, i.note])).to.deep.equal([
        [docs.sameName.id, ''],
        [docs.a.id, 'دوم'],
      ]);
    });
  });

  describe('streaming', function () {
    it('downloads a package with a 50 MB file while the process grows far less than 50 MB', async function () {
      this.timeout(120_000);
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(50 * 1024 * 1024)]);
      const uploaded = await uploadRequest(portal, c.owner, { ...DEFAULT_FIELDS, title: 'پروندهٔ بزرگ' }, { content: big, name: 'بزرگ.pdf' });
      expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
      await bring(portal, c, uploaded.body.id, 'published');
      const pkg = await create(c.secretariat, { title: 'بستهٔ بزرگ', documents: [uploaded.body.id], audience: { all: true } }).expect(201);
      await api().post(`/api/v1/packages/${pkg.body.id}/publish`).set(c.secretariat.auth).expect(200);

      const server = portal.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
        const { port } = server.address() as AddressInfo;
        const received = await new Promise<number>((resolve, reject) => {
          http
            .get({ port, host: '127.0.0.1', path: `/api/v1/packages/${pkg.body.id}/download`, headers: c.reader.auth }, (res) => {
              if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
              let bytes = 0;
              res.on('data', (chunk: Buffer) => (bytes += chunk.length));
              res.on('end', () => resolve(bytes));
              res.on('error', reject);
            })
            .on('error', reject);
        });
        clearInterval(sampler);
        expect(received).to.be.greaterThan(50 * 1024 * 1024);
        expect(peak - baseline, `RSS grew by ${Math.round((peak - baseline) / 1024 / 1024)} MB`).to.be.lessThan(30 * 1024 * 1024);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('linked resolutions', function () {
    type ApiResolution = { number: number; packages: string[] };
    async function packagesUnder(who: Actor, meeting: number, number: number): Promise<string[]> {
      const res = await api().get('/api/v1/resolutions').set(who.auth).expect(200);
      const m = (res.body as { number: number; resolutions: ApiResolution[] }[]).find((x) => x.number === meeting);
      const r = m?.resolutions.find((x) => x.number === number);
      expect(r, `resolution ${meeting}/${number}`).to.exist;
      return r!.packages;
    }

    it('a package linked to 9/8 is listed under 9/8 for an addressed city, not for a city outside its audience', async function () {
      const res = await create(c.secretariat, {
        title: 'بستهٔ پاسخ به مصوبهٔ ۹/۸',
        documents: [docs.a.id],
        audience: { cities: ['isfahan', 'tehran'] },
        resolutions: ['9/8', '9/8'],
      }).expect(201);
      const id = res.body.id as string;
      expect(res.body.resolutions).to.deep.equal(['9/8']);
      // A draft is listed to the secretariat only.
      expect(await packagesUnder(c.secretariat, 9, 8)).to.include(id);
      expect(await packagesUnder(c.sharedCity, 9, 8)).not.to.include(id);
      await api().post(`/api/v1/packages/${id}/publish`).set(c.secretariat.auth).expect(200);

      expect(await packagesUnder(c.sharedCity, 9, 8)).to.include(id);
      expect(await packagesUnder(c.owner, 9, 8)).to.include(id);
      for (const who of [c.otherCity, c.reader, karaj]) expect(await packagesUnder(who, 9, 8)).not.to.include(id);
      expect(await packagesUnder(c.sharedCity, 9, 2)).not.to.include(id);
      const json = await api().get(`/api/v1/packages/${id}`).set(c.sharedCity.auth).expect(200);
      expect(json.body.resolutions).to.deep.equal(['9/8']);
    });

    it('an unknown resolution is 400 validation_failed naming the field, on create and on PATCH', async function () {
      const bad = await create(c.secretariat, { title: 'بسته', documents: [docs.a.id], audience: { all: true }, resolutions: ['9/99'] }).expect(400);
      expect(bad.body.error.code).to.equal('validation_failed');
      expect(bad.body.error.details.fields).to.deep.equal([{ field: 'resolutions', message: 'unknown resolution 9/99' }]);
      const malformed = await create(c.secretariat, { title: 'بسته', documents: [docs.a.id], audience: { all: true }, resolutions: ['nine'] }).expect(400);
      expect(malformed.body.error.code).to.equal('validation_failed');

      const draft = await create(c.secretariat, { title: 'بستهٔ بی‌مصوبه', documents: [docs.a.id], audience: { all: true } }).expect(201);
      expect(draft.body.resolutions).to.deep.equal([]);
      const patchBad = await api().patch(`/api/v1/packages/${draft.body.id}`).set(c.secretariat.auth).send({ resolutions: ['12/1'] }).expect(400);
      expect(patchBad.body.error.details.fields[0].field).to.equal('resolutions');
      const patched = await api().patch(`/api/v1/packages/${draft.body.id}`).set(c.secretariat.auth).send({ resolutions: ['9/4', '9/2'] }).expect(200);
      expect(patched.body.resolutions).to.deep.equal(['9/2', '9/4']);
      const cleared = await api().patch(`/api/v1/packages/${draft.body.id}`).set(c.secretariat.auth).send({ resolutions: [] }).expect(200);
      expect(cleared.body.resolutions).to.deep.equal([]);
    });
  });

  describe('pages', function () {
    const signIn = async (username: string) => (await signInThroughForm(portal.app, username)).agent;

    it('the secretariat compiles, sees and publishes a package; a recipient downloads it from its page', async function () {
      const sec = await signIn('sec');
      const form = await sec.get(`/packages/new?add=${docs.a.id}`).expect(200);
      expect(form.text).to.include('گردآوری بستهٔ تازه').and.include(docs.a.title).and.not.include(docs.draft.title);
      const bad = await sec.post('/packages/new').type('form').send({ _csrf: csrfFrom(form.text), title: 'بی‌سند', audience: 'all' }).expect(400);
      expect(bad.text).to.include('دست‌کم یک سند');
      const created = await sec
        .post('/packages/new')
        .type('form')
        .send(
          new URLSearchParams([
            ['_csrf', csrfFrom(form.text)],
            ['title', 'بستهٔ صفحه‌ای'],
            ['note', 'یادداشت همراه'],
            ['audience', 'cities'],
            ['cities', 'shiraz'],
            ['documents', docs.a.id],
            [`order-${docs.a.id}`, '2'],
            ['documents', docs.sameName.id],
            [`order-${docs.sameName.id}`, '1'],
            [`note-${docs.sameName.id}`, 'اول این'],
            ['resolutions', '9/2'],
          ]).toString(),
        )
        .expect(303);
      const location = created.headers.location as string;
      expect(location).to.match(/^\/packages\/[0-9a-f-]{36}$/);
      const page = await sec.get(location).expect(200);
      expect(page.text).to.include('بستهٔ صفحه‌ای').and.include('شیراز').and.include('اول این').and.include('انتشار');
      expect(page.text.indexOf(docs.sameName.title)).to.be.lessThan(page.text.indexOf(docs.a.title));
      expect(form.text).to.include('name="resolutions" value="9/2"');
      expect(page.text).to.include('href="/resolutions#r-9-2"');
      await sec.post(`${location}/publish`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);

      const shiraz = await signIn('shiraz-staff');
      const list = await shiraz.get('/packages').expect(200);
      expect(list.text).to.include('بستهٔ صفحه‌ای');
      const mine = await shiraz.get(location).expect(200);
      expect((await shiraz.get('/resolutions').expect(200)).text).to.include(`href="${location}"`);
      expect(mine.text).to.include(`${location}/download`).and.not.include('انتشار و خبر');
      const zip = await shiraz.get(`${location}/download`).buffer(true).parse(binaryBody).expect(200);
      expect((await readZip(zip.body as Buffer)).map((e) => e.name.split('/')[1])).to.deep.equal([
        '01 - گزارش زلزلهٔ تهران.pdf',
        '02 - گزارش زلزلهٔ تهران.pdf',
        'index.html',
        'manifest.json',
      ]);

      const isfahan = await signIn('isfahan-staff');
      await isfahan.get(location).expect(404);
      expect((await isfahan.get('/resolutions').expect(200)).text).not.to.include(`href="${location}"`);
      expect((await isfahan.get('/packages').expect(200)).text).not.to.include('بستهٔ صفحه‌ای');
      await isfahan.get('/packages/new').expect(403);
    });
  });
});

