import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';
import { solarYear } from '../../server/i18n/solar-hijri';
import { barChartSvg, estimatedWidth, wrapLabel } from '../../server/dashboard/bar-chart.svg';

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

  it('lists every city, those that have sent nothing first, with a zero for each kind and resolution a city has sent nothing for', async function () {
    const browser = await signIn(portal.app, 'sec');
    const res = await browser.agent.get('/dashboard').expect(200);
    const table = /<table class="silent-cities cards">[\s\S]*?<\/table>/.exec(res.text)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr( class="silent")?>\s*<th scope="row"><a href="\/cities\/([a-z-]+)">[\s\S]*?<\/tr>/g)];
    const cities = portal.services.reference.cities().map((city) => city.id);
    expect(rows.map((row) => row[2]).sort()).to.deep.equal([...cities].sort());
    const order = rows.map((row) => row[2]);
    // Isfahan has only a draft: it has sent nothing. Shiraz has sent one document, Tehran two.
    expect(order.slice(-2)).to.deep.equal(['shiraz', 'tehran']);
    expect(rows.slice(0, -2).every((row) => row[1] === ' class="silent"' && row[0].includes('هیچ سندی نفرستاده است'))).to.equal(true);
    expect(order).to.include('isfahan');
    const tehran = rows.at(-1)![0];
    expect(tehran).to.include('<td class="num" data-total="2" data-label="جمع">۲</td>');
    expect(tehran).to.include('<td class="num" data-label="مطالعهٔ خطر و تهدید">۱</td>').and.include('<td class="num" data-label="مواد آموزشی">۱</td>');
    expect(tehran).to.include('<td class="num gap" data-label="آموزش همگانی">۰</td>').and.include('<td class="num gap" data-label="مصوبهٔ ۹/۲">۰</td>');
    expect(res.text).to.match(/۱۴ شهر از ۱۶ شهر هنوز هیچ سندی نفرستاده‌اند: [^<]*اصفهان/);
  });

  it('chart labels never reach their bars: a long label wraps, then is cut, in both directions', function () {
    const bars = [
      { label: 'گزارش مشارکت بخش خصوصی و دولتی در بازسازی پس از زلزله', value: 3 },
      { label: 'Private-partnership report', value: 12 },
      { label: 'Supercalifragilisticexpialidociousnessworkshop', value: 1 },
      { label: 'قم', value: 0 },
    ];
    for (const dir of ['rtl', 'ltr'] as const) {
      const svg = barChartSvg('chart', bars, { dir, number: String, noData: '-' });
      const rows = svg.match(/<g class="row">[\s\S]*?<\/g>/g) ?? [];
      expect(rows).to.have.length(4);
      for (const row of rows) {
        const rect = /<rect class="bar bar-city" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(row)!;
        const [barStart, barEnd] = [Number(rect[1]), Number(rect[1]) + Number(rect[2])];
        for (const [, x, line] of row.matchAll(/<text class="label" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)) {
          const [labelStart, labelEnd] = dir === 'rtl' ? [Number(x) - estimatedWidth(line!), Number(x)] : [Number(x), Number(x) + estimatedWidth(line!)];
          expect(labelEnd <= barStart || labelStart >= barEnd, `${dir} «${line}» [${labelStart}, ${labelEnd}] and its bar [${barStart}, ${barEnd}]`).to.equal(true);
        }
      }
      expect(rows[0]!.match(/<text class="label"/g), 'the long Persian label wraps').to.have.length(2);
      expect(rows[2]).to.match(/>Supercali[a-z]+…<\/text>/);
      expect(rows[2]).to.include('<title>Supercalifragilisticexpialidociousnessworkshop: 1</title>');
    }
    expect(wrapLabel('سال ۱۴۰۵', estimatedWidth('سال ۱۴۰۵'))).to.deep.equal(['سال ۱۴۰۵']);
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
