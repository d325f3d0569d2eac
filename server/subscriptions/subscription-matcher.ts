import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { Job, JobsQueue } from '../jobs/jobs.queue';
import type { JobsWorker } from '../jobs/jobs.worker';
import { RetryLater } from '../jobs/job-outcomes';
import type { DocumentChangeListener } from '../documents/document-changes';
import type { LessonChangeListener } from '../lessons/lesson-changes';
import type { NotificationsService, NotificationText } from '../notifications/notifications.service';
import type { SearchIndex } from '../../search/search-index';
import { ENTRY_TYPES, type EntryType } from '../../search/search-index';
import { reaches, type Audience, type ItemRef, type SubscribedItems } from './subscribed-items';
import type { OwnedSubscription, SubscriptionsRepository } from './subscriptions.repository';
import { subscriptionQuery } from './subscriptions.service';
import { nextDigestTime } from './digest-schedule';

/** A `match` or `digest` job names its subject so. */
export function matchSubject(item: ItemRef): string {
  return `${item.type}:${item.id}`;
}

function itemOfSubject(subject: string): ItemRef {
  const at = subject.indexOf(':');
  const type = subject.slice(0, at) as EntryType;
  if (at < 0 || !ENTRY_TYPES.includes(type)) throw new Error(`not an item: ${subject}`);
  return { type, id: subject.slice(at + 1) };
}

/** The jobs that must have run before an item's text and visibility are in the search index. */
const INDEXING: Record<EntryType, readonly ('index' | 'extract' | 'index-lesson')[]> = { document: ['index', 'extract'], lesson: ['index-lesson'] };

/**
 * Tells the subscribers of a search about documents and lessons that become visible to them (published, shared,
 * access widened). Runs as a durable `match` job queued after each committed change; at run time it reads the
 * item as it is then and who it reached the last time (`subscription_audiences`), so only the people it newly
 * reaches are considered, and never one who may not see it now — access that narrowed after publishing included.
 * Whether a subscription's search finds the item is asked of the search index itself (the same query, limited to
 * the item), so a subscription matches exactly what its search would show. Each person hears of an item once
 * (`subscription_deliveries`), by notification (and e-mail, when the subscription asks for it and SMTP is set) or
 * in the subscription's next daily digest; every subscription that finds it lists it in its feed.
 */
export class SubscriptionMatcher {
  constructor(
    private readonly db: Db,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly items: SubscribedItems,
    private readonly index: Pick<SearchIndex, 'search'>,
    private readonly jobs: JobsQueue,
    private readonly notifications: Pick<NotificationsService, 'notify'>,
  ) {}

  readonly run = (job: Job): Promise<void> => this.match(itemOfSubject(job.documentId));

  async match(ref: ItemRef): Promise<void> {
    if (this.jobs.hasPending(INDEXING[ref.type], ref.id)) throw new RetryLater(`the search index has not caught up with ${ref.type} ${ref.id} yet`, 5_000);
    const before = this.subscriptions.audience(ref);
    const item = this.items.find(ref);
    const now: Audience | null = item?.published ? { access: item.access, cities: item.cities } : null;
    if (now) {
      for (const subscription of this.subscriptions.allOwned()) {
        if (!reaches(now, subscription.owner) || (before && reaches(before, subscription.owner))) continue;
        if (this.subscriptions.hasMatch(subscription.id, ref)) continue;
        if (!(await this.finds(subscription, ref))) continue;
        this.record(subscription, ref);
      }
    }
    this.subscriptions.setAudience(ref, now);
  }

  private async finds(subscription: OwnedSubscription, ref: ItemRef): Promise<boolean> {
    const owner = subscription.owner;
    const result = await this.index.search({ role: owner.role, city: owner.city }, subscriptionQuery(subscription, [ref.id]));
    return !result.relaxed && result.hits.some((hit) => hit.id === ref.id);
  }

  /** The match, and the one message about it, if the owner may see the item now (the search above was asynchronous). */
  private record(subscription: OwnedSubscription, ref: ItemRef): void {
    this.db.transaction(() => {
      const item = this.items.shownTo(subscription.owner, ref);
      if (!item) return;
      const at = nowIso();
      this.subscriptions.addMatch(subscription.id, ref, at);
      if (!this.subscriptions.claimDelivery(subscription.owner.id, ref, subscription.id, at)) {
        this.subscriptions.markNotified(subscription.id, [ref], at);
        return;
      }
      if (subscription.digest === 'daily') {
        this.jobs.enqueueAt('digest', String(subscription.id), nextDigestTime(new Date()));
        return;
      }
      this.subscriptions.markNotified(subscription.id, [ref], at);
      const message: NotificationText = subscription.q
        ? { key: 'subscriptionMatched', params: { query: subscription.q, title: item.title } }
        : { key: 'subscriptionMatchedFilters', params: { title: item.title } };
      this.notifications.notify({ to: { userIds: [subscription.owner.id] }, kind: 'subscription.matched', message, link: item.link, email: subscription.email, about: [ref] });
    })();
  }
}

/**
 * The daily digest of one subscription (a `digest` job, subject its id, due the morning after its first waiting
 * match): one notification (and e-mail) with the items found since the last one that its owner may still see.
 */
export class SubscriptionDigest {
  constructor(
    private readonly db: Db,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly items: SubscribedItems,
    private readonly notifications: Pick<NotificationsService, 'notify'>,
  ) {}

  readonly run = async (job: Job): Promise<void> => this.send(Number(job.documentId));

  send(subscriptionId: number): void {
    this.db.transaction(() => {
      const subscription = this.subscriptions.ownedById(subscriptionId);
      if (!subscription) return;
      const waiting = this.subscriptions.awaitingDigest(subscription.id);
      if (waiting.length === 0) return;
      const shown = waiting.filter((ref) => this.items.shownTo(subscription.owner, ref) !== null);
      this.subscriptions.markNotified(subscription.id, waiting, nowIso());
      if (shown.length === 0) return;
      const message: NotificationText = subscription.q
        ? { key: 'subscriptionDigest', params: { query: subscription.q, count: shown.length } }
        : { key: 'subscriptionDigestFilters', params: { count: shown.length } };
      this.notifications.notify({
        to: { userIds: [subscription.owner.id] },
        kind: 'subscription.digest',
        message,
        link: `/subscriptions/${subscription.id}`,
        email: subscription.email,
        about: shown.map(({ type, id }) => ({ type, id })),
      });
    })();
  }
}

/**
 * Queues matching after each committed change of a document or lesson that is published now or was when matching
 * last ran (the others cannot be news to anyone), and wakes the worker that runs it.
 */
export class SubscriptionWatch implements DocumentChangeListener, LessonChangeListener {
  constructor(
    private readonly db: Db,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly items: SubscribedItems,
    private readonly jobs: JobsQueue,
    private readonly worker: Pick<JobsWorker, 'kick'>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async documentChanged(documentId: string): Promise<void> {
    this.queue({ type: 'document', id: documentId });
  }

  async lessonChanged(lessonId: string): Promise<void> {
    this.queue({ type: 'lesson', id: lessonId });
  }

  private queue(ref: ItemRef): void {
    try {
      const published = this.items.find(ref)?.published ?? false;
      if (!published && !this.subscriptions.audience(ref)) return;
      this.db.transaction(() => this.jobs.enqueue('match', matchSubject(ref)))();
      this.worker.kick();
    } catch (error) {
      this.log(`subscriptions will not hear of ${ref.type} ${ref.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
