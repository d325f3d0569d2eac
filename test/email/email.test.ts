import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, DEFAULT_FIELDS, startPortal, uploadRequest, type Actor, type Cast, type TestPortal, type UploadFields } from '../helpers/portal';
import { bringLesson, countOf, recordLesson } from '../helpers/lessons';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink';

const PUBLIC_URL = 'https://tajrobe.example.ir';
const MAIL_FROM = 'Tajrobe <portal@tajrobe.example.ir>';

describe('e-mail through a real SMTP server (aiosmtpd on loopback)', function () {
  this.timeout(120_000);
  let sink: SmtpSink;
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);
  const settle = () => portal.services.worker.drain();
  const upload = async (who: Actor, fields: UploadFields) => {
    const res = await uploadRequest(portal, who, { ...DEFAULT_FIELDS, ...fields }, { content: Buffer.from(`${fields.title}\n`), name: 'گزارش.txt' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  const word = () => `نامه${Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'ی')}`;
  const part = (mail: ReceivedMail, type: string) => mail.parts.find((p) => p.type === type)?.content ?? '';
  const sentTo = (address: string) => sink.messages().filter((m) => m.rcptTos.includes(address));
  const setEmail = async (who: Actor, email: string | null) => api().patch('/api/v1/me').set(who.auth).send({ email }).expect(200);

  before(async function () {
    sink = await startSmtpSink(this);
    portal = await startPortal({ SMTP_URL: sink.url, PUBLIC_URL, MAIL_FROM });
    c = await cast(portal);
    await setEmail(c.reader, 'reader@example.ir');
    await setEmail(c.owner, 'tehran@example.ir');
    await setEmail(c.sharedCity, 'isfahan@example.ir');
  });
  after(async () => {
    await portal?.close();
    await sink?.stop();
  });

  it('a subscription with e-mail: a Persian, right-to-left message with a plain-text part, from MAIL_FROM, with absolute links', async () => {
    const w = word();
    await api().post('/api/v1/subscriptions').set(c.reader.auth).send({ q: w, filters: { hazard: ['flood'] }, email: true }).expect(201);
    const doc = await upload(c.owner, { title: `گزارش آب‌گرفتگی ${w}`, hazards: ['flood'] });
    await bring(portal, c, doc.id, 'published');
    await settle();
    await sink.waitFor(1);
    const [mail] = sentTo('reader@example.ir');
    expect(mail, 'one e-mail to the reader').to.not.equal(undefined);
    expect(sentTo('reader@example.ir')).to.have.length(1);
    expect(mail!.mailFrom).to.equal('portal@tajrobe.example.ir');
    expect(mail!.from).to.equal(MAIL_FROM);
    expect(mail!.subject).to.equal(`تجربه · مورد تازه برای پیگیری «${w}»: گزارش آب‌گرفتگی ${w}`);
    expect(mail!.headers['Content-Language']).to.equal('fa');
    expect(mail!.headers['Auto-Submitted']).to.equal('auto-generated');
    expect(mail!.contentType).to.equal('multipart/alternative');
    const html = part(mail!, 'text/html');
    const text = part(mail!, 'text/plain');
    expect(html).to.match(/<html lang="fa" dir="rtl">/);
    expect(html).to.include('direction:rtl');
    expect(html).to.include(`href="${PUBLIC_URL}/documents/${doc.id}"`);
    expect(html).to.include(`گزارش آب‌گرفتگی ${w}`);
    expect(html).to.include(`href="${PUBLIC_URL}/me"`);
    expect(text).to.include(`گزارش آب‌گرفتگی ${w}`);
    expect(text).to.include(`${PUBLIC_URL}/documents/${doc.id}`);
    expect(text).to.include('سلام reader،');
    expect(portal.services.db.prepare("SELECT state FROM emails WHERE user_id = ? ORDER BY id DESC LIMIT 1").pluck().get(c.reader.user.id)).to.equal('sent');
  });

  it('in English, left to right, for a person whose language is English', async () => {
    const w = word();
    await api().patch('/api/v1/me/preferences').set(c.sharedCity.auth).send({ language: 'en' }).expect(200);
    await api().post('/api/v1/subscriptions').set(c.sharedCity.auth).send({ q: w, email: true }).expect(201);
    const lesson = await recordLesson(portal, c.owner, { title: `درس تخلیه ${w}`, hazards: ['earthquake'] });
    await bringLesson(portal, c, lesson.id, 'published');
    await settle();
    await sink.waitFor(2);
    const mail = sentTo('isfahan@example.ir').at(-1)!;
    expect(mail.subject).to.equal(`Tajrobe · New for “${w}”: درس تخلیه ${w}`);
    expect(mail.headers['Content-Language']).to.equal('en');
    const html = part(mail, 'text/html');
    expect(html).to.match(/<html lang="en" dir="ltr">/);
    expect(html).to.include(`href="${PUBLIC_URL}/lessons/${lesson.id}"`);
    expect(html).to.include('Lesson “درس تخلیه');
    expect(part(mail, 'text/plain')).to.include('Hello isfahan-staff,');
    await api().patch('/api/v1/me/preferences').set(c.sharedCity.auth).send({ language: 'fa' }).expect(200);
  });

  it('sends nothing to whoever did not ask: no address, a subscription without e-mail, or e-mail for subscriptions turned off', async () => {
    const w = word();
    const before = sink.messages().length;
    await api().post('/api/v1/subscriptions').set(c.otherCity.auth).send({ q: w, email: true }).expect(201);
    await api().post('/api/v1/subscriptions').set(c.reader.auth).send({ q: w, email: false }).expect(201);
    await api().post('/api/v1/subscriptions').set(c.sharedCity.auth).send({ q: w, email: true }).expect(201);
    await api().patch('/api/v1/me/preferences').set(c.sharedCity.auth).send({ email: { subscriptions: false } }).expect(200);
    const doc = await upload(c.owner, { title: `بی‌نامه ${w}` });
    await bring(portal, c, doc.id, 'published');
    await settle();
    expect(portal.services.notifications.list(c.otherCity.user.id).notifications.some((n) => n.link === `/documents/${doc.id}`), 'notified in the portal').to.equal(true);
    expect(portal.services.notifications.list(c.reader.user.id).notifications.some((n) => n.link === `/documents/${doc.id}`)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.messages().length).to.equal(before);
    await api().patch('/api/v1/me/preferences').set(c.sharedCity.auth).send({ email: { subscriptions: true } }).expect(200);
  });

  it('review results by e-mail only for those who chose them, with the secretariat\'s comment', async () => {
    const w = word();
    const doc = await upload(c.owner, { title: `سند برگشتی ${w}` });
    await bring(portal, c, doc.id, 'returned');
    await settle();
    expect(sentTo('tehran@example.ir').some((m) => m.subject.includes(w)), 'review results are off by default').to.equal(false);
    await api().patch('/api/v1/me/preferences').set(c.owner.auth).send({ email: { review: true } }).expect(200);
    await api().post(`/api/v1/documents/${doc.id}/submit`).set(c.owner.auth).expect(200);
    await api().post(`/api/v1/documents/${doc.id}/return`).set(c.secretariat.auth).send({ comment: 'نقشه‌ها را پیوست کنید' }).expect(200);
    await settle();
    const mail = sentTo('tehran@example.ir').find((m) => m.subject.includes(w))!;
    expect(mail.subject).to.equal(`تجربه · سند «سند برگشتی ${w}» برای اصلاح برگشت داده شد: نقشه‌ها را پیوست کنید`);
    expect(part(mail, 'text/plain')).to.include(`${PUBLIC_URL}/documents/${doc.id}`);
    await api().patch('/api/v1/me/preferences').set(c.owner.auth).send({ email: { review: false } }).expect(200);
  });

  it('a failed send never blocks the request; the queue retries it, and one the reader may no longer see is dropped, not sent', async () => {
    const w = word();
    await api().post('/api/v1/subscriptions').set(c.reader.auth).send({ q: w, email: true }).expect(201);
    const kept = await upload(c.owner, { title: `یکم ${w}` });
    const narrowed = await upload(c.owner, { title: `دوم ${w}` });
    sink.failNext(2);
    const before = sentTo('reader@example.ir').length;
    const started = Date.now();
    for (const doc of [kept, narrowed]) await bring(portal, c, doc.id, 'published');
    expect(Date.now() - started, 'publishing does not wait for any mail server').to.be.below(5_000);
    await settle();
    const rows = () => portal.services.db.prepare(`SELECT e.state, e.error, j.state AS job, j.attempts FROM emails e JOIN jobs j ON j.kind = 'email' AND j.document_id = CAST(e.id AS TEXT) WHERE e.user_id = ? ORDER BY e.id DESC LIMIT 2`).all(c.reader.user.id) as { state: string; error: string | null; job: string; attempts: number }[];
    for (const row of rows()) {
      expect(row.state).to.equal('queued');
      expect(row.error).to.match(/451/);
      expect(row.job).to.equal('queued');
      expect(row.attempts).to.equal(1);
    }
    expect(sentTo('reader@example.ir').length).to.equal(before);
    await api().patch(`/api/v1/documents/${narrowed.id}`).set(c.secretariat.auth).send({ access: 'restricted' }).expect(200);
    portal.services.db.prepare(`UPDATE jobs SET run_after = ? WHERE kind = 'email' AND state = 'queued'`).run(new Date(Date.now() - 1000).toISOString());
    await settle();
    const mine = sentTo('reader@example.ir').slice(before);
    expect(mine.map((m) => m.subject)).to.deep.equal([`تجربه · مورد تازه برای پیگیری «${w}»: یکم ${w}`]);
    expect(rows().map((r) => r.state).sort()).to.deep.equal(['dropped', 'sent']);
  });

  it('a daily digest lists the items in one e-mail', async () => {
    const w = word();
    const sub = (await api().post('/api/v1/subscriptions').set(c.reader.auth).send({ q: w, email: true, digest: 'daily' }).expect(201)).body as { id: number };
    const docs = [await upload(c.owner, { title: `الف ${w}` }), await upload(c.owner, { title: `ب ${w}` })];
    for (const doc of docs) await bring(portal, c, doc.id, 'published');
    await settle();
    const before = sentTo('reader@example.ir').length;
    portal.services.db.prepare(`UPDATE jobs SET run_after = ? WHERE kind = 'digest' AND document_id = ?`).run(new Date(Date.now() - 1000).toISOString(), String(sub.id));
    await settle();
    const mail = sentTo('reader@example.ir').slice(before).find((m) => m.subject.includes(w))!;
    expect(mail.subject).to.equal(`تجربه · خلاصهٔ روزانهٔ پیگیری «${w}»: ۲ مورد تازه`);
    const html = part(mail, 'text/html');
    for (const doc of docs) expect(html).to.include(`href="${PUBLIC_URL}/documents/${doc.id}"`);
    expect(part(mail, 'text/plain')).to.include(`الف ${w}`).and.include(`ب ${w}`);
    expect(html).to.include(`href="${PUBLIC_URL}/subscriptions/${sub.id}"`);
  });

  it('queues nothing by e-mail when SMTP_URL is not set', async () => {
    const quiet = await startPortal();
    try {
      const people = await cast(quiet);
      await supertest(quiet.app).patch('/api/v1/me').set(people.reader.auth).send({ email: 'r@example.ir' }).expect(200);
      await supertest(quiet.app).post('/api/v1/subscriptions').set(people.reader.auth).send({ q: '', email: true }).expect(201);
      const res = await uploadRequest(quiet, people.owner, DEFAULT_FIELDS, { content: Buffer.from('متن'), name: 'a.txt' }).expect(201);
      await bring(quiet, people, res.body.id, 'published');
      await quiet.services.worker.drain();
      expect(quiet.services.notifications.list(people.reader.user.id).notifications.some((n) => n.kind === 'subscription.matched')).to.equal(true);
      expect(countOf(quiet, 'emails')).to.equal(0);
    } finally {
      await quiet.close();
    }
  });
});
