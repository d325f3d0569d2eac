import type { Db } from '../db/database';
import type { User } from '../auth/roles';
import type { AccessLevel } from '../documents/document';
import { visibleLessonsSql } from './lesson-access.policy';
import type { ActionStatus, Lesson, LessonAction, LessonReview, LessonSource, LessonStatus } from './lesson';

interface LessonRow {
  id: string;
  city_id: string;
  title: string;
  observation: string;
  analysis: string;
  recommendation: string;
  year: number;
  access: AccessLevel;
  review: LessonReview;
  review_comment: string | null;
  status: LessonStatus;
  learned_note: string | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  first_published_at: string | null;
}

interface ActionRow {
  id: number;
  lesson_id: string;
  description: string;
  city_id: string;
  due: string;
  status: ActionStatus;
  evidence: string | null;
  evidence_document_id: string | null;
  created_by_name: string | null;
  created_at: string;
  done_by_name: string | null;
  done_at: string | null;
}

export interface LessonLists {
  hazards?: string[];
  documents?: LessonSource[];
  resolutions?: string[];
  sharedWith?: string[];
}

export interface NewLessonRow extends Required<LessonLists> {
  id: string;
  city: string;
  title: string;
  observation: string;
  analysis: string;
  recommendation: string;
  year: number;
  access: AccessLevel;
  createdBy: number;
  at: string;
}

export type LessonFields = Partial<Pick<Lesson, 'title' | 'observation' | 'analysis' | 'recommendation' | 'access'>>;

export interface LessonFilter {
  ids?: string[];
  city: string[];
  hazard: string[];
  status: LessonStatus[];
  review: LessonReview[];
}

/** An action with the lesson it belongs to, for the city pages, the dashboard and the matrix. */
export interface ActionWithLesson extends LessonAction {
  lessonTitle: string;
  lessonCity: string;
}

const ACTION_SELECT = `SELECT act.id, act.lesson_id, act.description, act.city_id, act.due, act.status, act.evidence, act.evidence_document_id,
    cu.username AS created_by_name, act.created_at, du.username AS done_by_name, act.done_at
  FROM lesson_actions act LEFT JOIN users cu ON cu.id = act.created_by LEFT JOIN users du ON du.id = act.done_by`;

/** SQL for lessons, their lists and their actions; no rules here beyond the visibility clause it is given. */
export class LessonsRepository {
  constructor(private readonly db: Db) {}

  find(id: string): Lesson | null {
    const row = this.db.prepare('SELECT * FROM lessons WHERE id = ?').get(id) as LessonRow | undefined;
    return row ? this.hydrate(row) : null;
  }

  /** The lessons `viewer` may see that pass `filter`, newest change first (or in the order of `filter.ids`). */
  list(viewer: User, filter: LessonFilter, page: number, perPage: number): { total: number; lessons: Lesson[] } {
    const { where, params } = this.whereOf(viewer, filter);
    const total = this.db.prepare(`SELECT count(*) FROM lessons l WHERE ${where}`).pluck().get(params) as number;
    if (filter.ids) {
      const rows = this.db.prepare(`SELECT l.* FROM lessons l WHERE ${where}`).all(params) as LessonRow[];
      const rank = new Map(filter.ids.map((id, i) => [id, i]));
      rows.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
      return { total, lessons: rows.slice((page - 1) * perPage, page * perPage).map((row) => this.hydrate(row)) };
    }
    const rows = this.db
      .prepare(`SELECT l.* FROM lessons l WHERE ${where} ORDER BY l.updated_at DESC, l.id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: perPage, offset: (page - 1) * perPage }) as LessonRow[];
    return { total, lessons: rows.map((row) => this.hydrate(row)) };
  }

  /** Every lesson `viewer` may see in these review states (all of them, for matching and clustering). */
  allVisible(viewer: User, review: LessonReview[]): Lesson[] {
    return this.list(viewer, { city: [], hazard: [], status: [], review }, 1, 1_000_000).lessons;
  }

  insert(lesson: NewLessonRow): void {
    this.db
      .prepare(
        `INSERT INTO lessons (id, city_id, title, observation, analysis, recommendation, year, access, created_by, created_at, updated_at)
         VALUES (@id, @city, @title, @observation, @analysis, @recommendation, @year, @access, @createdBy, @at, @at)`,
      )
      .run({ id: lesson.id, city: lesson.city, title: lesson.title, observation: lesson.observation, analysis: lesson.analysis, recommendation: lesson.recommendation, year: lesson.year, access: lesson.access, createdBy: lesson.createdBy, at: lesson.at });
    this.replaceLists(lesson.id, lesson);
  }

  updateFields(id: string, fields: LessonFields, at: string): void {
    const columns = Object.keys(fields) as (keyof LessonFields)[];
    const assignments = [...columns.map((c) => `${c} = @${c}`), 'updated_at = @at'].join(', ');
    this.db.prepare(`UPDATE lessons SET ${assignments} WHERE id = @id`).run({ ...fields, at, id });
  }

  moveToCity(id: string, city: string): void {
    this.db.prepare('UPDATE lessons SET city_id = ? WHERE id = ?').run(city, id);
  }

  replaceLists(id: string, lists: LessonLists): void {
    if (lists.hazards) {
      this.db.prepare('DELETE FROM lesson_hazards WHERE lesson_id = ?').run(id);
      const insert = this.db.prepare('INSERT OR IGNORE INTO lesson_hazards (lesson_id, hazard) VALUES (?, ?)');
      for (const hazard of lists.hazards) insert.run(id, hazard);
    }
    if (lists.documents) {
      this.db.prepare('DELETE FROM lesson_documents WHERE lesson_id = ?').run(id);
      const insert = this.db.prepare('INSERT INTO lesson_documents (lesson_id, position, document_id, page) VALUES (?, ?, ?, ?)');
      lists.documents.forEach((source, position) => insert.run(id, position, source.documentId, source.page));
    }
    if (lists.resolutions) {
      this.db.prepare('DELETE FROM lesson_resolutions WHERE lesson_id = ?').run(id);
      const insert = this.db.prepare('INSERT OR IGNORE INTO lesson_resolutions (lesson_id, meeting, number) VALUES (?, ?, ?)');
      for (const ref of lists.resolutions) {
        const [meeting, number] = ref.split('/').map(Number);
        insert.run(id, meeting, number);
      }
    }
    if (lists.sharedWith) {
      this.db.prepare('DELETE FROM lesson_shares WHERE lesson_id = ?').run(id);
      const insert = this.db.prepare('INSERT OR IGNORE INTO lesson_shares (lesson_id, city_id) VALUES (?, ?)');
      for (const city of lists.sharedWith) insert.run(id, city);
    }
  }

  /** The review state changes; the first publication is remembered for good. */
  setReview(id: string, review: LessonReview, reviewComment: string | null, at: string): void {
    this.db
      .prepare(
        `UPDATE lessons SET review = @review, review_comment = @reviewComment, updated_at = @at,
           first_published_at = CASE WHEN @review = 'published' THEN coalesce(first_published_at, @at) ELSE first_published_at END
         WHERE id = @id`,
      )
      .run({ id, review, reviewComment, at });
  }

  setStatus(id: string, status: LessonStatus, at: string, learnedNote?: string): void {
    this.db
      .prepare('UPDATE lessons SET status = @status, learned_note = coalesce(@learnedNote, learned_note), updated_at = @at WHERE id = @id')
      .run({ id, status, at, learnedNote: learnedNote ?? null });
  }

  addAction(lessonId: string, action: { description: string; city: string; due: string }, createdBy: number, at: string): number {
    return Number(
      this.db
        .prepare(`INSERT INTO lesson_actions (lesson_id, description, city_id, due, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(lessonId, action.description, action.city, action.due, createdBy, at).lastInsertRowid,
    );
  }

  completeAction(actionId: number, evidence: string | null, documentId: string | null, doneBy: number, at: string): void {
    this.db
      .prepare(`UPDATE lesson_actions SET status = 'done', evidence = ?, evidence_document_id = ?, done_by = ?, done_at = ? WHERE id = ?`)
      .run(evidence, documentId, doneBy, at, actionId);
  }

  /** Actions of lessons `viewer` may see: those of `city` (any when omitted), still planned or every one. */
  actions(viewer: User, options: { city?: string; openOnly?: boolean; lessonReview?: LessonReview[] } = {}): ActionWithLesson[] {
    const visible = visibleLessonsSql(viewer);
    const conditions = [visible.sql];
    const params: Record<string, string> = { ...visible.params };
    if (options.city) {
      conditions.push('a.city_id = @actionCity');
      params.actionCity = options.city;
    }
    if (options.openOnly) conditions.push(`a.status = 'planned'`);
    if (options.lessonReview) conditions.push(`l.review IN (${options.lessonReview.map((r) => `'${r}'`).join(', ')})`);
    const rows = this.db
      .prepare(
        `SELECT a.*, l.title AS lesson_title, l.city_id AS lesson_city FROM (${ACTION_SELECT}) a JOIN lessons l ON l.id = a.lesson_id
         WHERE ${conditions.join(' AND ')} ORDER BY a.due, a.id`,
      )
      .all(params) as (ActionRow & { lesson_title: string; lesson_city: string })[];
    return rows.map((row) => ({ ...actionOf(row), lessonTitle: row.lesson_title, lessonCity: row.lesson_city }));
  }

  allIds(): string[] {
    return this.db.prepare('SELECT id FROM lessons ORDER BY created_at').pluck().all() as string[];
  }

  private whereOf(viewer: User, filter: LessonFilter): { where: string; params: Record<string, string | number> } {
    const visible = visibleLessonsSql(viewer);
    const conditions = [visible.sql];
    const params: Record<string, string | number> = { ...visible.params };
    const anyOf = (column: string, name: string, values: readonly string[]) => {
      if (values.length === 0) return;
      conditions.push(`${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`);
      values.forEach((value, i) => (params[`${name}${i}`] = value));
    };
    anyOf('l.city_id', 'city', filter.city);
    anyOf('l.status', 'status', filter.status);
    anyOf('l.review', 'review', filter.review);
    if (filter.ids) anyOf('l.id', 'id', filter.ids.length > 0 ? filter.ids : ['']);
    if (filter.hazard.length > 0) {
      conditions.push(`EXISTS (SELECT 1 FROM lesson_hazards h WHERE h.lesson_id = l.id AND h.hazard IN (${filter.hazard.map((_, i) => `@hazard${i}`).join(', ')}))`);
      filter.hazard.forEach((value, i) => (params[`hazard${i}`] = value));
    }
    return { where: conditions.join(' AND '), params };
  }

  private hydrate(row: LessonRow): Lesson {
    const id = row.id;
    const actions = this.db.prepare(`${ACTION_SELECT} WHERE act.lesson_id = ? ORDER BY act.id`).all(id) as ActionRow[];
    return {
      id,
      city: row.city_id,
      title: row.title,
      observation: row.observation,
      analysis: row.analysis,
      recommendation: row.recommendation,
      hazards: this.db.prepare('SELECT hazard FROM lesson_hazards WHERE lesson_id = ? ORDER BY hazard').pluck().all(id) as string[],
      documents: (this.db.prepare('SELECT document_id, page FROM lesson_documents WHERE lesson_id = ? ORDER BY position').all(id) as { document_id: string; page: number | null }[]).map(
        (r) => ({ documentId: r.document_id, page: r.page }),
      ),
      resolutions: this.db.prepare(`SELECT meeting || '/' || number FROM lesson_resolutions WHERE lesson_id = ? ORDER BY meeting, number`).pluck().all(id) as string[],
      access: row.access,
      sharedWith: this.db.prepare('SELECT city_id FROM lesson_shares WHERE lesson_id = ? ORDER BY city_id').pluck().all(id) as string[],
      review: row.review,
      reviewComment: row.review_comment,
      status: row.status,
      learnedNote: row.learned_note,
      year: row.year,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      firstPublishedAt: row.first_published_at,
      actions: actions.map(actionOf),
    };
  }
}

function actionOf(row: ActionRow): LessonAction {
  return {
    id: row.id,
    lessonId: row.lesson_id,
    description: row.description,
    city: row.city_id,
    due: row.due,
    status: row.status,
    evidence: row.evidence,
    evidenceDocumentId: row.evidence_document_id,
    createdBy: row.created_by_name,
    createdAt: row.created_at,
    doneBy: row.done_by_name,
    doneAt: row.done_at,
  };
}
