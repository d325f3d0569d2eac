import crypto from 'node:crypto';
import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditEntry, AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { canView } from '../documents/access.policy';
import type { DocumentsRepository } from '../documents/documents.repository';
import type { JobsQueue } from '../jobs/jobs.queue';
import { shortened, type NotificationInput, type NotificationText } from '../notifications/notifications.service';
import type { DocumentNotifier } from '../documents/documents.service';
import type { SearchIndex } from '../../search/search-index';
import { isOverdue, jalaliToday, solarYear } from '../i18n/solar-hijri';
import { canCompleteAction, canEditLesson, canManageLesson, canRecordLessons, canViewLesson } from './lesson-access.policy';
import type { Lesson, LessonAction, LessonReview, LessonSource, LessonStatus } from './lesson';
import type { LessonChangeListener } from './lesson-changes';
import type { ActionWithLesson, LessonFields, LessonsRepository } from './lessons.repository';
import type { ActionDone, LessonListQuery, LessonUpdate, NewAction, NewLesson } from './lessons.schema';
import { clustersOf, similarLessons, type LessonCluster, type LessonText, type SimilarLesson } from './similar-lessons';

export type LessonReviewAction = 'submit' | 'publish' | 'return';

/** The review of a lesson: the document workflow's submit, publish and return, with the same rules. */
const REVIEW: Record<LessonReviewAction, { from: readonly LessonReview[]; to: LessonReview; by: 'manager' | 'reviewer' }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: 'manager' },
  publish: { from: ['submitted'], to: 'published', by: 'reviewer' },
  return: { from: ['submitted'], to: 'returned', by: 'reviewer' },
};

const PAST_TENSE: Record<LessonReviewAction, string> = { submit: 'submitted', publish: 'published', return: 'returned' };

/** How many matching lessons a `q` may bring from the search index before the other filters are applied. */
const MAX_SEARCHED_LESSONS = 1000;

/** One city's column of a lesson in the lessons × cities matrix. */
export interface MatrixCell {
  planned: number;
  done: number;
  overdue: number;
}

export interface LessonsMatrix {
  lessons: Pick<Lesson, 'id' | 'title' | 'city' | 'status' | 'year'>[];
  /** city → lesson id → its actions there. */
  cells: Record<string, Record<string, MatrixCell>>;
}

/**
 * Lessons learned: written by a city (or the secretariat for one), reviewed as documents are, followed up by actions
 * that give a city a Solar Hijri due date and close with evidence, and marked learned by the secretariat once every
 * action is done. Every change is audited (target `lesson:<id>`), queues the lesson's index job in its transaction,
 * and is told to the listeners after commit.
 */
export class LessonsService {
  constructor(
    private readonly db: Db,
    private readonly lessons: LessonsRepository,
    private readonly documents: DocumentsRepository,
    private readonly audit: AuditLog,
    private readonly jobs: JobsQueue,
    private readonly notifier: DocumentNotifier,
    private readonly changes: LessonChangeListener,
    private readonly index: Pick<SearchIndex, 'search'>,
  ) {}

  /** The lesson if `actor` may see it; otherwise NotFound, exactly as for an id that does not exist. */
  getVisible(actor: User, id: string): Lesson {
    const lesson = this.lessons.find(id);
    if (!lesson || !canViewLesson(actor, lesson)) throw new NotFoundError('no such lesson');
    return lesson;
  }

  /** 404 when `actor` cannot see it, 403 when they see it but may not change it. */
  getManageable(actor: User, id: string): Lesson {
    const lesson = this.getVisible(actor, id);
    if (!canManageLesson(actor, lesson)) throw new ForbiddenError('only the lesson\'s city and the secretariat may change this lesson');
    return lesson;
  }

  /** 404 / 403 as `getManageable`, 409 when its city may no longer edit it (submitted or published: the secretariat's to judge). */
  getEditable(actor: User, id: string): Lesson {
    const lesson = this.getManageable(actor, id);
    if (!canEditLesson(actor, lesson)) {
      throw new ConflictError(`a ${lesson.review} lesson cannot be edited by its city; only a draft or a returned one can`, 'invalid_transition');
    }
    return lesson;
  }

  assertCanRecord(actor: User): void {
    if (!canRecordLessons(actor)) throw new ForbiddenError('readers may not record lessons');
  }

  /** The lessons `actor` may see: `q` as search reads it (every word, any spelling), the other filters on the record. */
  async list(actor: User, query: LessonListQuery): Promise<{ total: number; lessons: Lesson[] }> {
    const ids = query.q ? await this.searchedIds(actor, query) : undefined;
    return this.lessons.list(actor, { ids, city: query.city, hazard: query.hazard, status: query.status, review: query.review }, query.page, query.perPage);
  }

  /** Submitted lessons, the longest waiting first (a submitted lesson changes no more until it is decided): the review desk's lesson queue. */
  waitingForReview(actor: User): Lesson[] {
    if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat reviews lessons');
    return this.lessons.allVisible(actor, ['submitted']).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }

  async create(actor: User, input: NewLesson): Promise<Lesson> {
    this.assertCanRecord(actor);
    const city = this.owningCity(actor, input.city);
    this.assertReferences(actor, input);
    const id = crypto.randomUUID();
    const at = nowIso();
    this.db.transaction(() => {
      this.lessons.insert({
        id,
        city,
        title: input.title,
        observation: input.observation,
        analysis: input.analysis,
        recommendation: input.recommendation,
        year: solarYear(at),
        access: input.access,
        hazards: input.hazards,
        documents: input.documents,
        resolutions: input.resolutions,
        sharedWith: input.sharedWith.filter((c) => c !== city),
        createdBy: actor.id,
        at,
      });
      this.jobs.enqueue('index-lesson', id);
      this.audit.record(actor, 'lesson.created', { target: target(id), details: { city, title: input.title, documents: input.documents.map((d) => d.documentId) } });
    })();
    await this.changes.lessonChanged(id);
    return this.lessons.find(id)!;
  }

  /**
   * A correction: the lesson's city while it is a draft or returned, the secretariat in any state; only the
   * secretariat moves a lesson to another city. Only what really changes is written and audited (field names).
   */
  async update(actor: User, id: string, update: LessonUpdate): Promise<Lesson> {
    let changed = false;
    this.db.transaction(() => {
      const lesson = this.getEditable(actor, id);
      if (update.city !== undefined && update.city !== lesson.city && actor.role !== 'secretariat') {
        throw new ForbiddenError('only the secretariat moves a lesson to another city');
      }
      this.assertReferences(actor, update);
      if (update.city !== undefined) this.assertCities([update.city], 'city');
      const city = update.city ?? lesson.city;
      const fields: LessonFields = {};
      for (const field of ['title', 'observation', 'analysis', 'recommendation', 'access'] as const) {
        if (update[field] !== undefined && update[field] !== lesson[field]) (fields as Record<string, unknown>)[field] = update[field];
      }
      // Shares never name the owner city, the new one included when the lesson moves.
      const shares = update.sharedWith ?? (city !== lesson.city ? lesson.sharedWith : undefined);
      const lists = {
        hazards: differs(update.hazards, lesson.hazards),
        documents: update.documents && sourcesKey(update.documents) !== sourcesKey(lesson.documents) ? update.documents : undefined,
        resolutions: differs(update.resolutions, lesson.resolutions),
        sharedWith: differs(shares?.filter((c) => c !== city), lesson.sharedWith),
      };
      const names = [...Object.keys(fields), ...(city !== lesson.city ? ['city'] : []), ...Object.entries(lists).filter(([, v]) => v !== undefined).map(([k]) => k)];
      if (names.length === 0) return;
      changed = true;
      const at = nowIso();
      this.lessons.updateFields(id, fields, at);
      if (city !== lesson.city) this.lessons.moveToCity(id, city);
      this.lessons.replaceLists(id, lists);
      this.jobs.enqueue('index-lesson', id);
      this.audit.record(actor, 'lesson.updated', { target: target(id), details: { fields: names, review: lesson.review, ...(city !== lesson.city ? { city: { from: lesson.city, to: city } } : {}) } });
    })();
    if (changed) await this.changes.lessonChanged(id);
    return this.lessons.find(id)!;
  }

  /** submit (the lesson's city or the secretariat), publish and return (the secretariat): 404, 403, 409 as for documents. */
  async review(actor: User, id: string, action: LessonReviewAction, comment?: string): Promise<Lesson> {
    this.db.transaction(() => {
      const lesson = this.authorizeReview(actor, id, action);
      const step = REVIEW[action];
      if (!step.from.includes(lesson.review)) throw new ConflictError(`a ${lesson.review} lesson cannot be ${PAST_TENSE[action]}`, 'invalid_transition');
      const reviewComment = action === 'return' ? (comment ?? null) : action === 'submit' ? null : lesson.reviewComment;
      this.lessons.setReview(id, step.to, reviewComment, nowIso());
      this.jobs.enqueue('index-lesson', id);
      this.audit.record(actor, `lesson.${PAST_TENSE[action]}`, { target: target(id), details: { from: lesson.review, to: step.to, ...(action === 'return' && comment ? { comment } : {}) } });
      this.notifier.notify(reviewNotice(action, lesson, comment, () => this.reviewers(actor)));
    })();
    await this.changes.lessonChanged(id);
    return this.lessons.find(id)!;
  }

  /** The lesson, if `actor` may take `action` on it at all: 404 when they cannot see it, 403 when they may not act. */
  authorizeReview(actor: User, id: string, action: LessonReviewAction): Lesson {
    if (REVIEW[action].by === 'manager') return this.getManageable(actor, id);
    const lesson = this.getVisible(actor, id);
    if (actor.role !== 'secretariat') throw new ForbiddenError(`only the secretariat may ${action} a lesson`);
    return lesson;
  }

  reviewActions(actor: User, lesson: Lesson): LessonReviewAction[] {
    return (Object.keys(REVIEW) as LessonReviewAction[]).filter((action) => {
      const step = REVIEW[action];
      const permitted = step.by === 'reviewer' ? actor.role === 'secretariat' : canManageLesson(actor, lesson);
      return permitted && step.from.includes(lesson.review);
    });
  }

  /**
   * A follow-up action for a city, due on a Solar Hijri day: the secretariat or the lesson's city plans it on a
   * published lesson that is not learned yet (409 otherwise); a restricted lesson's actions go to its own city or the
   * cities it is shared with, who can see it. The lesson becomes `planned`; the action's city is told.
   */
  async addAction(actor: User, id: string, input: NewAction): Promise<LessonAction> {
    let actionId = 0;
    this.db.transaction(() => {
      const lesson = this.getManageable(actor, id);
      if (lesson.review !== 'published') throw new ConflictError('actions are planned for a published lesson; publish it first', 'invalid_transition');
      if (lesson.status === 'learned') throw new ConflictError('this lesson is learned; it takes no more actions', 'invalid_transition');
      this.assertCities([input.city], 'city');
      if (lesson.access === 'restricted' && input.city !== lesson.city && !lesson.sharedWith.includes(input.city)) {
        throw new BadRequestError('city: this restricted lesson is not shared with that city, which could not see it', { fields: [{ field: 'city', message: 'not shared with this city' }] }, 'validation_failed');
      }
      const at = nowIso();
      actionId = this.lessons.addAction(id, input, actor.id, at);
      this.lessons.setStatus(id, 'planned', at);
      this.audit.record(actor, 'lesson.action_added', { target: target(id), details: { action: actionId, city: input.city, due: input.due, description: input.description, from: lesson.status, to: 'planned' } });
      this.notifier.notify({
        to: { cities: [input.city] },
        kind: 'lesson.action_assigned',
        message: { key: 'lessonActionAssigned', params: { title: lesson.title } },
        link: `/lessons/${id}`,
      });
    })();
    await this.changes.lessonChanged(id);
    return this.lessons.find(id)!.actions.find((a) => a.id === actionId)!;
  }

  /**
   * The action's city closes it with evidence: a text, and/or a document the actor may see. Another city (and the
   * secretariat) gets 403; an action already done, or of a learned lesson, 409. When every action is done the lesson
   * becomes `implemented` and the secretariat is told.
   */
  async completeAction(actor: User, id: string, actionId: number, input: ActionDone): Promise<LessonAction> {
    this.db.transaction(() => {
      const { lesson, action } = this.assertCanComplete(actor, id, actionId);
      if (action.status === 'done') throw new ConflictError('this action is already done', 'invalid_transition');
      if (lesson.status === 'learned') throw new ConflictError('this lesson is learned; its actions are closed', 'invalid_transition');
      if (input.document !== undefined) this.assertVisibleDocuments(actor, [input.document], 'document');
      const at = nowIso();
      this.lessons.completeAction(actionId, input.evidence ?? null, input.document ?? null, actor.id, at);
      const open = lesson.actions.filter((a) => a.id !== actionId && a.status !== 'done').length;
      const status: LessonStatus = open === 0 ? 'implemented' : lesson.status;
      if (status !== lesson.status) this.lessons.setStatus(id, status, at);
      this.audit.record(actor, 'lesson.action_done', {
        target: target(id),
        details: { action: actionId, city: action.city, ...(input.evidence ? { evidence: input.evidence } : {}), ...(input.document ? { document: input.document } : {}), ...(status !== lesson.status ? { from: lesson.status, to: status } : {}) },
      });
      this.notifier.notify({
        to: { userIds: this.reviewers(actor) },
        kind: 'lesson.action_done',
        message: { key: status === 'implemented' ? 'lessonImplemented' : 'lessonActionDone', params: { title: lesson.title } },
        link: `/lessons/${id}`,
      });
    })();
    await this.changes.lessonChanged(id);
    return this.lessons.find(id)!.actions.find((a) => a.id === actionId)!;
  }

  /** The lesson and its action, if `actor` may complete it: 404 for a lesson they cannot see or an action it lacks, 403 for another city's action. */
  assertCanComplete(actor: User, id: string, actionId: number): { lesson: Lesson; action: LessonAction } {
    const lesson = this.getVisible(actor, id);
    const action = lesson.actions.find((a) => a.id === actionId);
    if (!action) throw new NotFoundError('no such action');
    if (!canCompleteAction(actor, action)) throw new ForbiddenError('only the staff of the action\'s city complete it');
    return { lesson, action };
  }

  /** 404 when `actor` cannot see the lesson, 403 unless they are the secretariat. */
  assertCanMarkLearned(actor: User, id: string): Lesson {
    const lesson = this.getVisible(actor, id);
    if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat marks a lesson learned');
    return lesson;
  }

  /** The secretariat's verdict, with a note: only once every action is done (`implemented`), else 409. */
  async markLearned(actor: User, id: string, note: string): Promise<Lesson> {
    this.db.transaction(() => {
      const lesson = this.assertCanMarkLearned(actor, id);
      if (lesson.status !== 'implemented') {
        throw new ConflictError(`a lesson is learned only once every action is done (implemented); this one is ${lesson.status}`, 'invalid_transition');
      }
      this.lessons.setStatus(id, 'learned', nowIso(), note);
      this.audit.record(actor, 'lesson.learned', { target: target(id), details: { from: lesson.status, to: 'learned', note } });
      this.notifier.notify({ to: { cities: [lesson.city] }, kind: 'lesson.learned', message: { key: 'lessonLearned', params: { title: lesson.title } }, link: `/lessons/${id}` });
    })();
    await this.changes.lessonChanged(id);
    return this.lessons.find(id)!;
  }

  /** The lesson's history, oldest first: every audited change. */
  history(actor: User, id: string): AuditEntry[] {
    this.getVisible(actor, id);
    return this.audit.forTarget(target(id));
  }

  /** The documents a lesson names that `viewer` may see (the others are left out, as if not named). */
  visibleSources(viewer: User, lesson: Lesson): (LessonSource & { title: string })[] {
    return lesson.documents.flatMap((source) => {
      const doc = this.documents.find(source.documentId);
      return doc && canView(viewer, doc) ? [{ ...source, title: doc.title }] : [];
    });
  }

  /** The title of an evidence document, when `viewer` may see it. */
  visibleDocumentTitle(viewer: User, documentId: string | null): string | null {
    if (!documentId) return null;
    const doc = this.documents.find(documentId);
    return doc && canView(viewer, doc) ? doc.title : null;
  }

  /** Published lessons `viewer` may see that are like this one (or like a text still being written), of other cities or years. */
  similar(viewer: User, lesson: LessonText & Pick<Lesson, 'city' | 'year'> & { id?: string }): SimilarLesson[] {
    return similarLessons(lesson, this.lessons.allVisible(viewer, ['published']));
  }

  /** Groups of alike published lessons never marked learned, within what `viewer` may see (the dashboard). */
  recurringClusters(viewer: User): LessonCluster[] {
    return clustersOf(this.lessons.allVisible(viewer, ['published']).filter((lesson) => lesson.status !== 'learned'));
  }

  /** Open actions past their due date, of lessons `viewer` may see (of one city when named), the longest overdue first. */
  overdueActions(viewer: User, city?: string, today = jalaliToday()): ActionWithLesson[] {
    return this.lessons.actions(viewer, { city, openOnly: true }).filter((action) => isOverdue(action.due, today));
  }

  /** A city's actions still to do (on lessons `viewer` may see), soonest due first. */
  openActions(viewer: User, city: string): ActionWithLesson[] {
    return this.lessons.actions(viewer, { city, openOnly: true });
  }

  /**
   * The lessons × cities matrix, like the compliance matrix: each published lesson `viewer` may see that has
   * actions, and for each city its actions there (planned, done, overdue).
   */
  matrix(viewer: User, today = jalaliToday()): LessonsMatrix {
    const actions = this.lessons.actions(viewer, { lessonReview: ['published'] });
    const cells: LessonsMatrix['cells'] = {};
    for (const action of actions) {
      const cell = ((cells[action.city] ??= {})[action.lessonId] ??= { planned: 0, done: 0, overdue: 0 });
      if (action.status === 'done') cell.done += 1;
      else {
        cell.planned += 1;
        if (isOverdue(action.due, today)) cell.overdue += 1;
      }
    }
    const withActions = new Set(actions.map((a) => a.lessonId));
    const lessons = this.lessons
      .allVisible(viewer, ['published'])
      .filter((lesson) => withActions.has(lesson.id))
      .map(({ id, title, city, status, year }) => ({ id, title, city, status, year }));
    return { lessons, cells };
  }

  private async searchedIds(actor: User, query: LessonListQuery): Promise<string[]> {
    const result = await this.index.search(
      { role: actor.role, city: actor.city },
      { q: query.q, filters: { type: ['lesson'], ...(query.city.length ? { city: query.city } : {}), ...(query.hazard.length ? { hazard: query.hazard } : {}) }, sort: 'relevance', page: 1, perPage: MAX_SEARCHED_LESSONS },
    );
    return result.relaxed ? [] : result.hits.map((hit) => hit.id);
  }

  private owningCity(actor: User, requested: string | undefined): string {
    if (actor.role === 'city') {
      if (requested && requested !== actor.city) throw new ForbiddenError('a city records lessons only for itself');
      return actor.city!;
    }
    if (!requested) throw new BadRequestError('city: the secretariat names the city a lesson belongs to', { fields: [{ field: 'city' }] }, 'validation_failed');
    this.assertCities([requested], 'city');
    return requested;
  }

  /** Hazards, resolutions and cities that exist, and source documents the actor may see (else 400, never saying which exist). */
  private assertReferences(actor: User, input: Partial<Pick<NewLesson, 'hazards' | 'resolutions' | 'sharedWith' | 'documents'>>): void {
    const problems: { field: string; message: string }[] = [];
    const hazards = input.hazards ?? [];
    const known = this.documents.existingIds('hazard', hazards);
    for (const hazard of hazards) if (!known.has(hazard)) problems.push({ field: 'hazards', message: `unknown hazard ${hazard}` });
    const refs = input.resolutions ?? [];
    const knownRefs = this.documents.existingResolutions(refs);
    for (const ref of refs) if (!knownRefs.has(ref)) problems.push({ field: 'resolutions', message: `unknown resolution ${ref}` });
    const shared = input.sharedWith ?? [];
    const knownCities = this.documents.existingIds('cities', shared);
    for (const city of shared) if (!knownCities.has(city)) problems.push({ field: 'sharedWith', message: `unknown city ${city}` });
    for (const source of input.documents ?? []) {
      const doc = this.documents.find(source.documentId);
      if (!doc || !canView(actor, doc)) problems.push({ field: 'documents', message: `no document ${source.documentId} you may see` });
    }
    if (problems.length > 0) throw new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems }, 'validation_failed');
  }

  private assertVisibleDocuments(actor: User, ids: string[], field: string): void {
    for (const id of ids) {
      const doc = this.documents.find(id);
      if (!doc || !canView(actor, doc)) throw new BadRequestError(`${field}: no document ${id} you may see`, { fields: [{ field, message: 'no such document you may see' }] }, 'validation_failed');
    }
  }

  private assertCities(cities: string[], field: string): void {
    const known = this.documents.existingIds('cities', cities);
    const unknown = cities.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new BadRequestError(`${field}: unknown city ${unknown.join(', ')}`, { fields: [{ field, message: 'unknown city' }] }, 'validation_failed');
  }

  private reviewers(actor: User): number[] {
    return this.db.prepare("SELECT id FROM users WHERE role = 'secretariat' AND disabled = 0 AND id != ?").pluck().all(actor.id) as number[];
  }
}

/** The audit target of a lesson. */
export function target(id: string): string {
  return `lesson:${id}`;
}

/** `next` when it holds other values than `current` (compared as sets), else undefined. */
function differs(next: string[] | undefined, current: string[]): string[] | undefined {
  if (next === undefined) return undefined;
  const [a, b] = [[...new Set(next)].sort(), [...new Set(current)].sort()];
  return a.length === b.length && a.every((value, i) => value === b[i]) ? undefined : next;
}

function sourcesKey(sources: LessonSource[]): string {
  return JSON.stringify(sources.map((s) => [s.documentId, s.page]));
}

function reviewNotice(action: LessonReviewAction, lesson: Lesson, comment: string | undefined, reviewers: () => number[]): NotificationInput {
  const link = `/lessons/${lesson.id}`;
  const title = lesson.title;
  switch (action) {
    case 'submit':
      return { to: { userIds: reviewers() }, kind: 'lesson.submitted', message: { key: 'lessonSubmitted', params: { title } }, link };
    case 'publish':
      return { to: { cities: [lesson.city] }, kind: 'lesson.published', message: { key: 'lessonPublished', params: { title } }, link };
    case 'return': {
      const message: NotificationText = comment ? { key: 'lessonReturnedWithNote', params: { title, note: shortened(comment) } } : { key: 'lessonReturned', params: { title } };
      return { to: { cities: [lesson.city] }, kind: 'lesson.returned', message, link };
    }
  }
}
