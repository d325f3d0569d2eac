import { once } from 'node:events';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { requirePageUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { withoutEmptyStrings } from '../documents/documents.pages';
import { fa } from '../i18n/fa/index';
import { formatters, hasMessage, type Locale, type MessageKey, type Translate } from '../i18n/index';
import type { AuditFilter } from './audit.log';
import { UTF8_BOM, csvRow } from './audit.csv';

const PER_PAGE = 50;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const filterSchema = z.object({
  action: z.string().max(100).optional(),
  user: z.string().max(100).optional(),
  documentId: z.string().max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

/** Every action the catalogue names, e.g. `document.published` (the filter lists these even before they happen). */
export const KNOWN_ACTIONS: readonly string[] = Object.entries(fa.audit.actions).flatMap(([subject, verbs]) => Object.keys(verbs).map((verb) => `${subject}.${verb}`));

/** The name of an action in the reader's language; an action the catalogue does not know is shown as it is stored. */
export function actionName(t: Translate, locale: Locale, action: string): string {
  const key = `audit.actions.${action}`;
  return hasMessage(locale, key) ? t(key as MessageKey) : action;
}

function filterOf(req: Request): { filter: AuditFilter; page: number } {
  const { page, ...filter } = parseInput(filterSchema, withoutEmptyStrings({ ...(req.query as Record<string, unknown>) }));
  return { filter, page };
}

function queryString(filter: AuditFilter, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The secretariat's audit log: filters, paging, newest first, and the same selection as CSV. */
export function auditPages({ audit, db }: Services): Router {
  const router = Router();

  router.get('/audit', requirePageUser, requireRole('secretariat'), (req, res) => {
    const { filter, page } = filterOf(req);
    const { total, entries } = audit.search(filter, page, PER_PAGE);
    const actions = [...new Set([...KNOWN_ACTIONS, ...audit.actions()])];
    const { t, locale } = res.locals;
    const usernames = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    res.render('audit', {
      title: t('audit.title'),
      filter,
      entries,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PER_PAGE)),
      actions,
      usernames,
      actionName: (action: string) => actionName(t, locale, action),
      pageHref: (p: number) => `/audit${queryString(filter, p)}`,
      csvHref: `/audit.csv${queryString(filter)}`,
    });
  });

  router.get('/audit.csv', requirePageUser, requireRole('secretariat'), async (req, res) => {
    const { filter } = filterOf(req);
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
