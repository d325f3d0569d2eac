import type { User } from '../auth/roles';
import { canManage, canView } from '../documents/access.policy';
import type { AccessFields } from '../../search/search-index';
import type { Lesson, LessonAction } from './lesson';

/**
 * Who sees and who changes a lesson: the rules of a document (server/documents/access.policy.ts), read with the
 * lesson's review state as the document's status. Only a published lesson is seen beyond its city and the
 * secretariat; a restricted one only by its city, the secretariat and the cities it is shared with.
 */
export function canViewLesson(user: User, lesson: Pick<Lesson, 'city' | 'review' | 'access' | 'sharedWith'>): boolean {
  return canView(user, { city: lesson.city, status: lesson.review, access: lesson.access, sharedWith: lesson.sharedWith });
}

/** The lesson's city and the secretariat manage it: correct it, submit it, plan its actions. */
export function canManageLesson(user: User, lesson: Pick<Lesson, 'city'>): boolean {
  return canManage(user, lesson);
}

/** The lesson's city while it is a draft or returned; the secretariat in any state. */
export function canEditLesson(user: User, lesson: Pick<Lesson, 'city' | 'review'>): boolean {
  if (user.role === 'secretariat') return true;
  return canManageLesson(user, lesson) && (lesson.review === 'draft' || lesson.review === 'returned');
}

/** Only the staff of an action's city complete it: not another city, not the secretariat for them. */
export function canCompleteAction(user: User, action: Pick<LessonAction, 'city'>): boolean {
  return user.role === 'city' && user.city === action.city;
}

/** Who may record lessons: the cities (for themselves) and the secretariat (for any city). */
export function canRecordLessons(user: User): boolean {
  return user.role === 'secretariat' || user.role === 'city';
}

/** The `canViewLesson` rule for a `lessons` row aliased `l`, with its named parameters. */
export function visibleLessonsSql(user: User): { sql: string; params: Record<string, string> } {
  if (user.role === 'secretariat') return { sql: '1 = 1', params: {} };
  if (user.role === 'city' && user.city) {
    return {
      sql: `(l.city_id = @viewerCity OR (l.review = 'published' AND (l.access = 'portal'
              OR EXISTS (SELECT 1 FROM lesson_shares s WHERE s.lesson_id = l.id AND s.city_id = @viewerCity))))`,
      params: { viewerCity: user.city },
    };
  }
  return { sql: `(l.review = 'published' AND l.access = 'portal')`, params: {} };
}

/** Who may find a lesson in the search index: its review state is the entry's status. */
export function lessonAccessFields(lesson: Pick<Lesson, 'city' | 'review' | 'access' | 'sharedWith'>): AccessFields {
  return { status: lesson.review, access: lesson.access, sharedWith: lesson.sharedWith, city: lesson.city };
}
