import { once } from 'node:events';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { requirePageUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { LABELS, withoutEmptyStrings } from '../documents/documents.pages';
import { solar } from '../http/view-helpers';
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

/** Persian names of the actions beyond the document history's. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  ...LABELS.history,
  'user.created': 'ایجاد کاربر',
  'user.disabled': 'غیرفعال کردن کاربر',
  'user.enabled': 'فعال کردن کاربر',
  'package.created': 'ساخت بسته',
  'package.updated': 'ویرایش بسته',
  'package.published': 'انتشار بسته',
  'meeting.created': 'ثبت جلسه',
  'resolution.created': 'ثبت مصوبه',
  'resolution.updated': 'به‌روزرسانی مصوبه',
  'resolution.followup_added': 'ثبت پیگیری مصوبه',
};

export function actionName(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
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
    const actions = [...new Set([...Object.keys(LABELS.history), ...audit.actions()])];
    const usernames = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    res.render('audit', {
      title: 'گزارش رویدادها',
      filter,
      entries,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PER_PAGE)),
      actions,
      usernames,
      actionName,
      pageHref: (p: number) => `/audit${queryString(filter, p)}`,
      csvHref: `/audit.csv${queryString(filter)}`,
    });
  });

  router.get('/audit.csv', requirePageUser, requireRole('secretariat'), async (req, res) => {
    const { filter } = filterOf(req);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log.csv"; filename*=UTF-8''${encodeURIComponent('گزارش-رویدادها.csv')}`,
      'Cache-Control': 'no-store',
    });
    res.write(UTF8_BOM + csvRow(['شناسه', 'زمان (UTC)', 'زمان (هجری خورشیدی)', 'کاربر', 'رویداد', 'نام رویداد', 'سند', 'هدف', 'جزئیات']));
    let closed = false;
    res.on('close', () => (closed = true));
    await audit.eachMatching(
      filter,
      (e) => {
        if (closed) return;
        res.write(csvRow([e.id, e.at, solar(e.at, true), e.username, e.action, actionName(e.action), e.documentId, e.target, JSON.stringify(e.details)]));
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
