import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { presentSubscription } from './subscriptions.presenter';
import { newSubscriptionSchema, subscriptionIdSchema, subscriptionUpdateSchema } from './subscriptions.schema';

/** `/api/v1/subscriptions` (API.md): follow a search, list one's own, change or delete one. */
export function subscriptionsApi({ subscriptions }: Services): Router {
  const router = Router();

  router.post('/subscriptions', (req, res) => {
    const created = subscriptions.create(currentUser(req), parseInput(newSubscriptionSchema, req.body ?? {}));
    res.status(201).location(`/api/v1/subscriptions/${created.id}`).json(presentSubscription(created));
  });

  router.get('/subscriptions', (req, res) => {
    res.json(subscriptions.list(currentUser(req)).map(presentSubscription));
  });

  router.patch('/subscriptions/:id', (req, res) => {
    const user = currentUser(req);
    const { id } = parseInput(subscriptionIdSchema, req.params);
    subscriptions.getOwn(user, id);
    res.json(presentSubscription(subscriptions.update(user, id, parseInput(subscriptionUpdateSchema, req.body ?? {}))));
  });

  router.delete('/subscriptions/:id', (req, res) => {
    const { id } = parseInput(subscriptionIdSchema, req.params);
    subscriptions.delete(currentUser(req), id);
    res.status(204).end();
  });

  return router;
}
