export { LOCALES, DEFAULT_LOCALE, LOCALE_COOKIE, isLocale, localeOf, directionOf, type Locale } from './locale';
export { translator, hasMessage, type Translate, type MessageParams } from './translate';
export { formatters, type Formatters } from './format';
export type { Catalogue, MessageKey } from './catalogue';
