import type { Catalogue } from '../catalogue';

export const notifications: Catalogue['notifications'] = {
  title: 'Notifications',
  empty: 'You have no notifications.',
  summary: '{total} notifications · {unread} unread',
  markAllRead: 'Mark all as read',
  unreadPrefix: 'Unread: ',
  markedRead: 'All notifications were marked as read.',
  noneUnread: 'There were no unread notifications.',
};
