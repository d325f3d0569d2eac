import { expect } from 'chai';
import supertest from 'supertest';
import { binaryBody, bring, cast, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';
import { csvCell } from '../../server/audit/audit.csv';
import { jalaliToday } from '../../server/i18n/solar-hijri';

describe('audit log page and CSV', function () {
  let portal: TestPortal;
  let c: Cast;
  let publishedId: string;
  let returnedId: string;

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    publishedId = (await upload(portal, c.owner)).id;
    await bring(portal, c, publishedId, 'published');
    returnedId = (await upload(portal, c.otherCity, { ...fieldsFor(), title: 'سند شیراز' })).id;
    await supertest(portal.app)
      .post(`/api/v1/documents/${returnedId}/submit`)
      .set(c.otherCity.auth)
      .send({})
      .expect(200);
    await supertest(portal.app)
      .post(`/api/v1/documents/${returnedId}/return`)
      .set(c.secretariat.auth)
      .send({ comment: '=HYPERLINK("http://evil.example","کلیک") و "نقل‌قول", با ویرگول\nو خط تازه' })
      .expect(200);
  });

  after(async function () {
    await portal.close();
  });

  describe('access', function () {
    it('sends a visitor to the sign-in page, and refuses city users and readers with 403', async function () {
      for (const url of ['/audit', '/audit.csv']) {
        const res = await supertest(portal.app).get(url).expect(303);
        expect(res.headers.location).to.equal('/login');
      }
      for (const username of ['tehran-staff', 'reader']) {
        const browser = await signIn(portal.app, username);
        await browser.agent.get('/audit').expect(403);
        await browser.agent.get('/audit.csv').expect(403);
      }
    });
  });

  describe('page', function () {
    it('lists entries newest first with Persian action names', async function () {
      const browser = await signIn(portal.app, 'sec');
      const res = await browser.agent.get('/audit').expect(200);
      expect(res.text).to.include('برگشت برای اصلاح').and.include('انتشار').and.include('بارگذاری سند');
      expect(res.text.indexOf('<td class="card-title">برگشت برای اصلاح</td>'), 'newest first').to.be.lessThan(res.text.indexOf('<td class="card-title">انتشار</td>'));
    });

    it('filters by action, user, document and date range', async function () {
      const browser = await signIn(portal.app, 'sec');
      const byAction = await browser.agent.get('/audit').query({ action: 'document.published' }).expect(200);
      expect(rowsOf(byAction.text)).to.have.length(1);
      expect(byAction.text).to.include(`/documents/${publishedId}`);

      const byUser = await browser.agent.get('/audit').query({ user: 'shiraz-staff' }).expect(200);
      expect(rowsOf(byUser.text).every((row) => row.includes('shiraz-staff'))).to.equal(true);
      expect(rowsOf(byUser.text)).to.have.length(2);

      const byDocument = await browser.agent.get('/audit').query({ documentId: returnedId }).expect(200);
      expect(rowsOf(byDocument.text)).to.have.length(3);
      expect(byDocument.text).not.to.include(`/documents/${publishedId}`);

      const today = jalaliToday();
      const inRange = await browser.agent.get('/audit').query({ from: today, to: today }).expect(200);
      expect(rowsOf(inRange.text).length).to.be.greaterThan(5);
      const past = await browser.agent.get('/audit').query({ from: '1380/01/01', to: '1380/12/29' }).expect(200);
      expect(rowsOf(past.text)).to.have.length(0);
      expect(past.text).to.include('رویدادی با این شرایط ثبت نشده است');
      await browser.agent.get('/audit').query({ from: 'yesterday' }).expect(400);
    });

    it('names what each entry is about and labels its details in the reader\'s language; a deleted document by the title it had, unlinked', async function () {
      const renamed = (await upload(portal, c.owner, { ...fieldsFor(), title: 'عنوان نخست' })).id;
      await supertest(portal.app).patch(`/api/v1/documents/${renamed}`).set(c.owner.auth).send({ title: 'عنوان دوم' }).expect(200);
      await supertest(portal.app).delete(`/api/v1/documents/${renamed}`).set(c.owner.auth).send({}).expect(204);
      const browser = await signIn(portal.app, 'sec');
      const persian = await browser.agent.get('/audit').query({ documentId: renamed }).expect(200);
      const rows = rowsOf(persian.text);
      expect(rows).to.have.length(3);
      for (const row of rows) {
        expect(row).to.include('<span class="deleted-document"><bdi>عنوان دوم</bdi> <span class="muted">(حذف‌شده)</span></span>');
        expect(row).to.not.include(`href="/documents/${renamed}"`).and.not.include(renamed);
      }
      expect(rows[1]).to.include('<dt>تغییرها</dt><dd data-field="changes">عنوان: \u2068عنوان نخست\u2069 ← \u2068عنوان دوم\u2069</dd>');
      expect(rows[2]).to.include('<dt>شهر</dt><dd data-field="city">تهران</dd>').and.match(/<dt>[^<]+<\/dt><dd data-field="sha256"><code dir="ltr">[0-9a-f]{12}…<\/code><\/dd>/);

      const english = await browser.agent.get('/audit').set('Cookie', 'tajrobe.lang=en').query({ action: 'document.published' }).expect(200);
      const published = rowsOf(english.text)[0]!;
      expect(published).to.include(`<a href="/documents/${publishedId}" dir="auto">مطالعهٔ خطر زلزلهٔ کلان‌شهر تهران</a>`);
      expect(published).to.include('<dt>From</dt><dd data-field="from">Awaiting review</dd>').and.include('<dt>To</dt><dd data-field="to">Published</dd>');
      expect(english.text, 'no raw details').to.not.include('{&#34;');
      const users = await browser.agent.get('/audit').set('Cookie', 'tajrobe.lang=en').query({ action: 'user.created' }).expect(200);
      expect(users.text).to.include('<dt>Role</dt><dd data-field="role">Secretariat</dd>');
    });

    it('pages 50 entries at a time', async function () {
      const { audit } = portal.services;
      for (let i = 0; i < 60; i += 1) audit.record(c.secretariat.user, 'document.updated', { documentId: 'paging-test', details: { i } });
      const browser = await signIn(portal.app, 'sec');
      const first = await browser.agent.get('/audit').query({ documentId: 'paging-test' }).expect(200);
      expect(rowsOf(first.text)).to.have.length(50);
      expect(first.text).to.include('<dd data-field="i">۵۹</dd>');
      expect(first.text).to.include('page=2');
      const second = await browser.agent.get('/audit').query({ documentId: 'paging-test', page: 2 }).expect(200);
      expect(rowsOf(second.text)).to.have.length(10);
      expect(second.text).to.include('<dd data-field="i">۰</dd>');
    });
  });

  describe('Solar Hijri date range', function () {
    const EN = { Cookie: 'tajrobe.lang=en' };
    // 1405/01/01 is 2026-03-21; in Tehran (UTC+3:30) it runs from 2026-03-20T20:30Z to 2026-03-21T20:30Z.
    const edges = ['2026-03-20T20:29:59.999Z', '2026-03-20T20:30:00.000Z', '2026-03-21T20:29:59.999Z', '2026-03-21T20:30:00.000Z'];

    before(function () {
      const insert = portal.services.db.prepare("INSERT INTO audit_log (at, user_id, action, document_id, details) VALUES (?, NULL, 'document.updated', 'tehran-edge', ?)");
      edges.forEach((at, i) => insert.run(at, JSON.stringify({ edge: i })));
    });

    it('takes a Tehran day from its first to its last instant, typed in Persian, Arabic-Indic or Latin digits', async function () {
      const browser = await signIn(portal.app, 'sec');
      for (const [from, to] of [
        ['۱۴۰۵/۰۱/۰۱', '۱۴۰۵/۰۱/۰۱'],
        ['١٤٠٥/١/١', '١٤٠٥/١/١'],
        ['1405/1/1', '1405-01-01'],
      ]) {
        const res = await browser.agent.get('/audit').query({ documentId: 'tehran-edge', from, to }).expect(200);
        const rows = rowsOf(res.text);
        expect(rows, `${from} – ${to}`).to.have.length(2);
        expect(rows[0]).to.include('<dd data-field="edge">۲</dd>');
        expect(rows[1]).to.include('<dd data-field="edge">۱</dd>');
        expect(res.text, 'the dates come back in Persian digits').to.include('name="from" autocomplete="off" dir="ltr" size="10" maxlength="40" value="۱۴۰۵/۰۱/۰۱"');
        expect(res.text).to.include('href="/audit.csv?documentId=tehran-edge&amp;from=1405-01-01&amp;to=1405-01-01"');
      }
      const dayBefore = await browser.agent.get('/audit').query({ documentId: 'tehran-edge', to: '1404/12/29' }).expect(200);
      expect(rowsOf(dayBefore.text)).to.have.length(1);
      expect(rowsOf(dayBefore.text)[0]).to.include('<dd data-field="edge">۰</dd>');
      const dayAfter = await browser.agent.get('/audit').query({ documentId: 'tehran-edge', from: '1405/01/02' }).expect(200);
      expect(rowsOf(dayAfter.text)).to.have.length(1);
      expect(rowsOf(dayAfter.text)[0]).to.include('<dd data-field="edge">۳</dd>');
    });

    it('shows the dates in Latin digits in English', async function () {
      const browser = await signIn(portal.app, 'sec');
      const res = await browser.agent.get('/audit').set(EN).query({ documentId: 'tehran-edge', from: '۱۴۰۵/۰۱/۰۱' }).expect(200);
      expect(res.text).to.include('value="1405/01/01"');
      expect(res.text).to.include('Solar Hijri, e.g. 1405/09/01');
      expect(rowsOf(res.text)).to.have.length(3);
    });

    it('still understands a Gregorian date from an older link, and shows it as Solar Hijri', async function () {
      const browser = await signIn(portal.app, 'sec');
      const res = await browser.agent.get('/audit').query({ documentId: 'tehran-edge', from: '2026-03-21', to: '2026-03-21' }).expect(200);
      expect(rowsOf(res.text)).to.have.length(2);
      expect(res.text).to.include('value="۱۴۰۵/۰۱/۰۱"');
    });

    it('refuses a day that does not exist with a 400 page in the reader’s language, listing nothing', async function () {
      const browser = await signIn(portal.app, 'sec');
      const month13 = await browser.agent.get('/audit').query({ from: '1405/13/01' }).expect(400);
      expect(month13.text).to.include('«از تاریخ» تاریخ درستی نیست: «۱۴۰۵/۱۳/۰۱». تاریخ هجری خورشیدی را مانند ۱۴۰۵/۰۹/۰۱ بنویسید.');
      expect(month13.text).to.include('role="alert"');
      expect(month13.text, 'the typed value comes back').to.include('value="۱۴۰۵/۱۳/۰۱"');
      expect(month13.text, 'no results').not.to.include('<tbody>');
      expect(month13.text).not.to.include('/audit.csv');

      const notLeap = await browser.agent.get('/audit').set(EN).query({ to: '۱۴۰۴/۱۲/۳۰' }).expect(400);
      expect(notLeap.text).to.include('<html lang="en" dir="ltr">');
      expect(notLeap.text).to.include('“To” is not a valid date: “1404/12/30”. Write a Solar Hijri date such as 1405/09/01.');
      expect(notLeap.text).not.to.include('<tbody>');

      const leap = await browser.agent.get('/audit').query({ to: '1403/12/30' }).expect(200);
      expect(leap.text).to.include('value="۱۴۰۳/۱۲/۳۰"');

      for (const from of ['1405/02/32', '1405/07/31', '1405', '1405/1/1/1', 'yesterday', '2026-02-30']) {
        await browser.agent.get('/audit').query({ from }).expect(400);
      }
      const reversed = await browser.agent.get('/audit').query({ from: '1405/02/01', to: '1405/01/01' }).expect(400);
      expect(reversed.text).to.include('تاریخ «از» پس از تاریخ «تا» است.');
    });

    it('the CSV uses the same range and refuses the same dates', async function () {
      const browser = await signIn(portal.app, 'sec');
      const res = await browser.agent.get('/audit.csv').query({ documentId: 'tehran-edge', from: '۱۴۰۵/۰۱/۰۱', to: '1405/1/1' }).buffer(true).parse(binaryBody).expect(200);
      const records = parseCsv((res.body as Buffer).toString('utf8').slice(1));
      expect(records.slice(1).map((r) => r[1])).to.deep.equal([edges[2], edges[1]]);
      const refused = await browser.agent.get('/audit.csv').query({ from: '1404/12/30' }).expect(400);
      expect(refused.headers['content-type']).to.match(/^text\/html/);
      expect(refused.text).to.include('«از تاریخ» تاریخ درستی نیست');
    });
  });

  describe('CSV', function () {
    async function csv(query: Record<string, string>) {
      const browser = await signIn(portal.app, 'sec');
      const res = await browser.agent.get('/audit.csv').query(query).buffer(true).parse(binaryBody).expect(200);
      return { res, bytes: res.body as Buffer, text: (res.body as Buffer).toString('utf8') };
    }

    it('is UTF-8 with a byte order mark, a Persian header, and an attachment', async function () {
      const { res, bytes, text } = await csv({});
      expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).to.match(/^attachment;/);
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      expect(text.slice(1).split('\r\n')[0]).to.include('زمان (هجری خورشیدی)').and.include('نام رویداد');
    });

    it('applies the filters and quotes cells with commas, quotes and line breaks, defusing formulas', async function () {
      const { text } = await csv({ action: 'document.returned' });
      const records = parseCsv(text.slice(1));
      expect(records).to.have.length(2);
      const row = records[1]!;
      expect(row[4]).to.equal('document.returned');
      expect(row[5]).to.equal('برگشت برای اصلاح');
      expect(row[6]).to.equal(returnedId);
      const details = JSON.parse(row[8]!) as { comment: string };
      expect(details.comment).to.include('"نقل‌قول", با ویرگول\nو خط تازه');
      expect(text).to.include('\\""نقل‌قول\\""');
      expect(records.every((r) => r.every((cell) => !/^[=+\-@]/.test(cell))), 'no cell starts like a formula').to.equal(true);
    });

    it('streams every matching row, newest first, across batches', async function () {
      const { audit } = portal.services;
      for (let i = 0; i < 1200; i += 1) audit.record(c.secretariat.user, 'document.updated', { documentId: 'csv-batch', details: { i } });
      const { text } = await csv({ documentId: 'csv-batch' });
      const records = parseCsv(text.slice(1));
      expect(records).to.have.length(1201);
      expect(JSON.parse(records[1]![8]!)).to.deep.equal({ i: 1199 });
      expect(JSON.parse(records[1200]![8]!)).to.deep.equal({ i: 0 });
    });

    it('prefixes a cell that starts like a formula with a quote', function () {
      expect(csvCell('=1+2')).to.equal("'=1+2");
      expect(csvCell('+98 21')).to.equal("'+98 21");
      expect(csvCell('-5')).to.equal("'-5");
      expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
      expect(csvCell('=A1,"x"')).to.equal(`"'=A1,""x"""`);
      expect(csvCell('سلام')).to.equal('سلام');
      expect(csvCell(42)).to.equal('42');
      expect(csvCell(null)).to.equal('');
    });

    it('defuses formula-looking cells in the export', async function () {
      portal.services.audit.record(c.reader.user, 'document.updated', { documentId: '@evil', target: '=2+3', details: {} });
      const { text } = await csv({ documentId: '@evil' });
      const records = parseCsv(text.slice(1));
      expect(records[1]![6]).to.equal("'@evil");
      expect(records[1]![7]).to.equal("'=2+3");
    });
  });
});

function rowsOf(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return body.match(/<tr[\s>][\s\S]*?<\/tr>/g) ?? [];
}

/** RFC 4180: records of fields, quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), (i += 1);
    } else field += ch;
  }
  if (field || record.length) record.push(field), records.push(record);
  return records;
}

function fieldsFor() {
  return { title: 'سند', summary: 'بررسی', kind: 'threat-study', year: '1391', hazards: ['earthquake'], keywords: ['زلزله'], access: 'portal' };
}
