/** Strings shared by every page: the site's name, units, the language switch. */
export const common = {
  siteName: 'تجربه',
  siteTagline: 'سامانهٔ تبادل تجربیات مدیریت بحران کلان‌شهرها',
  fileSizeUnits: 'بایت|کیلوبایت|مگابایت|گیگابایت',
  switchLanguage: 'English',
  switchLanguageLabel: 'Read this portal in English',
} as const;
