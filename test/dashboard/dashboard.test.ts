import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';
import { solarYear } from '../../server/i18n/solar-hijri';

describe('secretariat dashboard', function () {
  let portal: TestPortal;
  let c: Cast;
  let failedId: string;

  before(async function () {
    portal = await startPortal();
    c = await cast(portal);
    const tehran = await upload(portal, c.owner, { ...fields(), kind: 'threat-study' });
    await bring(portal, c, tehran.id, 'published');
    const pending = await upload(portal, c.owner, { ...fields(), kind: 'training-material' });
    await bring(portal, c, pending.id, 'submitted');
    const shiraz = await upload(portal, c.otherCity, { ...fields(), title: 'سند ناخوانا' });
    await bring(portal, c, shiraz.id, 'submitted');
    failedId = shiraz.id;
    portal.services.db
      .prepare("UPDATE documents SET indexing_state = 'failed', indexing_reason = ? WHERE id = ?")
      .run('پرونده خراب است و متنی از آن بیرون نیامد', failedId);
    await upload(portal, c.sharedCity, fields());
    for (const [who, q] of [
      [c.reader, 'پناهگاه اضطراری'],
      [c.otherCity, 'پناهگاه  اضطراری'],
      [c.owner, 'پناهگاه اضطراری'],
      [c.owner, 'زلزله'],
    ] as const) {
      await supertest(portal.app).get('/api/v1/search').query({ q }).set(who.auth).expect(200);
    }
    portal.services.searchLog.flush();
  });

  after(async function () {
    await portal.close();
  });

  it('is for the secretariat only: 403 for a city user and a reader, the sign-in page for a visitor', async function () {
    for (const username of ['tehran-staff', 'reader']) {
      const browser = await signIn(portal.app, username);
      await browser.agent.get('/dashboard').expect(403);
    }
    const res = await supertest(portal.app).get('/dashboard').expect(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('draws documents per city, per kind and per upload year as SVG bar charts with Persian labels and digits', async function () {
    const browser = await signIn(portal.app, 'sec');
    const res = await browser.agent.get('/dashboard').expect(200);
    const svgs = res.text.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).to.have.length(3);
    expect(svgs[0]).to.include('تهران').and.include('شیراز').and.include('<rect');
    expect(svgs[0]).to.match(/>۲<\/text>/);
    expect(svgs.join('')).not.to.match(/style=/);
    expect(svgs[2]).to.include(`سال ${faDigits(solarYear(new Date().toISOString()))}`);
    expect(res.text).to.include('سال هجری خورشیدی بارگذاری');
  });

  it('counts pending reviews and lists indexing failures with their reason and a link', async function () {
    const browser = await signIn(portal.app, 'sec');
    const res = await browser.agent.get('/dashboard').expect(200);
    expect(res.text).to.match(/<span class="stat-value">۲<\/span> سند در انتظار بررسی/);
    expect(res.text).to.include(`href="/documents/${failedId}"`);
    expect(res.text).to.include('پرونده خراب است و متنی از آن بیرون نیامد');
  });

  it('lists searches that found nothing, grouped by their normalized form, with how often and when', async function () {
    const browser = await signIn(portal.app, 'sec');
    const res = await browser.agent.get('/dashboard').expect(200);
    const table = /<table class="no-results cards">[\s\S]*?<\/table>/.exec(res.text)?.[0] ?? '';
    expect(table).to.include('پناهگاه اضطراری');
    expect(table).to.match(/<td data-label="تعداد">۳<\/td>/);
    expect(table).to.include('(۲ نگارش)');
  });
});

function fields() {
  return { title: 'مطالعهٔ خطر زلزله', summary: 'بررسی', kind: 'threat-study', year: '1391', hazards: ['earthquake'], keywords: ['زلزله'], access: 'portal' };
}

function faDigits(value: number): string {
  return String(value).replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}
