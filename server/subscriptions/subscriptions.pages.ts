import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { firstString, formStrings } from '../http/form';
import { FACETS } from '../../search/search-index';
import { feedPath } from './subscriptions.presenter';
import { publicBaseUrl } from '../http/public-url';
import { newSubscriptionSchema, subscriptionIdSchema, subscriptionUpdateSchema } from './subscriptions.schema';

/**
 * One's subscriptions: follow the search one is looking at (the button on the search page posts its q and filters),
 * list them with their private feed addresses, change e-mail and digest, delete one, and read what one found.
 */
export function subscriptionsPages(services: Services): Router {
  const { subscriptions, users, config } = services;
  const router = Router();
  router.use('/subscriptions', requirePageUser);

  router.get('/subscriptions', (req, res) => {
    const user = currentUser(req);
    const person = users.person(user.id);
    const preferences = users.preferences(user.id);
    res.render('subscriptions', {
      title: res.locals.t('subscriptions.title'),
      list: subscriptions.list(user),
      feedUrl: (subscription: Parameters<typeof feedPath>[0]) => `${publicBaseUrl(config, req)}${feedPath(subscription)}`,
      emailProblem: !config.email ? 'emailNoServer' : !person.email ? 'emailNoAddress' : !preferences.email.subscriptions ? 'emailDisabled' : null,
      facets: FACETS,
      scripts: ['/static/js/copy-link.js'],
    });
  });

  /** From the search page: the search as it was (q and every filter), with the delivery chosen there. */
  router.post('/subscriptions', verifyCsrf, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const filters = Object.fromEntries(FACETS.map((facet) => [facet, formStrings(body[facet])]).filter(([, values]) => values.length > 0));
    const input = parseInput(newSubscriptionSchema, {
      q: firstString(body.q),
      filters,
      email: firstString(body.email) === 'on',
      digest: firstString(body.digest) === 'daily' ? 'daily' : 'none',
    });
    subscriptions.create(currentUser(req), input);
    req.session.flash = res.locals.t('subscriptions.created');
    res.redirect(303, '/subscriptions');
  });

  router.get('/subscriptions/:id', (req, res) => {
    const user = currentUser(req);
    const { id } = parseInput(subscriptionIdSchema, req.params);
    const subscription = subscriptions.getOwn(user, id);
    res.render('subscription', {
      title: res.locals.t('subscriptions.itemsTitle', { query: subscription.q || res.locals.t('subscriptions.anything') }),
      subscription,
      entries: subscriptions.entries({ ...subscription, owner: user }),
    });
  });

  router.post('/subscriptions/:id', verifyCsrf, (req, res) => {
    const user = currentUser(req);
    const { id } = parseInput(subscriptionIdSchema, req.params);
    subscriptions.getOwn(user, id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const update = parseInput(subscriptionUpdateSchema, { email: firstString(body.email) === 'on', digest: firstString(body.digest) === 'daily' ? 'daily' : 'none' });
    subscriptions.update(user, id, update);
    req.session.flash = res.locals.t('subscriptions.updated');
    res.redirect(303, '/subscriptions');
  });

  router.post('/subscriptions/:id/delete', verifyCsrf, (req, res) => {
    const { id } = parseInput(subscriptionIdSchema, req.params);
    subscriptions.delete(currentUser(req), id);
    req.session.flash = res.locals.t('subscriptions.deleted');
    res.redirect(303, '/subscriptions');
  });

  return router;
}
