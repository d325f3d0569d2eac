import { hasMessage, type Locale, type MessageKey, type Translate } from '../i18n/index';
import type { AuditEntry } from './audit.log';

/** What the audit page needs to put an entry in the reader's words. */
export interface AuditWords {
  t: Translate;
  locale: Locale;
  digits(value: string | number): string;
  number(value: number): string;
  dateTime(iso: string): string;
  cityName(id: string): string;
  kindName(id: string): string;
  hazardName(id: string): string;
}

/**
 * One detail of an entry: its label, and its value as text, shown as `words` (people's own, in their own direction),
 * `code` (a digest, left to right as stored) or `plain` (the page's own words and numbers).
 */
export interface DetailField {
  key: string;
  label: string;
  value: string;
  form: 'words' | 'code' | 'plain';
}

/** What an entry is about, for the page's "document" column: a title (linked while the document exists), or a name. */
export interface AuditSubject {
  text: string;
  href: string | null;
  /** Typed by a person (a title): shown in its own direction. */
  userText: boolean;
  /** A document that no longer exists, named by the title its audit rows recorded. */
  deleted: boolean;
}

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_ISOLATE = '\u2069';
const isolate = (text: string) => `${FIRST_STRONG_ISOLATE}${text}${POP_ISOLATE}`;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Keys whose values are people's own words (titles, notes, reasons): never translated, shown in their own direction. */
const USER_TEXT = new Set(['title', 'comment', 'reason', 'note', 'text', 'responsible', 'name', 'nameEn', 'username', 'filename', 'summary', 'fullName', 'jobTitle', 'email', 'phone', 'keywords', 'terms', 'description', 'evidence', 'q']);

/**
 * An entry's details as labelled fields in the reader's language: cities, kinds, statuses and roles by name,
 * numbers and dates in the reader's digits, people's own words as they wrote them. A document's title is left
 * out where the page's document column already shows it. Keys the catalogue does not name show as stored.
 */
export function presentDetails(entry: Pick<AuditEntry, 'action' | 'details' | 'documentId'>, words: AuditWords): DetailField[] {
  return Object.entries(entry.details)
    .filter(([key, value]) => value !== undefined && !(key === 'title' && entry.documentId))
    .map(([key, value]) => ({
      key,
      label: fieldLabel(key, words),
      value: formatValue(key, value, entry.action, words),
      form: key === 'sha256' ? 'code' : USER_TEXT.has(key) && typeof value === 'string' ? 'words' : 'plain',
    }));
}

/** The document column: the document's title, linked while it exists, else the title recorded before it was deleted; or what else the entry is about. */
export function presentSubject(entry: AuditEntry, words: AuditWords): AuditSubject | null {
  const { t, digits, cityName } = words;
  if (entry.documentId) {
    if (entry.subject.documentTitle !== null) return { text: entry.subject.documentTitle, href: `/documents/${entry.documentId}`, userText: true, deleted: false };
    return { text: entry.subject.recordedTitle ?? t('audit.subject.unknownDocument'), href: null, userText: entry.subject.recordedTitle !== null, deleted: true };
  }
  const target = entry.target;
  if (!target) return null;
  if (entry.action.startsWith('package.')) {
    return entry.subject.packageTitle !== null
      ? { text: entry.subject.packageTitle, href: `/packages/${target}`, userText: true, deleted: false }
      : { text: t('audit.subject.unknownPackage'), href: null, userText: false, deleted: true };
  }
  const [kind, id] = target.includes(':') ? [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)] : ['', target];
  if (kind === 'city') return { text: cityName(id), href: `/cities/${id}`, userText: false, deleted: false };
  if (kind === 'user') return { text: entry.subject.targetUsername ?? t('audit.subject.unknownUser'), href: null, userText: entry.subject.targetUsername !== null, deleted: false };
  if (kind === 'meeting') return { text: t('audit.subject.meeting', { number: digits(id) }), href: `/resolutions#m-${id}`, userText: false, deleted: false };
  if (kind === 'synonyms') return { text: t('audit.subject.synonyms'), href: '/synonyms', userText: false, deleted: false };
  if (/^\d+\/\d+$/.test(target)) return { text: t('audit.subject.resolution', { ref: digits(target) }), href: `/resolutions#r-${target.replace('/', '-')}`, userText: false, deleted: false };
  return { text: target, href: null, userText: true, deleted: false };
}

function fieldLabel(key: string, { t, locale }: AuditWords): string {
  const label = `audit.fields.${key}`;
  return hasMessage(locale, label) ? t(label as MessageKey) : key;
}

/** A value as text: an object's fields in turn («label: value»), a list joined, people's words isolated in a composite. */
function formatValue(key: string, value: unknown, action: string, words: AuditWords): string {
  const { t, locale, digits, number, dateTime, cityName, kindName, hazardName } = words;
  const separator = t('documents.listSeparator');
  const known = (prefix: string, id: string) => (hasMessage(locale, `${prefix}.${id}`) ? t(`${prefix}.${id}` as MessageKey) : id);
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'audit.values.yes' : 'audit.values.no');
  if (typeof value === 'number') return key === 'year' || key === 'number' ? digits(value) : number(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '—';
    if (key === 'documents' || key === 'packages') return t('audit.values.count', { count: value.length });
    const items = value.map((item) => (typeof item === 'string' ? formatString(key, item) : formatValue(key, item, action, words)));
    return items.map((item) => (USER_TEXT.has(key) ? isolate(item) : item)).join(separator);
  }
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>);
    if (key === 'audience') return audienceOf(value as { kind?: string; cities?: string[] }, words);
    if (key === 'changes') {
      return fields
        .map(([field, change]) => {
          // Documents record {from, to}; cities [from, to].
          const [from, to] = Array.isArray(change) ? change : [(change as { from?: unknown })?.from, (change as { to?: unknown })?.to];
          const show = (side: unknown) => (USER_TEXT.has(field) && typeof side === 'string' ? isolate(side) : formatValue(field, side, action, words));
          return `${changedFieldLabel(field, words)}: ${t('audit.values.change', { from: show(from), to: show(to) })}`;
        })
        .join(t('audit.values.changeSeparator'));
    }
    return fields.map(([field, inner]) => `${fieldLabel(field, words)}: ${USER_TEXT.has(field) && typeof inner === 'string' ? isolate(inner) : formatValue(field, inner, action, words)}`).join(separator);
  }
  return formatString(key, String(value));

  function formatString(field: string, text: string): string {
    if (field === 'city' || field === 'cities' || field === 'sharedWith') return cityName(text);
    if (field === 'kind') return kindName(text);
    if (field === 'hazards' || field === 'hazard') return hazardName(text);
    if (field === 'type') return known('search.types', text);
    if (field === 'digest') return known('audit.values.digest', text);
    if (field === 'review') return known('lessons.review', text);
    if (field === 'role') return known('users.roles', text);
    if (field === 'access') return known('documents.access', text);
    if (field === 'fields') return changedFieldLabel(text, words);
    if (field === 'resolutions' || field === 'resolution' || field === 'dueDate' || field === 'due' || field === 'date' || field === 'year') return digits(text);
    if (field === 'sha256') return `${text.slice(0, 12)}…`;
    if (field === 'statusFrom' || field === 'statusTo') return known('resolutions.status', text);
    if (field === 'status' || field === 'from' || field === 'to') {
      if (action.startsWith('document.') && hasMessage(locale, `documents.status.${text}`)) return t(`documents.status.${text}` as MessageKey);
      if (action.startsWith('resolution.') && hasMessage(locale, `resolutions.status.${text}`)) return t(`resolutions.status.${text}` as MessageKey);
      if (action.startsWith('storage.') && hasMessage(locale, `audit.values.store.${text}`)) return t(`audit.values.store.${text}` as MessageKey);
      if (action.startsWith('lesson.') && hasMessage(locale, `lessons.status.${text}`)) return t(`lessons.status.${text}` as MessageKey);
      if (action.startsWith('lesson.') && hasMessage(locale, `lessons.review.${text}`)) return t(`lessons.review.${text}` as MessageKey);
    }
    if (ISO_TIME.test(text)) return dateTime(text);
    return text;
  }
}

/** The name of a changed field: a document's field as the edit form names it, else as the audit page does. */
function changedFieldLabel(field: string, words: AuditWords): string {
  const { t, locale } = words;
  return hasMessage(locale, `documents.edit.fieldNames.${field}`) ? t(`documents.edit.fieldNames.${field}` as MessageKey) : fieldLabel(field, words);
}

function audienceOf(audience: { kind?: string; cities?: string[] }, { t, cityName }: AuditWords): string {
  if (audience.kind === 'all') return t('packages.audience.all');
  if (audience.kind === 'new-metropolises') return t('packages.audience.newMetropolises');
  return `${t('packages.audience.chosenCities')} ${(audience.cities ?? []).map(cityName).join(t('documents.listSeparator'))}`;
}
