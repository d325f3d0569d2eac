/** Persian strings of page previews: thumbnails, the reader that shows one page as an image, and its placeholder. */
export const previews = {
  /** The name of a thumbnail that links to the reader. */
  thumbnailLink: 'پیش‌نمایش «{title}»',
  thumbnailLinkAtPage: 'پیش‌نمایش «{title}» در صفحهٔ {page}',
  /** The document page's link to the reader when no page was asked for. */
  readPages: 'پیش‌نمایش صفحه‌ها بی‌دریافت پرونده',
  readAtPage: 'خواندن صفحهٔ {page} بی‌دریافت پرونده',
  readRevision: 'پیش‌نمایش نسخهٔ {number}',
  reader: {
    title: '{title} · صفحهٔ {page}',
    crumbs: 'سندها',
    pageOf: 'صفحهٔ {page} از {pages}',
    pagesLabel: 'صفحه‌های سند',
    prev: 'صفحهٔ قبل',
    next: 'صفحهٔ بعد',
    pageField: 'رفتن به صفحهٔ',
    go: 'برو',
    imageAlt: 'صفحهٔ {page} از {pages} «{title}»',
    marked: 'واژه‌های «{q}» در این صفحه با رنگ زرد نشان داده شده‌اند ({count} جا).',
    notMarked: 'واژه‌های «{q}» در متن این صفحه پیدا نشدند.',
    noWords: 'این صفحه تصویر است (اسکن یا عکس)؛ واژه‌ها را نمی‌توان روی آن نشان داد.',
    pageText: 'متن این صفحه',
    original: 'پروندهٔ اصلی',
    download: 'دریافت پروندهٔ اصلی',
    openOriginal: 'باز کردن پروندهٔ اصلی در نمایشگر مرورگر',
    backToDocument: 'بازگشت به صفحهٔ سند',
    version: 'نسخهٔ {number}',
    revision: 'بازنگری در انتظار بررسی · نسخهٔ {number}',
    badPage: 'شمارهٔ صفحه باید عددی از ۱ تا {pages} باشد.',
    unavailable: 'پیش‌نمایش این پرونده ساخته نمی‌شود: پرونده آسیب دیده است یا خوانده نمی‌شود. پروندهٔ اصلی را دریافت کنید.',
    unavailableNow: 'پیش‌نمایش این صفحه اکنون آماده نیست؛ کمی بعد دوباره بکوشید یا پروندهٔ اصلی را دریافت کنید.',
    none: 'پرونده‌های {type} پیش‌نمایش ندارند (مبدلی به PDF روی درگاه نصب نیست)؛ پروندهٔ اصلی را دریافت کنید.',
  },
  /** Written on the placeholder image, under the English one: a page that cannot be drawn. */
  placeholder: 'پیش‌نمایش در دسترس نیست',
} as const;
