import { Router } from 'express';
import type { Services } from '../services';
import { NotFoundError } from '../http/errors';
import { translator } from '../i18n/index';
import { atomXml } from './atom-feed';
import { feedPath } from './subscriptions.presenter';
import { feedTokenSchema } from './subscriptions.schema';
import { publicBaseUrl } from '../http/public-url';

/**
 * `GET /feeds/:token`: a subscription's private Atom feed, without any other credential (feed readers have no
 * session). An unknown, deleted or malformed token, or a disabled owner, answers 404. Each entry is checked against
 * what the owner may see when the feed is read: what they lost sight of is not in it. Written in the owner's
 * chosen language.
 */
export function feedRoute({ subscriptions, users, config, reference }: Services): Router {
  const router = Router();
  router.get('/feeds/:token', (req, res) => {
    const parsed = feedTokenSchema.safeParse(req.params);
    const subscription = parsed.success ? subscriptions.byFeedToken(parsed.data.token) : null;
    if (!subscription) throw new NotFoundError('no such feed');
    const { language } = users.preferences(subscription.owner.id);
    const t = translator(language);
    const base = publicBaseUrl(config, req);
    const entries = subscriptions.entries(subscription);
    const cityName = (id: string) => {
      const city = reference.cities().find((c) => c.id === id);
      return city ? (language === 'fa' ? city.name : city.nameEn) : id;
    };
    const xml = atomXml({
      id: `${base}/subscriptions/${subscription.id}`,
      title: subscription.q ? t('subscriptions.feed.title', { query: subscription.q }) : t('subscriptions.feed.titleFilters'),
      updated: entries[0]?.matchedAt ?? subscription.createdAt,
      self: `${base}${feedPath(subscription)}`,
      alternate: `${base}/subscriptions/${subscription.id}`,
      author: t('common.siteName'),
      language,
      entries: entries.map(({ item, matchedAt }) => ({
        id: `urn:uuid:${item.id}`,
        title: item.title,
        updated: matchedAt,
        link: `${base}${item.link}`,
        summary: item.summary,
        category: { term: item.type, label: t(`search.types.${item.type}`) },
        author: cityName(item.city),
      })),
    });
    res
      .status(200)
      .type('application/atom+xml; charset=utf-8')
      .set({ 'Cache-Control': 'private, no-cache', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer' })
      .send(xml);
  });
  return router;
}
