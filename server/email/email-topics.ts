import type { NotificationKind } from '../notifications/notifications.service';

/** What a person may choose to receive by e-mail, on their profile page: each a group of notifications. */
export const EMAIL_TOPICS = ['review', 'packages', 'subscriptions'] as const;
export type EmailTopic = (typeof EMAIL_TOPICS)[number];

/**
 * The topic of each notification, or null for those never sent by e-mail: review results and requests of documents
 * and lessons and the follow-up of lessons; packages addressed to one; what one's subscriptions found.
 */
export const TOPIC_OF: Record<NotificationKind, EmailTopic | null> = {
  'document.returned': 'review',
  'document.published': 'review',
  'document.submitted': 'review',
  'document.withdrawn': 'review',
  'document.restored': 'review',
  'document.deleted': 'review',
  'document.revision_submitted': 'review',
  'document.revision_published': 'review',
  'document.revision_returned': 'review',
  'lesson.submitted': 'review',
  'lesson.published': 'review',
  'lesson.returned': 'review',
  'lesson.action_assigned': 'review',
  'lesson.action_done': 'review',
  'lesson.learned': 'review',
  'package.received': 'packages',
  'resolution.updated': null,
  'subscription.matched': 'subscriptions',
  'subscription.digest': 'subscriptions',
};

/** The users column that holds each topic's choice. */
export const TOPIC_COLUMN: Record<EmailTopic, string> = { review: 'email_review', packages: 'email_packages', subscriptions: 'email_subscriptions' };
