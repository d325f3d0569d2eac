import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';

const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(200).default(50),
});
const readBody = z.object({ ids: z.array(z.number().int().positive()).max(1000).optional() }).strict();

/** `GET /api/v1/notifications`: the caller's own; `POST /api/v1/notifications/read`: mark some (`ids`) or all read. */
export function notificationsApi({ notifications }: Services): Router {
  const router = Router();

  router.get('/notifications', (req, res) => {
    const user = currentUser(req);
    const query = parseInput(listQuery, req.query);
    const { total, notifications: items } = notifications.list(user.id, query);
    res.json({ total, unread: notifications.unreadCount(user.id), page: query.page, perPage: query.perPage, notifications: items });
  });

  router.post('/notifications/read', (req, res) => {
    const user = currentUser(req);
    const { ids } = parseInput(readBody, req.body ?? {});
    const marked = notifications.markRead(user.id, ids);
    res.json({ marked, unread: notifications.unreadCount(user.id) });
  });

  return router;
}
