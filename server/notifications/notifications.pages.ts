import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { NotFoundError } from '../http/errors';
import { localPath } from '../http/local-path';
import { notificationText } from './notifications.service';

const PER_PAGE = 50;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });
const idParam = z.object({ id: z.coerce.number().int().positive() });

/** A notification only ever opens a path of this portal. */
export function safeLink(link: string): string {
  return localPath(link, '/notifications');
}

/** The bell's page: one's own notifications, newest first; opening one marks it read. */
export function notificationsPages({ notifications }: Services): Router {
  const router = Router();

  router.get('/notifications', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const { page } = parseInput(pageQuery, { page: req.query.page || undefined });
    const { total, notifications: list } = notifications.list(user.id, { page, perPage: PER_PAGE });
    const shown = list.map((notification) => ({ ...notification, text: notificationText(notification, res.locals.locale) }));
    res.render('notifications', { title: res.locals.t('notifications.title'), list: shown, total, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)) });
  });

  router.post('/notifications/read', requirePageUser, verifyCsrf, (req, res) => {
    const changed = notifications.markRead(currentUser(req).id);
    req.session.flash = res.locals.t(changed > 0 ? 'notifications.markedRead' : 'notifications.noneUnread');
    res.redirect(303, '/notifications');
  });

  router.get('/notifications/:id', requirePageUser, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const opened = notifications.open(currentUser(req).id, id);
    if (!opened) throw new NotFoundError('no such notification');
    res.redirect(303, safeLink(opened.link));
  });

  return router;
}
