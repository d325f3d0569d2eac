import type { User } from '../auth/roles';
import { canView } from '../documents/access.policy';
import type { DocumentsRepository } from '../documents/documents.repository';
import { canViewLesson } from '../lessons/lesson-access.policy';
import type { LessonsRepository } from '../lessons/lessons.repository';
import type { EntryType } from '../../search/search-index';
import type { AccessLevel } from '../documents/document';

/** A document or a lesson as subscriptions see it. */
export interface SubscribedItem {
  type: EntryType;
  id: string;
  title: string;
  /** A short text for a feed entry or an e-mail: the document's summary, the lesson's observation. */
  summary: string;
  city: string;
  link: string;
  /** Only published items are news: a draft is nobody's new item, not even for those who may see it. */
  published: boolean;
  access: AccessLevel;
  /** The cities that see it when it is published: its own and those it is shared with. */
  cities: string[];
  updatedAt: string;
  /** Whether `user` may see it now (the access policy of its kind). */
  visibleTo(user: User): boolean;
}

export interface ItemRef {
  type: EntryType;
  id: string;
}

/** Reads documents and lessons for matching, feeds and e-mails, each with its own visibility rule. */
export class SubscribedItems {
  constructor(
    private readonly documents: Pick<DocumentsRepository, 'find'>,
    private readonly lessons: Pick<LessonsRepository, 'find'>,
  ) {}

  find({ type, id }: ItemRef): SubscribedItem | null {
    if (type === 'document') {
      const doc = this.documents.find(id);
      if (!doc) return null;
      return {
        type,
        id,
        title: doc.title,
        summary: doc.summary,
        city: doc.city,
        link: `/documents/${id}`,
        published: doc.status === 'published',
        access: doc.access,
        cities: [doc.city, ...doc.sharedWith],
        updatedAt: doc.updatedAt,
        visibleTo: (user) => canView(user, doc),
      };
    }
    const lesson = this.lessons.find(id);
    if (!lesson) return null;
    return {
      type,
      id,
      title: lesson.title,
      summary: lesson.observation,
      city: lesson.city,
      link: `/lessons/${id}`,
      published: lesson.review === 'published',
      access: lesson.access,
      cities: [lesson.city, ...lesson.sharedWith],
      updatedAt: lesson.updatedAt,
      visibleTo: (user) => canViewLesson(user, lesson),
    };
  }

  /** The item if `user` may see it now and it is published: what a feed, a page or an e-mail may show them. */
  shownTo(user: User, ref: ItemRef): SubscribedItem | null {
    const item = this.find(ref);
    return item && item.published && item.visibleTo(user) ? item : null;
  }
}

/** Who a published item reaches, as remembered between two runs of matching. */
export interface Audience {
  access: AccessLevel;
  cities: string[];
}

/** Whether a published item with this audience is seen by `user`: the access policy, asked about the item as it was then. */
export function reaches(audience: Audience, user: User): boolean {
  return canView(user, { city: audience.cities[0] ?? '', status: 'published', access: audience.access, sharedWith: audience.cities });
}
