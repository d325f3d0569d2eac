import type { AccessLevel } from '../documents/document';

/** A lesson is reviewed as a document is: only a published one is seen beyond its city and the secretariat. */
export const LESSON_REVIEW_STATES = ['draft', 'submitted', 'published', 'returned'] as const;
export type LessonReview = (typeof LESSON_REVIEW_STATES)[number];

/** Its follow-up: actions planned, every action done, and (the secretariat's verdict) learned. */
export const LESSON_STATUSES = ['identified', 'planned', 'implemented', 'learned'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

export const ACTION_STATUSES = ['planned', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A document a lesson comes from, and the page of it, when one was named. */
export interface LessonSource {
  documentId: string;
  page: number | null;
}

export interface LessonAction {
  id: number;
  lessonId: string;
  description: string;
  /** The city responsible for it: only its staff complete it. */
  city: string;
  /** Solar Hijri, `1405-12-20`. */
  due: string;
  status: ActionStatus;
  evidence: string | null;
  evidenceDocumentId: string | null;
  createdBy: string | null;
  createdAt: string;
  doneBy: string | null;
  doneAt: string | null;
}

export interface Lesson {
  id: string;
  city: string;
  title: string;
  observation: string;
  analysis: string;
  recommendation: string;
  hazards: string[];
  documents: LessonSource[];
  /** `meeting/number`, e.g. `9/2`. */
  resolutions: string[];
  access: AccessLevel;
  sharedWith: string[];
  review: LessonReview;
  reviewComment: string | null;
  status: LessonStatus;
  learnedNote: string | null;
  /** The Solar Hijri year it was recorded in. */
  year: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  firstPublishedAt: string | null;
  actions: LessonAction[];
}
