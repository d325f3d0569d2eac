import type { Db } from '../db/database';
import type { Role, User } from '../auth/roles';
import type { EntryType } from '../../search/search-index';
import type { Digest, SubscriptionFilters } from './subscriptions.schema';
import type { Audience, ItemRef } from './subscribed-items';

export interface Subscription {
  id: number;
  userId: number;
  q: string;
  filters: SubscriptionFilters;
  email: boolean;
  digest: Digest;
  feedToken: string;
  createdAt: string;
}

/** A subscription with its owner as the access policy sees them (active owners only). */
export interface OwnedSubscription extends Subscription {
  owner: User;
}

export interface SubscriptionMatch extends ItemRef {
  matchedAt: string;
  notifiedAt: string | null;
}

interface SubscriptionRow {
  id: number;
  user_id: number;
  q: string;
  filters: string;
  email: number;
  digest: Digest;
  feed_token: string;
  created_at: string;
}

interface OwnedRow extends SubscriptionRow {
  username: string;
  role: Role;
  city_id: string | null;
}

/** SQL for subscriptions, what they matched, what their owners were told, and who each published item reached. */
export class SubscriptionsRepository {
  constructor(private readonly db: Db) {}

  insert(subscription: Omit<Subscription, 'id'>): number {
    return Number(
      this.db
        .prepare('INSERT INTO subscriptions (user_id, q, filters, email, digest, feed_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(subscription.userId, subscription.q, JSON.stringify(subscription.filters), subscription.email ? 1 : 0, subscription.digest, subscription.feedToken, subscription.createdAt)
        .lastInsertRowid,
    );
  }

  find(id: number): Subscription | null {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
    return row ? subscriptionOf(row) : null;
  }

  ofUser(userId: number): Subscription[] {
    return (this.db.prepare('SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id').all(userId) as SubscriptionRow[]).map(subscriptionOf);
  }

  update(id: number, fields: { email?: boolean; digest?: Digest }): void {
    if (fields.email !== undefined) this.db.prepare('UPDATE subscriptions SET email = ? WHERE id = ?').run(fields.email ? 1 : 0, id);
    if (fields.digest !== undefined) this.db.prepare('UPDATE subscriptions SET digest = ? WHERE id = ?').run(fields.digest, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id);
  }

  /** The subscription whose feed this is, with its owner, while the owner's account is active. */
  byFeedToken(token: string): OwnedSubscription | null {
    const row = this.db
      .prepare(`SELECT s.*, u.username, u.role, u.city_id FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE s.feed_token = ? AND u.disabled = 0`)
      .get(token) as OwnedRow | undefined;
    return row ? ownedOf(row) : null;
  }

  /** Every subscription of an active user, with its owner. */
  allOwned(): OwnedSubscription[] {
    const rows = this.db
      .prepare(`SELECT s.*, u.username, u.role, u.city_id FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE u.disabled = 0 ORDER BY s.id`)
      .all() as OwnedRow[];
    return rows.map(ownedOf);
  }

  ownedById(id: number): OwnedSubscription | null {
    const row = this.db
      .prepare(`SELECT s.*, u.username, u.role, u.city_id FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND u.disabled = 0`)
      .get(id) as OwnedRow | undefined;
    return row ? ownedOf(row) : null;
  }

  hasMatch(subscriptionId: number, item: ItemRef): boolean {
    return this.db.prepare('SELECT 1 FROM subscription_matches WHERE subscription_id = ? AND item_type = ? AND item_id = ?').get(subscriptionId, item.type, item.id) !== undefined;
  }

  addMatch(subscriptionId: number, item: ItemRef, at: string): void {
    this.db.prepare('INSERT OR IGNORE INTO subscription_matches (subscription_id, item_type, item_id, matched_at) VALUES (?, ?, ?, ?)').run(subscriptionId, item.type, item.id, at);
  }

  /** The newest matches of a subscription first. */
  matches(subscriptionId: number, limit: number): SubscriptionMatch[] {
    const rows = this.db
      .prepare('SELECT item_type, item_id, matched_at, notified_at FROM subscription_matches WHERE subscription_id = ? ORDER BY matched_at DESC, rowid DESC LIMIT ?')
      .all(subscriptionId, limit) as { item_type: EntryType; item_id: string; matched_at: string; notified_at: string | null }[];
    return rows.map((r) => ({ type: r.item_type, id: r.item_id, matchedAt: r.matched_at, notifiedAt: r.notified_at }));
  }

  /** Matches still waiting for the subscription's digest. */
  awaitingDigest(subscriptionId: number): SubscriptionMatch[] {
    const rows = this.db
      .prepare('SELECT item_type, item_id, matched_at, notified_at FROM subscription_matches WHERE subscription_id = ? AND notified_at IS NULL ORDER BY matched_at, rowid')
      .all(subscriptionId) as { item_type: EntryType; item_id: string; matched_at: string; notified_at: string | null }[];
    return rows.map((r) => ({ type: r.item_type, id: r.item_id, matchedAt: r.matched_at, notifiedAt: r.notified_at }));
  }

  markNotified(subscriptionId: number, items: ItemRef[], at: string): void {
    const update = this.db.prepare('UPDATE subscription_matches SET notified_at = ? WHERE subscription_id = ? AND item_type = ? AND item_id = ?');
    for (const item of items) update.run(at, subscriptionId, item.type, item.id);
  }

  /**
   * Claims the one message a person gets about an item, whichever of their subscriptions found it: true the first
   * time, false ever after (the primary key refuses a second row).
   */
  claimDelivery(userId: number, item: ItemRef, subscriptionId: number, at: string): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO subscription_deliveries (user_id, item_type, item_id, subscription_id, delivered_at) VALUES (?, ?, ?, ?, ?)')
        .run(userId, item.type, item.id, subscriptionId, at).changes === 1
    );
  }

  audience(item: ItemRef): Audience | null {
    const row = this.db.prepare('SELECT access, cities FROM subscription_audiences WHERE item_type = ? AND item_id = ?').get(item.type, item.id) as
      | { access: Audience['access']; cities: string }
      | undefined;
    return row ? { access: row.access, cities: JSON.parse(row.cities) as string[] } : null;
  }

  /** Remembers who a published item reaches now; forgets it when it is no longer published (or gone). */
  setAudience(item: ItemRef, audience: Audience | null): void {
    if (!audience) {
      this.db.prepare('DELETE FROM subscription_audiences WHERE item_type = ? AND item_id = ?').run(item.type, item.id);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO subscription_audiences (item_type, item_id, access, cities) VALUES (?, ?, ?, ?)
         ON CONFLICT (item_type, item_id) DO UPDATE SET access = excluded.access, cities = excluded.cities`,
      )
      .run(item.type, item.id, audience.access, JSON.stringify(audience.cities));
  }
}

function subscriptionOf(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    userId: row.user_id,
    q: row.q,
    filters: JSON.parse(row.filters) as SubscriptionFilters,
    email: row.email === 1,
    digest: row.digest,
    feedToken: row.feed_token,
    createdAt: row.created_at,
  };
}

function ownedOf(row: OwnedRow): OwnedSubscription {
  return { ...subscriptionOf(row), owner: { id: row.user_id, username: row.username, role: row.role, city: row.city_id } };
}
