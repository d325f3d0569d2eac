import type { Catalogue } from '../catalogue';

export const notifications: Catalogue['notifications'] = {
  title: 'Notifications',
  empty: 'You have no notifications.',
  summary: '{total} notifications · {unread} unread',
  markAllRead: 'Mark all as read',
  unreadPrefix: 'Unread: ',
  markedRead: 'All notifications were marked as read.',
  noneUnread: 'There were no unread notifications.',
  messages: {
    documentReturned: 'The document “{title}” was returned for correction',
    documentReturnedWithNote: 'The document “{title}” was returned for correction: {note}',
    documentPublished: 'The document “{title}” was published.',
    documentWithdrawn: 'The document “{title}” was withdrawn.',
    documentSubmitted: 'The document “{title}” was sent for review.',
    packageReceived: 'New package: {title}',
    resolutionCreated: 'Resolution {ref} was added to the register',
    resolutionStatusChanged: 'The follow-up status of resolution {ref} changed',
    resolutionFollowedUp: 'A new follow-up was recorded for resolution {ref}',
  },
};
