/** The bell's page. */
export const notifications = {
  title: 'اعلان‌ها',
  empty: 'اعلانی ندارید.',
  summary: '{total} اعلان · {unread} خوانده‌نشده',
  markAllRead: 'همه را خوانده‌شده علامت بزن',
  unreadPrefix: 'خوانده‌نشده: ',
  markedRead: 'همهٔ اعلان‌ها خوانده‌شده علامت خوردند.',
  noneUnread: 'اعلان خوانده‌نشده‌ای نبود.',
} as const;
