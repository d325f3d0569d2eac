import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { requirePageUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { withoutEmptyStrings } from '../http/form';
import { fa } from '../i18n/fa/index';
import { formatters, hasMessage, type Locale, type MessageKey, type Translate } from '../i18n/index';
import type { AuditFilter } from './audit.log';
import { UTF8_BOM, csvRow } from './audit.csv';
import { presentDetails, presentSubject, type AuditWords } from './audit.presenter';
import { isValidJalali, jalaliInput, jalaliToGregorian, jalaliToday, latinDigits, tehranDay, type CalendarDate } from '../i18n/solar-hijri';

const PER_PAGE = 50;
const filterSchema = z.object({
  action: z.string().max(100).optional(),
  user: z.string().max(100).optional(),
  documentId: z.string().max(100).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
type FilterQuery = Omit<z.infer<typeof filterSchema>, 'page'>;

/** Years from here on are Gregorian: links made before the filter took Solar Hijri dates keep working. */
const FIRST_GREGORIAN_YEAR = 1700;

/** Every action the catalogue names, e.g. `document.published` (the filter lists these even before they happen). */
export const KNOWN_ACTIONS: readonly string[] = Object.entries(fa.audit.actions).flatMap(([subject, verbs]) => Object.keys(verbs).map((verb) => `${subject}.${verb}`));

/** The name of an action in the reader's language; an action the catalogue does not know is shown as it is stored. */
export function actionName(t: Translate, locale: Locale, action: string): string {
  const key = `audit.actions.${action}`;
  return hasMessage(locale, key) ? t(key as MessageKey) : action;
}

/**
 * A typed date ("۱۴۰۵/۹/۱", "1405-09-01", Persian, Arabic-Indic or Latin digits) as the Gregorian day it names,
 * with its canonical Solar Hijri spelling ("1405-09-01"); null when no such day exists.
 */
export function typedDay(typed: string): { gregorian: CalendarDate; solar: string } | null {
  const match = /^(\d{1,4})-(\d{2})-(\d{2})$/.exec(jalaliInput(typed));
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (year >= FIRST_GREGORIAN_YEAR) {
    const utc = new Date(Date.UTC(year, month - 1, day));
    if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return null;
    return { gregorian: { year, month, day }, solar: jalaliToday(utc) };
  }
  if (!isValidJalali({ year, month, day })) return null;
  return { gregorian: jalaliToGregorian({ year, month, day }), solar: match[0] };
}

interface ReadFilter {
  filter: AuditFilter;
  /** The query in canonical form, for links. */
  query: FilterQuery;
  page: number;
  /** What the date fields show: the canonical date in the reader's digits, or what was typed when it is not a date. */
  shown: { from: string; to: string };
  errors: string[];
}

function filterOf(req: Request, res: Response): ReadFilter {
  const { page, ...query } = parseInput(filterSchema, withoutEmptyStrings({ ...(req.query as Record<string, unknown>) }));
  const { t } = res.locals;
  const { digits } = formatters(res.locals.locale);
  const filter: AuditFilter = { action: query.action, user: query.user, documentId: query.documentId };
  const shown = { from: '', to: '' };
  const errors: string[] = [];
  for (const field of ['from', 'to'] as const) {
    const typed = query[field];
    if (typed === undefined) continue;
    const day = typedDay(typed);
    if (!day) {
      shown[field] = digits(latinDigits(typed.trim()));
      errors.push(t('audit.filters.invalidDate', { field: t(`audit.filters.${field}`), value: shown[field] }));
      continue;
    }
    query[field] = day.solar;
    shown[field] = digits(day.solar.replaceAll('-', '/'));
    const { from, until } = tehranDay(day.gregorian);
    if (field === 'from') filter.since = from;
    else filter.until = until;
  }
  if (filter.since && filter.until && filter.since >= filter.until) errors.push(t('audit.filters.reversedRange'));
  return { filter, query, page, shown, errors };
}

function queryString(query: FilterQuery, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, String(value));
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The secretariat's audit log: filters, paging, newest first, and the same selection as CSV. */
export function auditPages({ audit, db }: Services): Router {
  const router = Router();

  /** The page; a date that does not exist re-renders the form with the reason, at 400, and lists nothing. */
  function render(res: Response, { filter, query, page, shown, errors }: ReadFilter): void {
    const refused = errors.length > 0;
    const { total, entries } = refused ? { total: 0, entries: [] } : audit.search(filter, page, PER_PAGE);
    const actions = [...new Set([...KNOWN_ACTIONS, ...audit.actions()])];
    const { t, locale } = res.locals;
    const usernames = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    const { digits, number, dateTime } = formatters(locale);
    const words: AuditWords = { t, locale, digits, number, dateTime, cityName: res.locals.cityName, kindName: res.locals.kindName, hazardName: res.locals.hazardName };
    res.status(refused ? 400 : 200).render('audit', {
      title: t('audit.title'),
      filter: query,
      shown,
      errors,
      entries: entries.map((entry) => ({ ...entry, fields: presentDetails(entry, words), about: presentSubject(entry, words) })),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PER_PAGE)),
      actions,
      usernames,
      actionName: (action: string) => actionName(t, locale, action),
      pageHref: (p: number) => `/audit${queryString(query, p)}`,
      csvHref: `/audit.csv${queryString(query)}`,
    });
  }

  router.get('/audit', requirePageUser, requireRole('secretariat'), (req, res) => render(res, filterOf(req, res)));

  router.get('/audit.csv', requirePageUser, requireRole('secretariat'), async (req, res) => {
    const read = filterOf(req, res);
    if (read.errors.length > 0) return render(res, read);
    const { filter } = read;
    const { t, locale } = res.locals;
    const { dateTime } = formatters(locale);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log.csv"; filename*=UTF-8''${encodeURIComponent(t('audit.csv.fileName'))}`,
      'Cache-Control': 'no-store',
    });
    res.write(UTF8_BOM + csvRow((['id', 'atUtc', 'atSolar', 'user', 'action', 'actionName', 'document', 'target', 'details'] as const).map((column) => t(`audit.csv.${column}`))));
    let closed = false;
    res.on('close', () => (closed = true));
    await audit.eachMatching(
      filter,
      (e) => {
        if (closed) return;
        res.write(csvRow([e.id, e.at, dateTime(e.at), e.username, e.action, actionName(t, locale, e.action), e.documentId, e.target, JSON.stringify(e.details)]));
      },
      async () => {
        if (closed) throw new Error('client went away');
        if (res.writableNeedDrain) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        if (closed) throw new Error('client went away');
      },
    ).catch((error: Error) => {
      if (!closed) throw error;
    });
    if (!closed) res.end();
  });

  return router;
}
