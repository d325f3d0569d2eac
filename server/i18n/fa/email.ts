/** E-mails: written in the recipient's chosen language, right to left in Persian. */
export const email = {
  subject: '{site} · {text}',
  greeting: 'سلام {name}،',
  itemsHeading: 'موردهای تازه',
  open: 'دیدن در تجربه',
  item: '{type} «{title}» از {city}',
  why: 'این نامه را تجربه، سامانهٔ تبادل تجربیات مدیریت بحران کلان‌شهرها، برایتان فرستاده است، چون خواسته‌اید این اعلان‌ها را با نامهٔ الکترونیکی هم بگیرید.',
  change: 'برای تغییر این انتخاب به صفحهٔ حساب خود بروید: {url}',
} as const;
