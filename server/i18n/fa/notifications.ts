/** The bell's page. */
export const notifications = {
  title: 'اعلان‌ها',
  empty: 'اعلانی ندارید.',
  summary: '{total} اعلان · {unread} خوانده‌نشده',
  markAllRead: 'همه را خوانده‌شده علامت بزن',
  unreadPrefix: 'خوانده‌نشده: ',
  markedRead: 'همهٔ اعلان‌ها خوانده‌شده علامت خوردند.',
  noneUnread: 'اعلان خوانده‌نشده‌ای نبود.',
  /** The text of each notification, made when it is shown, in the reader's language. */
  messages: {
    documentReturned: 'سند «{title}» برای اصلاح برگشت داده شد',
    documentReturnedWithNote: 'سند «{title}» برای اصلاح برگشت داده شد: {note}',
    documentPublished: 'سند «{title}» منتشر شد.',
    documentWithdrawn: 'سند «{title}» بایگانی شد.',
    documentSubmitted: 'سند «{title}» برای بررسی فرستاده شد.',
    packageReceived: 'بستهٔ تازه: {title}',
    resolutionCreated: 'مصوبهٔ تازهٔ {ref} ثبت شد',
    resolutionStatusChanged: 'وضعیت پیگیری مصوبهٔ {ref} تغییر کرد',
    resolutionFollowedUp: 'پیگیری تازه برای مصوبهٔ {ref} ثبت شد',
  },
} as const;
