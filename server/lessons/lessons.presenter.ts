import type { User } from '../auth/roles';
import type { AuditEntry } from '../audit/audit.log';
import { canManageLesson } from './lesson-access.policy';
import type { Lesson, LessonAction } from './lesson';
import type { LessonsService } from './lessons.service';

/**
 * The API form of a lesson (API.md): its source documents only as far as the viewer may see them; review notes and
 * sharing only for those who manage it, as for a document.
 */
export function presentLesson(lesson: Lesson, viewer: User, lessons: Pick<LessonsService, 'visibleSources' | 'visibleDocumentTitle'>) {
  const managing = canManageLesson(viewer, lesson);
  return {
    id: lesson.id,
    title: lesson.title,
    observation: lesson.observation,
    analysis: lesson.analysis,
    recommendation: lesson.recommendation,
    hazards: lesson.hazards,
    city: lesson.city,
    documents: lessons.visibleSources(viewer, lesson).map((source) => ({ id: source.documentId, title: source.title, page: source.page })),
    resolutions: lesson.resolutions,
    access: lesson.access,
    ...(managing ? { sharedWith: lesson.sharedWith, reviewComment: lesson.reviewComment } : {}),
    review: lesson.review,
    status: lesson.status,
    learnedNote: lesson.learnedNote,
    year: lesson.year,
    actions: lesson.actions.map((action) => presentAction(action, viewer, lessons)),
    createdAt: lesson.createdAt,
    updatedAt: lesson.updatedAt,
  };
}

export function presentAction(action: LessonAction, viewer: User, lessons: Pick<LessonsService, 'visibleDocumentTitle'>) {
  const title = lessons.visibleDocumentTitle(viewer, action.evidenceDocumentId);
  return {
    id: action.id,
    description: action.description,
    city: action.city,
    due: action.due,
    status: action.status,
    evidence: action.evidence,
    document: title !== null ? { id: action.evidenceDocumentId, title } : null,
    createdAt: action.createdAt,
    doneAt: action.doneAt,
    doneBy: action.doneBy,
  };
}

/** One event of a lesson's history: what happened, when, by whom, with its details. */
export function presentHistory(entry: AuditEntry) {
  return { action: entry.action, at: entry.at, by: entry.username, details: entry.details };
}
