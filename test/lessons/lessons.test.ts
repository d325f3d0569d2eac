import { expect } from 'chai';
import supertest from 'supertest';
import { bring, cast, countRows, startPortal, upload, DEFAULT_FIELDS, type Cast, type TestPortal } from '../helpers/portal';
import { bringLesson, countOf, LESSON_FIELDS, lessonRow, recordLesson } from '../helpers/lessons';
import { jalaliToday } from '../../server/i18n/solar-hijri';
import { hasMessage } from '../../server/i18n/index';

/** A Solar Hijri day `days` from today (negative: in the past), as the API takes it. */
function dayFromToday(days: number): string {
  return jalaliToday(new Date(Date.now() + days * 86_400_000));
}

describe('lessons: recording, review, visibility, follow-up', function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let c: Cast;
  const api = () => supertest(portal.app);

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  describe('recording a lesson', () => {
    it('a city records a lesson for itself: 201 with status identified, review draft, its source documents with their page', async () => {
      const doc = await upload(portal, c.owner);
      const res = await api()
        .post('/api/v1/lessons')
        .set(c.owner.auth)
        .send({ ...LESSON_FIELDS, documents: [{ id: doc.id, page: 3 }] })
        .expect(201);
      expect(res.body).to.include({ status: 'identified', review: 'draft', city: 'tehran', title: LESSON_FIELDS.title, access: 'portal' });
      expect(res.body.id).to.match(/^[0-9a-f-]{36}$/);
      expect(res.body.documents).to.deep.equal([{ id: doc.id, title: DEFAULT_FIELDS.title, page: 3 }]);
      expect(res.body.hazards).to.deep.equal(['flood']);
      expect(res.body.resolutions).to.deep.equal(['9/2']);
      expect(res.body.actions).to.deep.equal([]);
      expect(res.headers.location).to.equal(`/api/v1/lessons/${res.body.id}`);
      const detail = await api().get(`/api/v1/lessons/${res.body.id}`).set(c.owner.auth).expect(200);
      expect(detail.body.history.map((h: { action: string }) => h.action)).to.deep.equal(['lesson.created']);
      expect(detail.body.history[0].by).to.equal('tehran-staff');
    });

    it('takes source documents as plain ids too (API.md: "documents":[id…])', async () => {
      const doc = await upload(portal, c.owner);
      const lesson = await recordLesson(portal, c.owner, { documents: [doc.id] });
      const res = await api().get(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).expect(200);
      expect(res.body.documents).to.deep.equal([{ id: doc.id, title: DEFAULT_FIELDS.title, page: null }]);
    });

    it('the secretariat records for a city it names; a city only for itself; a reader not at all — refusals record nothing', async () => {
      const made = await recordLesson(portal, c.secretariat, { city: 'shiraz' });
      expect(made.city).to.equal('shiraz');
      const [lessons, audits] = [countOf(portal, 'lessons'), countRows(portal, 'audit_log')];
      const noCity = await api().post('/api/v1/lessons').set(c.secretariat.auth).send(LESSON_FIELDS).expect(400);
      expect(noCity.body.error.code).to.equal('validation_failed');
      await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS, city: 'shiraz' }).expect(403);
      await api().post('/api/v1/lessons').set(c.reader.auth).send(LESSON_FIELDS).expect(403);
      await api().post('/api/v1/lessons').send(LESSON_FIELDS).expect(401);
      expect([countOf(portal, 'lessons'), countRows(portal, 'audit_log')]).to.deep.equal([lessons, audits]);
    });

    it('refuses bad input with 400 naming each field, and never says whether a document it may not see exists', async () => {
      const hidden = await upload(portal, c.otherCity);
      const [lessons, audits] = [countOf(portal, 'lessons'), countRows(portal, 'audit_log')];
      const cases: [object, string[]][] = [
        [{ ...LESSON_FIELDS, title: '   ' }, ['title']],
        [{ ...LESSON_FIELDS, observation: undefined }, ['observation']],
        [{ ...LESSON_FIELDS, hazards: ['tsunami'] }, ['hazards']],
        [{ ...LESSON_FIELDS, resolutions: ['99/1'] }, ['resolutions']],
        [{ ...LESSON_FIELDS, documents: [hidden.id] }, ['documents']],
        [{ ...LESSON_FIELDS, documents: ['no-such-document'] }, ['documents']],
        [{ ...LESSON_FIELDS, documents: [{ id: hidden.id, page: 0 }] }, ['documents.0']],
        [{ ...LESSON_FIELDS, access: 'secret' }, ['access']],
        [{ ...LESSON_FIELDS, colour: 'blue' }, ['colour']],
      ];
      for (const [body, fields] of cases) {
        const res = await api().post('/api/v1/lessons').set(c.owner.auth).send(body).expect(400);
        expect(res.body.error.code, JSON.stringify(body)).to.equal('validation_failed');
        expect(res.body.error.details.fields.map((f: { field: string }) => f.field), JSON.stringify(body)).to.deep.equal(fields);
      }
      const hiddenOne = await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS, documents: [hidden.id] }).expect(400);
      const missing = await api().post('/api/v1/lessons').set(c.owner.auth).send({ ...LESSON_FIELDS, documents: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
      expect(hiddenOne.body.error.message.replace(hidden.id, 'X')).to.equal(missing.body.error.message.replace('00000000-0000-4000-8000-000000000000', 'X'));
      expect(JSON.stringify(hiddenOne.body)).not.to.contain(DEFAULT_FIELDS.title);
      expect([countOf(portal, 'lessons'), countRows(portal, 'audit_log')]).to.deep.equal([lessons, audits]);
    });
  });

  describe('review and visibility', () => {
    const ALL = ['secretariat', 'owner', 'otherCity', 'sharedCity', 'reader'] as const;
    const SEES: Record<string, readonly (typeof ALL)[number][]> = {
      draft: ['secretariat', 'owner'],
      submitted: ['secretariat', 'owner'],
      returned: ['secretariat', 'owner'],
      published: ALL,
      restricted: ['secretariat', 'owner', 'sharedCity'],
    };

    for (const state of Object.keys(SEES)) {
      it(`a ${state} lesson is seen, listed and found only by those who may see it`, async () => {
        const restricted = state === 'restricted';
        const word = `واژه${Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'x')}`;
        const title = `درس ${state} ${word}`;
        const lesson = await recordLesson(portal, c.owner, { title, access: restricted ? 'restricted' : 'portal', sharedWith: restricted ? ['isfahan'] : [] });
        await bringLesson(portal, c, lesson.id, restricted ? 'published' : (state as 'draft'));
        for (const role of ALL) {
          const sees = SEES[state]!.includes(role);
          const one = await api().get(`/api/v1/lessons/${lesson.id}`).set(c[role].auth);
          expect(one.status, `${role} GET a ${state} lesson`).to.equal(sees ? 200 : 404);
          if (!sees) expect(JSON.stringify(one.body)).not.to.contain(title);
          const listed = await api().get('/api/v1/lessons?perPage=100').set(c[role].auth).expect(200);
          expect(listed.body.lessons.some((l: { id: string }) => l.id === lesson.id), `${role} lists a ${state} lesson`).to.equal(sees);
          const searched = await api().get(`/api/v1/search?q=${encodeURIComponent(word)}&type=lesson`).set(c[role].auth).expect(200);
          expect(searched.body.hits.map((h: { id: string }) => h.id), `${role} finds a ${state} lesson`).to.deep.equal(sees ? [lesson.id] : []);
          expect(searched.body.total).to.equal(sees ? 1 : 0);
          expect(searched.body.facets.type).to.deep.equal(sees ? { lesson: 1 } : {});
          if (sees) expect(searched.body.hits[0]).to.include({ type: 'lesson', city: 'tehran', page: null });
        }
        await api().get(`/api/v1/lessons/${lesson.id}`).expect(401);
      });
    }

    it('moves draft → submitted → returned → submitted → published with the same rules as a document; refusals change nothing', async () => {
      const lesson = await recordLesson(portal, c.owner);
      const post = (who: keyof Cast, action: string, body: object = {}) => api().post(`/api/v1/lessons/${lesson.id}/${action}`).set(c[who].auth).send(body);
      const unchanged = async (attempt: () => Promise<unknown>) => {
        const [before, audits] = [lessonRow(portal, lesson.id), countRows(portal, 'audit_log')];
        await attempt();
        expect(lessonRow(portal, lesson.id)).to.deep.equal(before);
        expect(countRows(portal, 'audit_log')).to.equal(audits);
      };
      await unchanged(() => post('owner', 'publish').expect(403));
      await unchanged(() => post('secretariat', 'publish').expect(409));
      await unchanged(() => post('otherCity', 'submit').expect(404));
      await unchanged(() => post('reader', 'submit').expect(404));
      expect((await post('owner', 'submit').expect(200)).body.review).to.equal('submitted');
      await unchanged(() => post('owner', 'submit').expect(409));
      await unchanged(() => post('secretariat', 'return').expect(400));
      await unchanged(() => post('owner', 'return', { comment: 'x' }).expect(403));
      const returned = await post('secretariat', 'return', { comment: 'تحلیل را کامل کنید' }).expect(200);
      expect(returned.body).to.include({ review: 'returned', reviewComment: 'تحلیل را کامل کنید' });
      const seenByOwner = await api().get(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).expect(200);
      expect(seenByOwner.body.reviewComment).to.equal('تحلیل را کامل کنید');
      await api().patch(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).send({ analysis: 'تحلیل کامل‌تر: دریچه‌ها و برق اضطراری' }).expect(200);
      await post('owner', 'submit').expect(200);
      await unchanged(() => api().patch(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).send({ title: 'دیگر' }).expect(409));
      const published = await post('secretariat', 'publish').expect(200);
      expect(published.body.review).to.equal('published');
      const history = (await api().get(`/api/v1/lessons/${lesson.id}`).set(c.reader.auth).expect(200)).body.history.map((h: { action: string }) => h.action);
      expect(history).to.deep.equal(['lesson.created', 'lesson.submitted', 'lesson.returned', 'lesson.updated', 'lesson.submitted', 'lesson.published']);
      const notes = portal.services.notifications.list(c.owner.user.id).notifications.map((n) => n.kind);
      expect(notes).to.include.members(['lesson.returned', 'lesson.published']);
    });

    it('the secretariat corrects a published lesson (audited, re-indexed) and moves it to another city; a city cannot move it', async () => {
      const lesson = await recordLesson(portal, c.owner, { title: 'درس جابه‌جایی' });
      await bringLesson(portal, c, lesson.id, 'published');
      await api().patch(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).send({ city: 'shiraz' }).expect(409);
      const fixed = await api().patch(`/api/v1/lessons/${lesson.id}`).set(c.secretariat.auth).send({ title: 'درس جابه‌جاشده زلزله‌خیز', city: 'shiraz' }).expect(200);
      expect(fixed.body).to.include({ city: 'shiraz', title: 'درس جابه‌جاشده زلزله‌خیز' });
      const found = await api().get(`/api/v1/search?q=${encodeURIComponent('زلزله‌خیز')}`).set(c.reader.auth).expect(200);
      expect(found.body.hits.map((h: { id: string; city: string }) => [h.id, h.city])).to.deep.equal([[lesson.id, 'shiraz']]);
      const history = portal.services.audit.forTarget(`lesson:${lesson.id}`).at(-1)!;
      expect(history.action).to.equal('lesson.updated');
      expect(history.details.fields).to.have.members(['title', 'city']);
    });
  });

  describe('follow-up: actions, evidence, learned', () => {
    let lessonId: string;

    before(async () => {
      const lesson = await recordLesson(portal, c.owner, { title: 'درس پیگیری پمپ‌ها' });
      lessonId = lesson.id;
    });

    it('plans actions only on a published lesson, by the secretariat or the lesson\'s city; others are refused and nothing changes', async () => {
      const action = { description: 'نصب مولد برق برای پمپ‌های تخلیه', city: 'shiraz', due: '۱۴۰۵/۱۲/۲۰' };
      const add = (who: keyof Cast, body: object = action) => api().post(`/api/v1/lessons/${lessonId}/actions`).set(c[who].auth).send(body);
      const [actions, audits] = [countOf(portal, 'lesson_actions'), countRows(portal, 'audit_log')];
      await add('secretariat').expect(409);
      await bringLesson(portal, c, lessonId, 'published');
      const audits2 = countRows(portal, 'audit_log');
      await add('otherCity').expect(403);
      await add('reader').expect(403);
      await add('sharedCity').expect(403);
      await api().post(`/api/v1/lessons/${lessonId}/actions`).send(action).expect(401);
      for (const bad of [{ ...action, due: '1405-12-31' }, { ...action, due: 'فردا' }, { ...action, city: 'atlantis' }, { ...action, description: '' }]) {
        const res = await add('secretariat', bad).expect(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      expect([countOf(portal, 'lesson_actions'), countRows(portal, 'audit_log')]).to.deep.equal([actions, audits2]);
      expect(audits2).to.be.greaterThan(audits);
      const created = await add('secretariat').expect(201);
      expect(created.body).to.include({ city: 'shiraz', due: '1405-12-20', status: 'planned', description: action.description });
      const own = await add('owner', { description: 'لایروبی دریچه‌های آبرو', city: 'tehran', due: '1405-01-15' }).expect(201);
      expect(own.body.status).to.equal('planned');
      const lesson = (await api().get(`/api/v1/lessons/${lessonId}`).set(c.otherCity.auth).expect(200)).body;
      expect(lesson.status).to.equal('planned');
      expect(lesson.actions).to.have.length(2);
      expect(portal.services.notifications.list(c.otherCity.user.id).notifications.some((n) => n.kind === 'lesson.action_assigned')).to.equal(true);
    });

    it('a city completing another city\'s action gets 403 and changes nothing; the secretariat does not complete for a city either', async () => {
      const lesson = (await api().get(`/api/v1/lessons/${lessonId}`).set(c.secretariat.auth).expect(200)).body;
      const shirazAction = lesson.actions.find((a: { city: string }) => a.city === 'shiraz');
      const unchanged = async (who: keyof Cast | null, status: number, body: object = { evidence: 'انجام شد' }) => {
        const [before, actionRow, audits] = [lessonRow(portal, lessonId), portal.services.db.prepare('SELECT * FROM lesson_actions WHERE id = ?').get(shirazAction.id), countRows(portal, 'audit_log')];
        const req = api().post(`/api/v1/lessons/${lessonId}/actions/${shirazAction.id}/done`).send(body);
        const res = await (who ? req.set(c[who].auth) : req);
        expect(res.status, `${who}`).to.equal(status);
        expect(lessonRow(portal, lessonId)).to.deep.equal(before);
        expect(portal.services.db.prepare('SELECT * FROM lesson_actions WHERE id = ?').get(shirazAction.id)).to.deep.equal(actionRow);
        expect(countRows(portal, 'audit_log')).to.equal(audits);
      };
      await unchanged('owner', 403);
      await unchanged('secretariat', 403);
      await unchanged('sharedCity', 403);
      await unchanged('reader', 403);
      await unchanged(null, 401);
      await unchanged('otherCity', 400, {});
      const hidden = await upload(portal, c.owner);
      await unchanged('otherCity', 400, { evidence: 'سند', document: hidden.id });
      await api().post(`/api/v1/lessons/${lessonId}/actions/999999/done`).set(c.otherCity.auth).send({ evidence: 'x' }).expect(404);
    });

    it('learned before every action is done → 409, and nothing changes', async () => {
      const [before, audits] = [lessonRow(portal, lessonId), countRows(portal, 'audit_log')];
      const res = await api().post(`/api/v1/lessons/${lessonId}/learned`).set(c.secretariat.auth).send({ note: 'کافی است' }).expect(409);
      expect(res.body.error.code).to.equal('invalid_transition');
      await api().post(`/api/v1/lessons/${lessonId}/learned`).set(c.owner.auth).send({ note: 'کافی است' }).expect(403);
      expect(lessonRow(portal, lessonId)).to.deep.equal(before);
      expect(countRows(portal, 'audit_log')).to.equal(audits);
    });

    it('each city completes its own action with evidence; the lesson becomes implemented, then the secretariat marks it learned with a note', async () => {
      const lesson = (await api().get(`/api/v1/lessons/${lessonId}`).set(c.secretariat.auth).expect(200)).body;
      const [shiraz, tehran] = ['shiraz', 'tehran'].map((city) => lesson.actions.find((a: { city: string }) => a.city === city));
      const evidence = await upload(portal, c.otherCity, { ...DEFAULT_FIELDS, title: 'گزارش نصب مولدها', city: undefined });
      await bring(portal, c, evidence.id, 'published');
      const done = await api().post(`/api/v1/lessons/${lessonId}/actions/${shiraz.id}/done`).set(c.otherCity.auth).send({ evidence: 'دو مولد نصب شد', document: evidence.id }).expect(200);
      expect(done.body).to.include({ status: 'done', evidence: 'دو مولد نصب شد' });
      expect(done.body.document).to.deep.equal({ id: evidence.id, title: 'گزارش نصب مولدها' });
      await api().post(`/api/v1/lessons/${lessonId}/actions/${shiraz.id}/done`).set(c.otherCity.auth).send({ evidence: 'دوباره' }).expect(409);
      expect(lessonRow(portal, lessonId).status).to.equal('planned');
      await api().post(`/api/v1/lessons/${lessonId}/learned`).set(c.secretariat.auth).send({ note: 'هنوز نه' }).expect(409);
      await api().post(`/api/v1/lessons/${lessonId}/actions/${tehran.id}/done`).set(c.owner.auth).send({ evidence: 'دریچه‌ها لایروبی شد' }).expect(200);
      expect(lessonRow(portal, lessonId).status).to.equal('implemented');
      expect(portal.services.notifications.list(c.secretariat.user.id).notifications.some((n) => n.message?.key === 'lessonImplemented')).to.equal(true);
      await api().post(`/api/v1/lessons/${lessonId}/learned`).set(c.secretariat.auth).send({}).expect(400);
      const learned = await api().post(`/api/v1/lessons/${lessonId}/learned`).set(c.secretariat.auth).send({ note: 'بارش اردیبهشت بی‌آب‌گرفتگی گذشت' }).expect(200);
      expect(learned.body).to.include({ status: 'learned', learnedNote: 'بارش اردیبهشت بی‌آب‌گرفتگی گذشت' });
      await api().post(`/api/v1/lessons/${lessonId}/actions`).set(c.secretariat.auth).send({ description: 'باز هم', city: 'tehran', due: '1406-01-01' }).expect(409);
      const history = (await api().get(`/api/v1/lessons/${lessonId}`).set(c.reader.auth).expect(200)).body.history.map((h: { action: string }) => h.action);
      expect(history.slice(-5)).to.deep.equal(['lesson.action_added', 'lesson.action_added', 'lesson.action_done', 'lesson.action_done', 'lesson.learned']);
      for (const action of new Set<string>(history)) for (const locale of ['fa', 'en'] as const) expect(hasMessage(locale, `audit.actions.${action}`), `${locale} ${action}`).to.equal(true);
    });

    it('shows an evidence document only to those who may see it', async () => {
      const lesson = await recordLesson(portal, c.owner, { title: 'درس با سند شاهد محدود' });
      await bringLesson(portal, c, lesson.id, 'published');
      const action = (await api().post(`/api/v1/lessons/${lesson.id}/actions`).set(c.secretariat.auth).send({ description: 'گزارش', city: 'tehran', due: '1406-01-01' }).expect(201)).body;
      const draft = await upload(portal, c.owner, { ...DEFAULT_FIELDS, title: 'پیش‌نویس شاهد' });
      await api().post(`/api/v1/lessons/${lesson.id}/actions/${action.id}/done`).set(c.owner.auth).send({ document: draft.id }).expect(200);
      const asOwner = (await api().get(`/api/v1/lessons/${lesson.id}`).set(c.owner.auth).expect(200)).body;
      expect(asOwner.actions[0].document).to.deep.equal({ id: draft.id, title: 'پیش‌نویس شاهد' });
      const asReader = await api().get(`/api/v1/lessons/${lesson.id}`).set(c.reader.auth).expect(200);
      expect(asReader.body.actions[0].document).to.equal(null);
      expect(JSON.stringify(asReader.body)).not.to.contain('پیش‌نویس شاهد');
    });

    it('overdue actions: on the city page, on the dashboard and in the lessons × cities matrix, within what each may see', async () => {
      const lesson = await recordLesson(portal, c.owner, { title: 'درس موعدگذشته', access: 'restricted', sharedWith: ['isfahan'] });
      await bringLesson(portal, c, lesson.id, 'published');
      await api().post(`/api/v1/lessons/${lesson.id}/actions`).set(c.secretariat.auth).send({ description: 'تمرین تخلیه', city: 'shiraz', due: dayFromToday(-3) }).expect(400);
      const action = (await api().post(`/api/v1/lessons/${lesson.id}/actions`).set(c.secretariat.auth).send({ description: 'تمرین تخلیه', city: 'isfahan', due: dayFromToday(-3) }).expect(201)).body;
      await api().post(`/api/v1/lessons/${lesson.id}/actions`).set(c.owner.auth).send({ description: 'بازبینی', city: 'tehran', due: dayFromToday(30) }).expect(201);
      const overdue = portal.services.lessons.overdueActions(c.secretariat.user);
      expect(overdue.map((a) => a.id)).to.include(action.id);
      expect(overdue.find((a) => a.id === action.id)).to.include({ city: 'isfahan', lessonTitle: 'درس موعدگذشته' });
      expect(portal.services.lessons.overdueActions(c.reader.user).map((a) => a.id)).not.to.include(action.id);
      const matrix = portal.services.lessons.matrix(c.sharedCity.user);
      expect(matrix.cells.isfahan?.[lesson.id]).to.deep.equal({ planned: 1, done: 0, overdue: 1 });
      expect(matrix.cells.tehran?.[lesson.id]).to.deep.equal({ planned: 1, done: 0, overdue: 0 });
      expect(portal.services.lessons.matrix(c.otherCity.user).lessons.map((l) => l.id)).not.to.include(lesson.id);
      expect(portal.services.lessons.matrix(c.reader.user).cells.isfahan?.[lesson.id]).to.equal(undefined);
    });
  });

  describe('lists and recurring lessons', () => {
    it('filters the list by status, hazard and city, and reads q as search does (any spelling)', async () => {
      const a = await recordLesson(portal, c.owner, { title: 'ريزگرد و تعطيلي مدارس', hazards: ['dust-storm'], observation: 'ريزگردها هوای شهر را آلوده کرد' });
      await bringLesson(portal, c, a.id, 'published');
      const found = await api().get(`/api/v1/lessons?q=${encodeURIComponent('ریزگرد')}`).set(c.reader.auth).expect(200);
      expect(found.body.lessons.map((l: { id: string }) => l.id)).to.deep.equal([a.id]);
      const byHazard = await api().get('/api/v1/lessons?hazard=dust-storm&status=identified&perPage=100').set(c.reader.auth).expect(200);
      expect(byHazard.body.lessons.map((l: { id: string }) => l.id)).to.deep.equal([a.id]);
      const none = await api().get('/api/v1/lessons?hazard=dust-storm&status=learned').set(c.reader.auth).expect(200);
      expect(none.body).to.include({ total: 0 });
      await api().get('/api/v1/lessons?status=forgotten').set(c.reader.auth).expect(400);
      await api().get('/api/v1/lessons?colour=blue').set(c.reader.auth).expect(400);
    });

    it('finds alike lessons of other cities and years, and clusters the unlearned ones, within what each may see', async () => {
      const texts = {
        title: 'قطع برق بیمارستان‌ها هنگام زلزله',
        observation: 'در زلزله، برق بیمارستان‌های شهر قطع شد و مولدهای اضطراری روشن نشدند.',
        analysis: 'مولدهای اضطراری بیمارستان‌ها آزمایش دوره‌ای نداشتند و سوخت ذخیره کافی نبود.',
        recommendation: 'آزمایش ماهانهٔ مولدهای اضطراری بیمارستان‌ها و ذخیرهٔ سوخت برای سه روز.',
        hazards: ['earthquake'],
      };
      const first = await recordLesson(portal, c.secretariat, { ...texts, city: 'kerman' });
      const second = await recordLesson(portal, c.secretariat, { ...texts, city: 'tabriz', title: 'مولدهای اضطراری بیمارستان در زلزله روشن نشد' });
      const hidden = await recordLesson(portal, c.secretariat, { ...texts, city: 'yazd', access: 'restricted' });
      const unrelated = await recordLesson(portal, c.secretariat, { title: 'آموزش همگانی', observation: 'دانش‌آموزان مانور را جدی نگرفتند.', analysis: 'آموزش پیشین نبود.', recommendation: 'برنامهٔ آموزش پیش از مانور.', hazards: ['fire'], city: 'qom' });
      for (const l of [first, second, hidden, unrelated]) await bringLesson(portal, c, l.id, 'published');
      const similar = (await api().get(`/api/v1/lessons/${first.id}/similar`).set(c.reader.auth).expect(200)).body.lessons.map((l: { id: string }) => l.id);
      expect(similar).to.include(second.id);
      expect(similar).not.to.include.members([first.id, hidden.id, unrelated.id]);
      const bySecretariat = portal.services.lessons.similar(c.secretariat.user, lessonOf(first.id)).map((s) => s.lesson.id);
      expect(bySecretariat).to.include.members([second.id, hidden.id]);
      const clusters = portal.services.lessons.recurringClusters(c.secretariat.user);
      const cluster = clusters.find((cl) => cl.lessons.some((l) => l.id === first.id))!;
      expect(cluster.lessons.map((l) => l.id)).to.have.members([first.id, second.id, hidden.id]);
      expect(cluster.hazards).to.deep.equal(['earthquake']);
      expect(portal.services.lessons.recurringClusters(c.reader.user).flatMap((cl) => cl.lessons.map((l) => l.id))).not.to.include(hidden.id);
    });
  });

  function lessonOf(id: string) {
    return portal.services.lessons.getVisible(c.secretariat.user, id);
  }
});
