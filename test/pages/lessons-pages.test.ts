import { expect } from 'chai';
import { bring, cast, DEFAULT_FIELDS, startPortal, upload, type Cast, type TestPortal } from '../helpers/portal';
import { signIn, csrfFrom, type Browser } from '../helpers/sign-in';
import { bringLesson, countOf, LESSON_FIELDS, recordLesson } from '../helpers/lessons';
import { jalaliToday } from '../../server/i18n/solar-hijri';

/** The form fields of a lesson as a browser posts them (repeated names for lists). */
function lessonForm(csrf: string, fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams({ _csrf: csrf });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(name, v);
  return params.toString();
}

describe('lesson pages, in Persian and English', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  let city: Browser;
  let secretariat: Browser;
  let shiraz: Browser;
  let reader: Browser;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
    [city, secretariat, shiraz, reader] = await Promise.all([signIn(portal.app, 'tehran-staff'), signIn(portal.app, 'sec'), signIn(portal.app, 'shiraz-staff'), signIn(portal.app, 'reader', 'en')]);
  });
  after(() => portal.close());

  it('a document page offers to record a lesson from it, and the form comes prefilled with that document, its page, hazards and resolutions', async () => {
    const doc = await upload(portal, c.owner, { ...DEFAULT_FIELDS, hazards: ['earthquake', 'fire'], resolutions: ['9/2'] });
    const page = await city.agent.get(`/documents/${doc.id}`).expect(200);
    expect(page.text).to.include(`href="/lessons/new?document=${doc.id}"`).and.include('ثبت درس‌آموخته از این سند');
    const readerPage = await reader.agent.get(`/documents/${doc.id}`);
    expect(readerPage.status, 'a reader cannot see a draft').to.equal(404);
    const form = await city.agent.get(`/lessons/new?document=${doc.id}&page=4`).expect(200);
    expect(form.text).to.match(new RegExp(`name="documentId" value="${doc.id}"`));
    expect(form.text).to.include('name="documentPage" value="۴"');
    expect(form.text).to.include(`<a href="/documents/${doc.id}" dir="auto" target="_blank" rel="noopener">${DEFAULT_FIELDS.title}</a>`);
    expect(form.text).to.match(/value="earthquake" checked/).and.match(/value="fire" checked/).and.match(/value="9\/2" checked/);
    expect(form.text).to.include('<html lang="fa" dir="rtl">');
    const hidden = await upload(portal, c.otherCity);
    await city.agent.get(`/lessons/new?document=${hidden.id}`).expect(404);
    await reader.agent.get('/lessons/new').expect(403);
  });

  it('a refused form comes back with what was typed and a message next to each field, and records nothing', async () => {
    const form = await city.agent.get('/lessons/new').expect(200);
    const before = countOf(portal, 'lessons');
    const typed = { title: 'عنوان نگه‌داشته', observation: 'مشاهدهٔ نگه‌داشته', analysis: '', recommendation: 'توصیهٔ نگه‌داشته', hazards: ['flood'], documentId: 'no-such-document', documentPage: '۲', intent: 'save' };
    const res = await city.agent.post('/lessons/new').type('form').send(lessonForm(csrfFrom(form.text), typed)).expect(400);
    expect(res.text).to.include('بنویسید چرا رخ داد');
    expect(res.text).to.include('value="عنوان نگه‌داشته"').and.include('مشاهدهٔ نگه‌داشته').and.include('توصیهٔ نگه‌داشته');
    expect(res.text).to.include('name="documentId" value="no-such-document"');
    expect(res.text).to.match(/value="flood" checked/);
    const second = await city.agent.post('/lessons/new').type('form').send(lessonForm(csrfFrom(form.text), { ...typed, analysis: 'تحلیل' })).expect(400);
    expect(second.text).to.include('یکی از سندهای منبع پیدا نشد');
    expect(countOf(portal, 'lessons')).to.equal(before);
    const english = await reader.agent.get('/lessons').expect(200);
    expect(english.text).to.include('<html lang="en" dir="ltr">').and.include('Lessons learned');
  });

  it('"check for similar lessons" shows alike lessons of other cities while the lesson is written, saving nothing; then it is saved and submitted', async () => {
    const earlier = await recordLesson(portal, c.secretariat, {
      city: 'mashhad',
      title: 'مولدهای اضطراری بیمارستان‌ها در زلزله',
      observation: 'در زلزله مولدهای اضطراری بیمارستان‌ها روشن نشدند.',
      analysis: 'مولدهای اضطراری آزمایش دوره‌ای نداشتند.',
      recommendation: 'آزمایش ماهانهٔ مولدهای اضطراری بیمارستان‌ها.',
      hazards: ['earthquake'],
    });
    await bringLesson(portal, c, earlier.id, 'published');
    const form = await city.agent.get('/lessons/new').expect(200);
    const typed = {
      title: 'خاموشی بیمارستان هنگام زلزله',
      observation: 'مولدهای اضطراری بیمارستان مرکزی روشن نشدند و برق قطع ماند.',
      analysis: 'آزمایش دوره‌ای مولدها انجام نمی‌شد.',
      recommendation: 'آزمایش ماهانهٔ مولدهای اضطراری.',
      hazards: ['earthquake'],
    };
    const before = countOf(portal, 'lessons');
    const checked = await city.agent.post('/lessons/new').type('form').send(lessonForm(csrfFrom(form.text), { ...typed, intent: 'check' })).expect(200);
    expect(checked.text).to.include('پیش‌تر ۱ درس مشابه ثبت شده است');
    expect(checked.text).to.include(`href="/lessons/${earlier.id}"`);
    expect(checked.text).to.include('value="خاموشی بیمارستان هنگام زلزله"');
    expect(countOf(portal, 'lessons')).to.equal(before);
    const saved = await city.agent.post('/lessons/new').type('form').send(lessonForm(csrfFrom(form.text), { ...typed, intent: 'submit' })).expect(303);
    const id = /\/lessons\/([0-9a-f-]{36})$/.exec(saved.headers.location!)![1]!;
    const page = await city.agent.get(`/lessons/${id}`).expect(200);
    expect(page.text).to.include('درس‌آموخته ذخیره و برای بررسی فرستاده شد.');
    expect(page.text).to.include('در انتظار بررسی');
    expect(page.text).to.include(`href="/lessons/${earlier.id}"`);
    const desk = await secretariat.agent.get('/review').expect(200);
    expect(desk.text).to.include('درس‌آموخته‌های در انتظار بررسی').and.include(`href="/lessons/${id}"`);
    const publish = await secretariat.agent.get(`/lessons/${id}`).expect(200);
    await secretariat.agent.post(`/lessons/${id}/publish`).type('form').send({ _csrf: csrfFrom(publish.text) }).expect(303);
    expect(portal.services.lessons.getVisible(c.secretariat.user, id).review).to.equal('published');
  });

  it('plans an action with a due date typed in Persian digits, keeps a refused one as typed, and the city completes it with evidence', async () => {
    const lesson = await recordLesson(portal, c.owner, { title: 'درس صفحهٔ اقدام' });
    await bringLesson(portal, c, lesson.id, 'published');
    const page = await secretariat.agent.get(`/lessons/${lesson.id}`).expect(200);
    const csrf = csrfFrom(page.text);
    const bad = await secretariat.agent.post(`/lessons/${lesson.id}/actions`).type('form').send({ _csrf: csrf, description: 'نصب مولد', city: 'shiraz', due: '۱۴۰۴/۱۲/۳۰' }).expect(400);
    expect(bad.text).to.include('موعد را به تاریخ خورشیدی درست بنویسید').and.include('value="۱۴۰۴/۱۲/۳۰"').and.include('نصب مولد');
    await secretariat.agent.post(`/lessons/${lesson.id}/actions`).type('form').send({ _csrf: csrf, description: 'نصب مولد', city: 'shiraz', due: '۱۴۰۵/۱۲/۲۰' }).expect(303);
    const action = portal.services.lessons.getVisible(c.secretariat.user, lesson.id).actions[0]!;
    expect(action).to.include({ due: '1405-12-20', city: 'shiraz', status: 'planned' });
    const shown = await shiraz.agent.get(`/lessons/${lesson.id}`).expect(200);
    expect(shown.text).to.include('۲۰ اسفند ۱۴۰۵').and.include(`action="/lessons/${lesson.id}/actions/${action.id}/done"`);
    const others = await city.agent.get(`/lessons/${lesson.id}`).expect(200);
    expect(others.text, 'another city gets no completion form').not.to.include(`/actions/${action.id}/done`);
    const refused = await city.agent.post(`/lessons/${lesson.id}/actions/${action.id}/done`).type('form').send({ _csrf: city.csrf, evidence: 'نه' });
    expect(refused.status).to.equal(403);
    const empty = await shiraz.agent.post(`/lessons/${lesson.id}/actions/${action.id}/done`).type('form').send({ _csrf: csrfFrom(shown.text), evidence: '', document: '' }).expect(400);
    expect(empty.text).to.include('شرح کاری که انجام شد یا سند شاهد را بنویسید');
    const evidence = await upload(portal, c.otherCity, { ...DEFAULT_FIELDS, title: 'گزارش نصب' });
    await bring(portal, c, evidence.id, 'published');
    await shiraz.agent.post(`/lessons/${lesson.id}/actions/${action.id}/done`).type('form').send({ _csrf: csrfFrom(shown.text), evidence: 'دو مولد نصب شد', document: `http://portal.example/documents/${evidence.id}` }).expect(303);
    const done = await reader.agent.get(`/lessons/${lesson.id}`).expect(200);
    expect(done.text).to.include('Implemented').and.include('دو مولد نصب شد').and.include(`href="/documents/${evidence.id}"`).and.include('Action recorded as done');
    const learned = await secretariat.agent.get(`/lessons/${lesson.id}`).expect(200);
    expect(learned.text).to.include(`action="/lessons/${lesson.id}/learned"`);
    await secretariat.agent.post(`/lessons/${lesson.id}/learned`).type('form').send({ _csrf: csrfFrom(learned.text), note: '' }).expect(400);
    await secretariat.agent.post(`/lessons/${lesson.id}/learned`).type('form').send({ _csrf: csrfFrom(learned.text), note: 'آزمایش شد' }).expect(303);
    expect((await reader.agent.get(`/lessons/${lesson.id}`).expect(200)).text).to.include('Learned').and.include('آزمایش شد');
  });

  it('overdue actions are highlighted on the city page, the dashboard and the matrix, in both languages', async () => {
    const lesson = await recordLesson(portal, c.owner, { title: 'درس موعد گذشتهٔ صفحه' });
    await bringLesson(portal, c, lesson.id, 'published');
    const past = jalaliToday(new Date(Date.now() - 5 * 86_400_000));
    await portal.services.lessons.addAction(c.secretariat.user, lesson.id, { description: 'تمرین تخلیهٔ مدارس', city: 'shiraz', due: past });
    const cityPage = await reader.agent.get('/cities/shiraz').expect(200);
    expect(cityPage.text).to.include('Lesson actions').and.include('action-overdue').and.include('درس موعد گذشتهٔ صفحه').and.include('overdue');
    const persianCity = await city.agent.get('/cities/shiraz').expect(200);
    expect(persianCity.text).to.include('اقدام‌های درس‌آموخته').and.include('موعد گذشته');
    const dashboard = await secretariat.agent.get('/dashboard').expect(200);
    expect(dashboard.text).to.include('اقدام‌های از موعد گذشته').and.include(`href="/lessons/${lesson.id}#action-`);
    const matrix = await reader.agent.get('/lessons/matrix').expect(200);
    expect(matrix.text).to.match(new RegExp(`<td class="lm-overdue" data-lesson="${lesson.id}" data-city="shiraz">0 of 1`));
    await reader.agent.get('/dashboard').expect(403);
  });

  it('never shows another city\'s draft lesson: not in the list, a page, the matrix or a search', async () => {
    const draft = await recordLesson(portal, c.owner, { title: 'پیش‌نویس پنهان درس' });
    for (const who of [shiraz, reader]) {
      expect((await who.agent.get('/lessons').expect(200)).text).not.to.include('پیش‌نویس پنهان درس');
      await who.agent.get(`/lessons/${draft.id}`).expect(404);
      await who.agent.get(`/lessons/${draft.id}/edit`).expect(404);
      expect((await who.agent.get(`/search?q=${encodeURIComponent('پیش‌نویس پنهان')}`).expect(200)).text).not.to.include('پیش‌نویس پنهان درس');
    }
    expect((await city.agent.get('/lessons').expect(200)).text).to.include('پیش‌نویس پنهان درس');
  });

  it('the search page marks lesson hits, links them to the lesson, and counts them in a type facet', async () => {
    const lesson = await recordLesson(portal, c.owner, { ...LESSON_FIELDS, title: 'درس جست‌وجوپذیر گردوغبار', hazards: ['dust-storm'] });
    await bringLesson(portal, c, lesson.id, 'published');
    const res = await city.agent.get(`/search?q=${encodeURIComponent('گردوغبار')}`).expect(200);
    expect(res.text).to.include(`<a class="hit-title" href="/lessons/${lesson.id}">`);
    expect(res.text).to.include('<span class="type-badge type-lesson">درس‌آموخته</span>');
    expect(res.text).to.include('data-facet="type"').and.include('data-facet-value="lesson"');
    const english = await reader.agent.get(`/search?q=${encodeURIComponent('گردوغبار')}&type=lesson`).expect(200);
    expect(english.text).to.include('Type: Lesson').and.include('Notify me of new ones');
  });

  it('edits a returned lesson from its page; a city cannot edit a published one (409, with what it typed)', async () => {
    const lesson = await recordLesson(portal, c.owner, { title: 'درس ویرایشی' });
    await bringLesson(portal, c, lesson.id, 'returned');
    const form = await city.agent.get(`/lessons/${lesson.id}/edit`).expect(200);
    expect(form.text).to.include('value="درس ویرایشی"');
    await city.agent.post(`/lessons/${lesson.id}/edit`).type('form').send(lessonForm(csrfFrom(form.text), { title: 'درس ویرایش‌شده', observation: LESSON_FIELDS.observation, analysis: LESSON_FIELDS.analysis, recommendation: LESSON_FIELDS.recommendation, hazards: ['flood'], intent: 'submit' })).expect(303);
    expect(portal.services.lessons.getVisible(c.owner.user, lesson.id)).to.include({ title: 'درس ویرایش‌شده', review: 'submitted' });
    await bringLesson(portal, c, lesson.id, 'draft');
    await portal.services.lessons.review(c.secretariat.user, lesson.id, 'publish');
    await city.agent.get(`/lessons/${lesson.id}/edit`).expect(409);
    const refused = await city.agent.post(`/lessons/${lesson.id}/edit`).type('form').send(lessonForm(city.csrf, { title: 'تلاش دوباره', observation: 'x', analysis: 'y', recommendation: 'z', intent: 'save' })).expect(409);
    expect(refused.text).to.include('value="تلاش دوباره"').and.include('منتشرشده');
  });
});
