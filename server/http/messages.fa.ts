/** Persian text of every error code a page can show. */
export const ERROR_MESSAGES_FA: Record<string, string> = {
  bad_request: 'درخواست نادرست است.',
  validation_failed: 'برخی از اطلاعات فرم نادرست یا ناقص است.',
  missing_file: 'پرونده‌ای انتخاب نشده است.',
  unauthenticated: 'برای دیدن این صفحه باید وارد شوید.',
  invalid_credentials: 'نام کاربری یا گذرواژه نادرست است.',
  forbidden: 'شما اجازهٔ این کار را ندارید.',
  csrf: 'نشست فرم منقضی شده است؛ صفحه را دوباره بارگذاری کنید و دوباره بفرستید.',
  not_found: 'صفحه یا سندی که خواستید پیدا نشد.',
  conflict: 'این کار در وضعیت کنونی سند ممکن نیست.',
  invalid_transition: 'این کار در وضعیت کنونی سند ممکن نیست.',
  username_taken: 'این نام کاربری پیش‌تر ثبت شده است.',
  too_large: 'حجم پرونده از حد مجاز بیشتر است.',
  unsupported_type: 'نوع این پرونده پذیرفته نیست. قالب‌های مجاز: PDF، Word، Excel، PowerPoint، OpenDocument، متن، تصویر و ویدئوی MP4.',
  too_many_requests: 'تلاش‌های ناموفق بسیار بود؛ چند دقیقهٔ دیگر دوباره امتحان کنید.',
  upload_interrupted: 'بارگذاری نیمه‌کاره ماند؛ دوباره بفرستید.',
  internal: 'خطایی در سامانه رخ داد. دوباره امتحان کنید.',
};
