import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';
import { fieldsOf, firstString, formStrings, isFormError, withoutArraySuffix, withoutEmptyStrings } from '../http/form';
import { hasMessage, type MessageKey, type Translate } from '../i18n/index';
import { fa } from '../i18n/fa/index';
import { isOverdue, jalaliDate, jalaliToday, latinDigits } from '../i18n/solar-hijri';
import { resolutionChoices } from '../resolutions/resolution-choices';
import { canCompleteAction, canEditLesson, canManageLesson } from './lesson-access.policy';
import { LESSON_REVIEW_STATES, LESSON_STATUSES, type Lesson } from './lesson';
import {
  actionDoneSchema,
  actionParamsSchema,
  learnedSchema,
  lessonListQuerySchema,
  lessonReturnSchema,
  lessonUpdateSchema,
  newActionSchema,
  newLessonSchema,
  type NewLesson,
} from './lessons.schema';
import { presentHistory } from './lessons.presenter';
import type { LessonReviewAction } from './lessons.service';

/** The fields of the lesson form, each with its reason in the catalogue when refused. */
const LESSON_FIELDS = Object.keys(fa.lessons.fieldErrors) as (keyof typeof fa.lessons.fieldErrors)[];
const isLessonField = (field: string): field is (typeof LESSON_FIELDS)[number] => (LESSON_FIELDS as readonly string[]).includes(field);

/** How many source document rows the form shows beyond those filled in. */
const EMPTY_SOURCE_ROWS = 2;

/** What the lesson form shows again after a refusal or a check for similar lessons: everything typed, as typed. */
export interface LessonFormValues {
  title: string;
  observation: string;
  analysis: string;
  recommendation: string;
  hazards: string[];
  city: string;
  documents: { id: string; page: string }[];
  resolutions: string[];
  access: string;
  sharedWith: string[];
}

/** Typed values of the forms on a lesson's page, kept when one is refused. */
interface LessonPageForms {
  action?: { description: string; city: string; due: string };
  done?: { actionId: number; evidence: string; document: string };
  learned?: string;
  return?: string;
}

type LessonPageErrors = Partial<Record<'action' | 'done' | 'learned' | 'return', string[]>>;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The lesson pages: the list with its filters, the form to record one (from a document page, prefilled with that
 * document), a lesson's page with its review, actions, similar lessons and history, the edit form, and the lessons ×
 * cities matrix. Every form posts to the same service the API calls; a refused form comes back with what was typed.
 */
export function lessonsPages(services: Services): Router {
  const { lessons, documents, reference } = services;
  const router = Router();
  router.use('/lessons', requirePageUser);

  router.get('/lessons', async (req, res) => {
    const user = currentUser(req);
    const query = parseInput(lessonListQuerySchema, withoutEmptyStrings({ ...(req.query as Record<string, unknown>) }));
    const found = await lessons.list(user, query);
    const pages = Math.max(1, Math.ceil(found.total / query.perPage));
    const href = (page: number) => {
      const params = new URLSearchParams();
      if (query.q) params.set('q', query.q);
      for (const key of ['city', 'hazard', 'status', 'review'] as const) for (const value of query[key]) params.append(key, value);
      if (page > 1) params.set('page', String(page));
      const search = params.toString();
      return search ? `/lessons?${search}` : '/lessons';
    };
    res.render('lessons', {
      title: res.locals.t('lessons.list.title'),
      query,
      found,
      pages,
      href,
      statuses: LESSON_STATUSES,
      reviews: LESSON_REVIEW_STATES,
      canRecord: user.role !== 'reader',
    });
  });

  router.get('/lessons/matrix', (req, res) => {
    const user = currentUser(req);
    res.render('lessons-matrix', { title: res.locals.t('lessons.matrix.title'), matrix: lessons.matrix(user), today: jalaliToday() });
  });

  router.get('/lessons/new', (req, res) => {
    const user = currentUser(req);
    lessons.assertCanRecord(user);
    const values = emptyForm(user);
    const from = firstString(req.query.document);
    if (from) {
      const doc = documents.getVisible(user, from);
      const page = /^[1-9][0-9]{0,5}$/.test(firstString(req.query.page)) ? firstString(req.query.page) : '';
      values.documents = [{ id: doc.id, page }];
      values.hazards = [...doc.hazards];
      values.resolutions = [...doc.resolutions];
    }
    renderForm(req, res, null, values);
  });

  router.post('/lessons/new', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    lessons.assertCanRecord(user);
    const values = formValues(withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) }));
    const intent = firstString((req.body as Record<string, unknown>).intent);
    let input: NewLesson;
    try {
      input = parseInput(newLessonSchema, lessonInput(values, user));
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderForm(req, res, null, values, 400, fieldsOf(error));
    }
    if (intent === 'check') return renderForm(req, res, null, values, 200, [], lessons.similar(user, { ...input, city: input.city ?? user.city ?? '', year: jalaliYear() }));
    let created: Lesson;
    try {
      created = await lessons.create(user, input);
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderForm(req, res, null, values, 400, fieldsOf(error));
    }
    if (intent === 'submit') await lessons.review(user, created.id, 'submit');
    req.session.flash = res.locals.t(intent === 'submit' ? 'lessons.flash.createdAndSubmitted' : 'lessons.flash.created');
    res.redirect(303, `/lessons/${created.id}`);
  });

  router.get('/lessons/:id', (req, res) => {
    renderLesson(req, res, lessons.getVisible(currentUser(req), req.params.id as string));
  });

  router.get('/lessons/:id/edit', (req, res) => {
    const lesson = lessons.getEditable(currentUser(req), req.params.id as string);
    renderForm(req, res, lesson, valuesOf(lesson));
  });

  router.post('/lessons/:id/edit', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const { t } = res.locals;
    const lesson = lessons.getManageable(user, req.params.id as string);
    const values = formValues(withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) }));
    const intent = firstString((req.body as Record<string, unknown>).intent);
    if (!canEditLesson(user, lesson)) return renderForm(req, res, lesson, values, 409, [], undefined, t('lessons.edit.notEditable', { review: t(`lessons.review.${lesson.review}`) }));
    let update;
    try {
      update = parseInput(lessonUpdateSchema, lessonInput(values, user));
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderForm(req, res, lesson, values, 400, fieldsOf(error));
    }
    if (intent === 'check') return renderForm(req, res, lesson, values, 200, [], lessons.similar(user, { ...lesson, ...update, city: update.city ?? lesson.city }));
    try {
      await lessons.update(user, lesson.id, update);
    } catch (error) {
      if (isFormError(error)) return renderForm(req, res, lesson, values, 400, fieldsOf(error));
      if (error instanceof AppError && error.status === 409) return renderForm(req, res, lesson, values, 409, [], undefined, t('lessons.edit.notEditable', { review: t(`lessons.review.${lesson.review}`) }));
      throw error;
    }
    if (intent === 'submit' && lessons.reviewActions(user, lessons.getVisible(user, lesson.id)).includes('submit')) await lessons.review(user, lesson.id, 'submit');
    req.session.flash = t(intent === 'submit' ? 'lessons.flash.savedAndSubmitted' : 'lessons.flash.saved');
    res.redirect(303, `/lessons/${lesson.id}`);
  });

  for (const action of ['submit', 'publish'] as const satisfies LessonReviewAction[]) {
    router.post(`/lessons/:id/${action}`, verifyCsrf, async (req, res) => {
      const id = req.params.id as string;
      await lessons.review(currentUser(req), id, action);
      req.session.flash = res.locals.t(`lessons.flash.${action}`);
      res.redirect(303, `/lessons/${id}`);
    });
  }

  router.post('/lessons/:id/return', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const lesson = lessons.authorizeReview(user, req.params.id as string, 'return');
    const typed = firstString((req.body as Record<string, unknown>).comment);
    let comment: string;
    try {
      ({ comment } = parseInput(lessonReturnSchema, { comment: typed }));
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderLesson(req, res, lesson, 400, { return: [res.locals.t('lessons.page.returnCommentRequired')] }, { return: typed });
    }
    await lessons.review(user, lesson.id, 'return', comment);
    req.session.flash = res.locals.t('lessons.flash.return');
    res.redirect(303, `/lessons/${lesson.id}`);
  });

  router.post('/lessons/:id/actions', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const lesson = lessons.getManageable(user, req.params.id as string);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = { description: firstString(body.description), city: firstString(body.city), due: firstString(body.due) };
    try {
      await lessons.addAction(user, lesson.id, parseInput(newActionSchema, typed));
    } catch (error) {
      const refusal = pageRefusal(res.locals.t, error, 'action');
      if (!refusal) throw error;
      return renderLesson(req, res, lessons.getVisible(user, lesson.id), refusal.status, { action: refusal.messages }, { action: typed });
    }
    req.session.flash = res.locals.t('lessons.flash.actionAdded');
    res.redirect(303, `/lessons/${lesson.id}#actions`);
  });

  router.post('/lessons/:id/actions/:actionId/done', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const { id, actionId } = parseInput(actionParamsSchema, req.params);
    const { lesson } = lessons.assertCanComplete(user, id, actionId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = { actionId, evidence: firstString(body.evidence), document: firstString(body.document) };
    try {
      await lessons.completeAction(user, id, actionId, parseInput(actionDoneSchema, { evidence: typed.evidence, document: documentIdIn(typed.document) }));
    } catch (error) {
      const refusal = pageRefusal(res.locals.t, error, 'done');
      if (!refusal) throw error;
      return renderLesson(req, res, lessons.getVisible(user, lesson.id), refusal.status, { done: refusal.messages }, { done: typed });
    }
    req.session.flash = res.locals.t('lessons.flash.actionDone');
    res.redirect(303, `/lessons/${id}#actions`);
  });

  router.post('/lessons/:id/learned', verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const lesson = lessons.assertCanMarkLearned(user, req.params.id as string);
    const typed = firstString((req.body as Record<string, unknown>).note);
    try {
      await lessons.markLearned(user, lesson.id, parseInput(learnedSchema, { note: typed }).note);
    } catch (error) {
      const refusal = pageRefusal(res.locals.t, error, 'learned');
      if (!refusal) throw error;
      return renderLesson(req, res, lessons.getVisible(user, lesson.id), refusal.status, { learned: refusal.messages }, { learned: typed });
    }
    req.session.flash = res.locals.t('lessons.flash.learned');
    res.redirect(303, `/lessons/${lesson.id}`);
  });

  return router;


  function renderForm(
    req: Request,
    res: Response,
    lesson: Lesson | null,
    values: LessonFormValues,
    status = 200,
    fields: string[] = [],
    similar?: ReturnType<typeof lessons.similar>,
    problem?: string,
  ): void {
    const user = currentUser(req);
    const { t, locale } = res.locals;
    const fieldErrors = Object.fromEntries(fields.filter(isLessonField).map((field) => [field, t(`lessons.fieldErrors.${field}`)]));
    const unnamed = fields.some((field) => !isLessonField(field)) ? [t('errors.validation_failed')] : [];
    const sourceTitles = new Map(values.documents.flatMap((row) => {
      const title = lessons.visibleDocumentTitle(user, documentIdIn(row.id));
      return title === null ? [] : [[row.id, title] as const];
    }));
    res.status(status).render('lesson-form', {
      title: lesson ? t('lessons.edit.title', { title: lesson.title }) : t('lessons.form.title'),
      lesson,
      values: { ...values, documents: [...values.documents, ...Array.from({ length: EMPTY_SOURCE_ROWS }, () => ({ id: '', page: '' }))] },
      sourceTitles,
      errors: [...(problem ? [problem] : []), ...Object.values(fieldErrors), ...unnamed],
      fieldErrors,
      resolutionChoices: resolutionChoices(reference, user, locale),
      chooseCity: user.role === 'secretariat',
      ownerCity: values.city || lesson?.city || null,
      similar: similar ?? null,
      canSubmit: lesson ? lessons.reviewActions(user, lesson).includes('submit') : true,
    });
  }

  function renderLesson(req: Request, res: Response, lesson: Lesson, status = 200, errors: LessonPageErrors = {}, forms: LessonPageForms = {}): void {
    const user = currentUser(req);
    const { t, locale } = res.locals;
    const manage = canManageLesson(user, lesson);
    const today = jalaliToday();
    res.status(status).render('lesson', {
      title: lesson.title,
      lesson,
      manage,
      sources: lessons.visibleSources(user, lesson),
      evidenceTitle: (documentId: string | null) => lessons.visibleDocumentTitle(user, documentId),
      reviewActions: lessons.reviewActions(user, lesson),
      canEdit: canEditLesson(user, lesson),
      canPlan: manage && lesson.review === 'published' && lesson.status !== 'learned',
      canComplete: (action: Lesson['actions'][number]) => canCompleteAction(user, action) && action.status === 'planned' && lesson.status !== 'learned',
      canMarkLearned: user.role === 'secretariat' && lesson.status === 'implemented',
      actionCities: reference.cities().filter((c) => lesson.access === 'portal' || c.id === lesson.city || lesson.sharedWith.includes(c.id)),
      similar: lesson.review === 'published' || manage ? lessons.similar(user, lesson) : [],
      history: lessons.history(user, lesson.id).map(presentHistory),
      historyLabel: (action: string) => (hasMessage(locale, `audit.actions.${action}`) ? t(`audit.actions.${action}` as MessageKey) : action),
      jalali: (value: string) => jalaliDate(value, locale),
      overdue: (due: string) => isOverdue(due, today),
      resolutionText: new Map(resolutionChoices(reference, user, locale).map((r) => [r.ref, r.text])),
      listSeparator: t('documents.listSeparator'),
      errors,
      forms,
    });
  }
}

/** A refusal a form on the lesson page can explain (bad input, a state that does not allow it), in the reader's language. */
function pageRefusal(t: Translate, error: unknown, form: 'action' | 'done' | 'learned'): { status: number; messages: string[] } | null {
  if (!(error instanceof AppError)) return null;
  if (error.status === 409) return { status: 409, messages: [t(`lessons.page.conflict.${form}`)] };
  if (!isFormError(error)) return null;
  const messages = fieldsOf(error).map((field) => {
    const key = `lessons.page.formErrors.${form}.${field}`;
    return hasMessage('fa', key) ? t(key as MessageKey) : t('errors.validation_failed');
  });
  return { status: 400, messages: [...new Set(messages)] };
}

/** A document named by its id, or by a pasted address that holds its id. */
function documentIdIn(typed: string): string {
  const text = typed.trim();
  return UUID.exec(text)?.[0] ?? text;
}

function jalaliYear(): number {
  return Number(jalaliToday().slice(0, 4));
}

function emptyForm(user: User): LessonFormValues {
  return {
    title: '',
    observation: '',
    analysis: '',
    recommendation: '',
    hazards: [],
    city: user.role === 'city' ? (user.city ?? '') : '',
    documents: [],
    resolutions: [],
    access: 'portal',
    sharedWith: [],
  };
}

function valuesOf(lesson: Lesson): LessonFormValues {
  return {
    title: lesson.title,
    observation: lesson.observation,
    analysis: lesson.analysis,
    recommendation: lesson.recommendation,
    hazards: lesson.hazards,
    city: lesson.city,
    documents: lesson.documents.map((d) => ({ id: d.documentId, page: d.page === null ? '' : String(d.page) })),
    resolutions: lesson.resolutions,
    access: lesson.access,
    sharedWith: lesson.sharedWith,
  };
}

function formValues(body: Record<string, unknown>): LessonFormValues {
  const ids = Array.isArray(body.documentId) ? body.documentId : [body.documentId];
  const pages = Array.isArray(body.documentPage) ? body.documentPage : [body.documentPage];
  return {
    title: firstString(body.title),
    observation: firstString(body.observation),
    analysis: firstString(body.analysis),
    recommendation: firstString(body.recommendation),
    hazards: formStrings(body.hazards),
    city: firstString(body.city),
    documents: ids
      .map((id, i) => ({ id: typeof id === 'string' ? id.trim() : '', page: typeof pages[i] === 'string' ? (pages[i] as string).trim() : '' }))
      .filter((row) => row.id !== ''),
    resolutions: formStrings(body.resolutions),
    access: firstString(body.access) || 'portal',
    sharedWith: formStrings(body.sharedWith),
  };
}

/** Form values as the lesson schemas take them: pasted addresses read as ids, page numbers in any digits, empty fields left out. */
function lessonInput(values: LessonFormValues, user: User): Record<string, unknown> {
  return withoutEmptyStrings({
    title: values.title,
    observation: values.observation,
    analysis: values.analysis,
    recommendation: values.recommendation,
    hazards: values.hazards,
    city: user.role === 'secretariat' ? values.city : undefined,
    documents: values.documents.map((row) => {
      const page = latinDigits(row.page);
      return { id: documentIdIn(row.id), page: /^[0-9]+$/.test(page) ? Number(page) : page === '' ? null : -1 };
    }),
    resolutions: values.resolutions,
    access: values.access,
    sharedWith: values.access === 'restricted' ? values.sharedWith : [],
  });
}
