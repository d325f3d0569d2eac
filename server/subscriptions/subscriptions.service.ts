import crypto from 'node:crypto';
import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { NotFoundError } from '../http/errors';
import type { SearchQuery } from '../../search/search-index';
import type { ItemRef, SubscribedItem, SubscribedItems } from './subscribed-items';
import type { OwnedSubscription, Subscription, SubscriptionsRepository } from './subscriptions.repository';
import type { NewSubscription, SubscriptionFilters, SubscriptionUpdate } from './subscriptions.schema';

/** How many of its newest matches a feed (and the subscription's page) shows. */
export const FEED_ENTRIES = 50;

/** One entry of a feed or of a subscription's page: an item its owner may see now, and when the subscription found it. */
export interface FeedEntry {
  item: SubscribedItem;
  matchedAt: string;
}

/**
 * Followed searches: anyone signed in follows a search (q + filters) and hears of new visible matches by
 * notification, optional e-mail and a private Atom feed. Each person sees and deletes only their own; what a feed or
 * page shows is checked against its owner's visibility when it is read.
 */
export class SubscriptionsService {
  constructor(
    private readonly db: Db,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly items: SubscribedItems,
    private readonly audit: AuditLog,
  ) {}

  create(actor: User, input: NewSubscription): Subscription {
    const feedToken = crypto.randomBytes(32).toString('base64url');
    const filters = withoutEmptyFilters(input.filters);
    return this.db.transaction(() => {
      const id = this.subscriptions.insert({ userId: actor.id, q: input.q, filters, email: input.email, digest: input.digest, feedToken, createdAt: nowIso() });
      this.audit.record(actor, 'subscription.created', { target: target(id), details: { q: input.q, filters, email: input.email, digest: input.digest } });
      return this.subscriptions.find(id)!;
    })();
  }

  list(actor: User): Subscription[] {
    return this.subscriptions.ofUser(actor.id);
  }

  /** One's own subscription; anyone else's answers 404, exactly as one that does not exist. */
  getOwn(actor: User, id: number): Subscription {
    const subscription = this.subscriptions.find(id);
    if (!subscription || subscription.userId !== actor.id) throw new NotFoundError('no such subscription');
    return subscription;
  }

  update(actor: User, id: number, update: SubscriptionUpdate): Subscription {
    return this.db.transaction(() => {
      const before = this.getOwn(actor, id);
      const changed = Object.fromEntries(Object.entries(update).filter(([field, value]) => value !== undefined && value !== before[field as keyof SubscriptionUpdate]));
      if (Object.keys(changed).length === 0) return before;
      this.subscriptions.update(id, changed);
      this.audit.record(actor, 'subscription.updated', { target: target(id), details: changed });
      return this.subscriptions.find(id)!;
    })();
  }

  /** Deletes one's own subscription: its feed answers 404 from then on, and nothing more is matched for it. */
  delete(actor: User, id: number): void {
    this.db.transaction(() => {
      const subscription = this.getOwn(actor, id);
      this.subscriptions.delete(id);
      this.audit.record(actor, 'subscription.deleted', { target: target(id), details: { q: subscription.q, filters: subscription.filters } });
    })();
  }

  /** The subscription a feed token opens, with its owner; null for a token unknown, revoked, or of a disabled account. */
  byFeedToken(token: string): OwnedSubscription | null {
    return this.subscriptions.byFeedToken(token);
  }

  /** The newest matches its owner may see now (a match they lost sight of is left out, as if never found). */
  entries(subscription: OwnedSubscription | (Subscription & { owner: User }), limit = FEED_ENTRIES): FeedEntry[] {
    return this.subscriptions.matches(subscription.id, limit).flatMap((match) => {
      const item = this.items.shownTo(subscription.owner, match);
      return item ? [{ item, matchedAt: match.matchedAt }] : [];
    });
  }

  /** An item the way its owner may see it now (null when they may not). */
  shownTo(user: User, ref: ItemRef): SubscribedItem | null {
    return this.items.shownTo(user, ref);
  }
}

export function target(id: number): string {
  return `subscription:${id}`;
}

/** Filters without the keys that hold no value: `{"city":[]}` follows the same search as `{}`. */
function withoutEmptyFilters(filters: SubscriptionFilters): SubscriptionFilters {
  return Object.fromEntries(Object.entries(filters).filter(([, values]) => values !== undefined && values.length > 0)) as SubscriptionFilters;
}

/** A subscription's search as the index takes it, limited to `only`. */
export function subscriptionQuery(subscription: Pick<Subscription, 'q' | 'filters'>, only?: string[]): SearchQuery {
  return { q: subscription.q, filters: subscription.filters, sort: subscription.q ? 'relevance' : 'newest', page: 1, perPage: only ? Math.max(1, only.length) : 20, ...(only ? { only } : {}) };
}
