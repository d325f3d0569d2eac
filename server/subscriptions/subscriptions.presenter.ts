import type { Subscription } from './subscriptions.repository';

/** The private path of a subscription's Atom feed, from the portal's root: the token is its only credential. */
export function feedPath(subscription: Pick<Subscription, 'feedToken'>): string {
  return `/feeds/${subscription.feedToken}`;
}

/** The API form of a subscription (API.md): `{"id","q","filters","email","feed"}`, with its digest choice and creation time. */
export function presentSubscription(subscription: Subscription) {
  return {
    id: subscription.id,
    q: subscription.q,
    filters: subscription.filters,
    email: subscription.email,
    digest: subscription.digest,
    feed: feedPath(subscription),
    createdAt: subscription.createdAt,
  };
}
